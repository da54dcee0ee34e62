package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newDatadirCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "datadir",
		Short: "Print the data folder (Stocksync's backups cover it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := dataDirAsIs()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), d.Root)
			return nil
		},
	}
}
