package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
)

// linkJSON is the documented shape of `stocksync link --json`.
type linkJSON struct {
	FileID string `json:"file_id"`
	Path   string `json:"path"` // absolute; "" when none is recorded
}

// linkOptions are the flags of `stocksync link`.
type linkOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *linkOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newLinkCmd(gopts *globalOptions) *cobra.Command {
	var opts linkOptions
	cmd := &cobra.Command{
		Use:   "link FILE-ID [PATH] [--json]",
		Short: "Record where the original of a file on ESP lives on this computer (a local file path)",
		Long: `Record the local file path of a file on ESP: where its original (the full-size
image or video you uploaded) lives on this computer. ESP keeps only its own copy
and a file name; the path lets you find your original again. Local file paths
exist only on this computer and are part of every backup.

Without PATH, print the path recorded for FILE-ID. ` + "`stocksync unlink FILE-ID`" + `
forgets it (an empty PATH is a usage error, not a way to remove it).`,
		Example:               "  stocksync link 80000123 ~/Pictures/2026/fog-0142.jpg",
		Args:                  cobra.RangeArgs(1, 2),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLink(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runLink records the local file path (args[1]) of the file on ESP args[0], or
// without PATH shows it.
func runLink(ctx context.Context, o linkOptions, gopts globalOptions, args []string) error {
	var path string
	if len(args) == 2 {
		abs, err := filepath.Abs(args[1])
		if err != nil {
			return err
		}
		st, err := os.Stat(abs)
		if err != nil {
			return fmt.Errorf("%s: %w: give the path of the original file", abs, errors.Unwrap(err))
		}
		if !st.Mode().IsRegular() {
			return usageError(fmt.Sprintf("%s is not a file: give the path of the original image or video", termSafe(abs)))
		}
		path = abs
	}
	// Showing a path only reads: it works on a read-only data folder
	// and never creates one (issue 12, item 4).
	var db *store.DB
	var err error
	if path == "" {
		_, db, _, err = gopts.openStoreRead(ctx)
	} else {
		_, db, err = gopts.openStore(ctx)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	id := args[0]
	if _, err := db.GetContribution(ctx, id); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("file %s is not in the local portfolio: run `stocksync list files` to see IDs (or `stocksync sync` first)", termSafe(id))
	} else if err != nil {
		return err
	}
	w := gopts.stdout
	if path == "" {
		paths, err := db.LocalPaths(ctx)
		if err != nil {
			return err
		}
		path = paths[id]
		if o.asJSON {
			return writeJSON(w, linkJSON{FileID: id, Path: path})
		}
		if path == "" {
			fmt.Fprintf(w, "No local file path is recorded for file %s: record one with `stocksync link %s PATH`.\n", termSafe(id), termSafe(id))
			return nil
		}
		fmt.Fprintln(w, termSafe(path))
		return nil
	}
	if err := db.SetLocalPath(ctx, id, path, time.Now()); err != nil {
		return err
	}
	if o.asJSON {
		return writeJSON(w, linkJSON{FileID: id, Path: path})
	}
	fmt.Fprintf(w, "File %s: the original is %s (recorded on %s; part of every backup).\n", termSafe(id), termSafe(path), reminder.ThisComputer)
	return nil
}
