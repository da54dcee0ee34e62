package main

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

// versionOptions are the flags of `stocksync version`.
type versionOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *versionOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newVersionCmd(gopts *globalOptions) *cobra.Command {
	var opts versionOptions
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVersion(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runVersion prints the version, commit, platform and schema.
func runVersion(ctx context.Context, o versionOptions, gopts globalOptions, _ []string) error {
	v := versionJSON{Version: version.Version, Commit: version.Commit(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		Schema: int(store.KnownVersion())}
	if o.asJSON {
		return writeJSON(gopts.stdout, v)
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
	fmt.Fprintln(gopts.stdout, strings.Join(words, " "))
	return nil
}
