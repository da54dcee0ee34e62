package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// datadirOptions are the flags of `stocksync datadir`: it has none but the global ones.
type datadirOptions struct{}

// AddFlags adds no flags: `stocksync datadir` has none of its own.
func (o *datadirOptions) AddFlags(*pflag.FlagSet) {}

func newDatadirCmd(gopts *globalOptions) *cobra.Command {
	var opts datadirOptions
	cmd := &cobra.Command{
		Use:   "datadir",
		Short: "Print the data folder (Stocksync's backups cover it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDatadir(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runDatadir prints the data folder, usable or not.
func runDatadir(ctx context.Context, o datadirOptions, gopts globalOptions, _ []string) error {
	d, err := gopts.dataDirAsIs()
	if err != nil {
		return err
	}
	fmt.Fprintln(gopts.stdout, d.Root)
	return nil
}
