package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/stocksync/stocksync/core/store"
)

// statusJSON is the documented shape of `stocksync status --json`.
type statusJSON struct {
	DataDir string        `json:"data_dir"`
	Exists  bool          `json:"database_exists"`
	Summary store.Summary `json:"summary"`
}

func newStatusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the portfolio, the last sync, and what exists only on this machine",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, err := dataDir()
			if err != nil {
				return err
			}
			out := statusJSON{DataDir: d.Root, Summary: store.Summary{ByBucket: map[string]int{}}}
			for _, b := range store.Buckets {
				out.Summary.ByBucket[b] = 0
			}
			// Reading status never creates a data folder as a side effect.
			if _, err := os.Stat(d.DB()); err == nil {
				out.Exists = true
				// Status only reads: it works on a read-only disk and never
				// upgrades or otherwise touches the database.
				if err := prepareDataDir(d); err != nil {
					return err
				}
				db, err := store.OpenReadOnly(ctx, d.DB())
				if err != nil {
					return damaged(d, err)
				}
				defer db.Close()
				if out.Summary, err = db.Summary(ctx); err != nil {
					return damaged(d, err)
				}
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("data folder %s: %w", d.Root, err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			printStatus(cmd.OutOrStdout(), out, time.Now())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
	return cmd
}

func printStatus(w io.Writer, s statusJSON, now time.Time) {
	fmt.Fprintf(w, "Data folder:   %s\n", s.DataDir)
	if !s.Exists {
		fmt.Fprintln(w, "Nothing synced yet. Run `stocksync login` then `stocksync sync`, or try `stocksync demo`.")
		return
	}
	sm := s.Summary
	if r := sm.LastSync; r != nil {
		line := fmt.Sprintf("%s, %s", r.Outcome, ago(now, r.StartedAt))
		if r.Message != "" {
			line += ": " + r.Message
		}
		fmt.Fprintf(w, "Last sync:     %s\n", line)
	} else {
		fmt.Fprintln(w, "Last sync:     never")
	}
	fmt.Fprintf(w, "Batches:       %s", num(sm.Batches))
	if sm.BatchesRemoved > 0 {
		fmt.Fprintf(w, " (+%s removed from ESP)", num(sm.BatchesRemoved))
	}
	fmt.Fprintln(w)
	b := sm.ByBucket
	fmt.Fprintf(w, "Files:         %s — %s pending · %s in review · %s accepted · %s revisable · %s rejected",
		num(sm.Files), num(b[store.BucketPending]), num(b[store.BucketInReview]), num(b[store.BucketAccepted]),
		num(b[store.BucketRevisable]), num(b[store.BucketRejected]))
	if b[store.BucketOther] > 0 {
		fmt.Fprintf(w, " · %s other", num(b[store.BucketOther]))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Thumbnails:    %s downloaded, %s queued, %s failed\n", num(sm.ThumbnailsDone), num(sm.ThumbnailsQueued), num(sm.ThumbnailsFailed))
	a := sm.AtRisk
	fmt.Fprintf(w, "Only on this machine: %s, %s (%s in conflict), %s\n",
		plural(a.PendingUploads, "pending upload"), plural(a.LocalEdits, "local edit"), num(a.Conflicts),
		plural(a.LocalPaths, "local file path"))
}
