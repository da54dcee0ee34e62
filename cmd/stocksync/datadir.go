package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// datadirOptions are the flags of `stocksync datadir`.
type datadirOptions struct {
}

func newDatadirCmd(gopts *globalOptions) *cobra.Command {
	var opts datadirOptions
	return &cobra.Command{
		Use:   "datadir",
		Short: "Print the data folder (Stocksync's backups cover it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDatadir(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
}

// runDatadir runs the command.
func runDatadir(ctx context.Context, o datadirOptions, gopts globalOptions, _ []string) error {
	d, err := gopts.dataDirAsIs()
	if err != nil {
		return err
	}
	fmt.Fprintln(gopts.stdout, d.Root)
	return nil
}
