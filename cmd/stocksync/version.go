package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/version"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := version.Commit()
			if len(c) > 12 {
				c = c[:12]
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stocksync %s %s %s/%s schema %d\n", version.Version, c, runtime.GOOS, runtime.GOARCH, store.KnownVersion())
			return nil
		},
	}
}
