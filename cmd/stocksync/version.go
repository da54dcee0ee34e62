package main

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/version"
)

// versionJSON is the documented shape of `stocksync version --json`.
type versionJSON struct {
	Version string `json:"version"`
	Commit  string `json:"commit"` // the full commit hash, "" when unknown
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	Schema  int    `json:"schema"` // the database schema version this build reads and writes
}

func newVersionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := versionJSON{Version: version.Version, Commit: version.Commit(), OS: runtime.GOOS, Arch: runtime.GOARCH,
				Schema: int(store.KnownVersion())}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			c := v.Commit
			if len(c) > 12 {
				c = c[:12]
			}
			words := []string{"stocksync", v.Version}
			if c != "" { // no double space when the commit is unknown
				words = append(words, c)
			}
			words = append(words, v.OS+"/"+v.Arch, "schema", strconv.Itoa(v.Schema))
			fmt.Fprintln(cmd.OutOrStdout(), strings.Join(words, " "))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
	return cmd
}
