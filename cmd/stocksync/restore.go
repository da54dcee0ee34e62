package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

var _ = register(newRestoreCmd)

func newRestoreCmd() *cobra.Command {
	var localOnly, asJSON bool
	cmd := &cobra.Command{
		Use:   "restore SNAPSHOT [--local-only]",
		Short: "Bring back your data from a snapshot (a name from `stocksync backup list`, or a path)",
		Long: `Restores a snapshot into the data folder. The snapshot is verified first, and the
current data is saved as a safety snapshot in the data folder's snapshots/, so a
restore never loses anything. Quit the Stocksync app first; a restore is refused
while a sync runs.

Without --local-only (complete loss recovery) the database and settings are
replaced by the snapshot's; afterwards run "stocksync sync" to pick up what
changed on ESP since the snapshot was taken.

With --local-only (partial recovery, after database trouble) only the work that
exists nowhere else — pending uploads, local file paths, local edits — is merged
into the current database; server data is left alone (a sync fetches it again).
The settings are restored only if the current file is missing or damaged.

Exit status: 0 ok, 1 error, 3 the snapshot failed verification, 4 refused because
a sync is running or the database is open in another process.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := dataDir()
			if err != nil {
				return err
			}
			// A damaged config.json must not stop a restore: it may be what
			// is being restored.
			cfg, _ := config.Load(d.Config())
			snap, err := resolveSnapshot(d, cfg, args[0])
			if err != nil {
				return err
			}
			started := time.Now()
			res, err := backup.Restore(ctx, d, snap, backup.RestoreOptions{LocalOnly: localOnly})
			if err != nil {
				return restoreFailed(ctx, d, snap, started, err)
			}
			w := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(w, res)
			}
			printRestore(w, res, localOnly)
			return nil
		},
	}
	cmd.Flags().BoolVar(&localOnly, "local-only", false, "merge only pending uploads, local paths, local edits (and missing or damaged settings)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
	return cmd
}

// restoreFailed records the failure in the database that is now in place,
// if it can be opened, and picks the exit status.
func restoreFailed(ctx context.Context, d datadir.Dir, snap string, started time.Time, err error) error {
	code := exitFailure
	var ve *backup.VerifyError
	switch {
	case errors.Is(err, lockfile.ErrHeld), errors.Is(err, store.ErrInUse):
		code = exitBusy
	case errors.As(err, &ve):
		code = exitPartial
	}
	msg := err.Error()
	// While a sync runs or the database is open elsewhere, stay away from it.
	if code != exitBusy {
		if _, serr := os.Stat(d.DB()); serr == nil {
			if db, oerr := store.Open(ctx, d.DB(), store.Options{}); oerr == nil {
				rerr := db.RecordBackupRun(ctx, store.BackupRun{Kind: backup.KindRestore, Path: snap, StartedAt: started, Detail: msg})
				db.Close()
				if rerr != nil {
					msg += fmt.Sprintf(" (could not record this in the backup history: %v)", rerr)
				}
			}
		}
	}
	return &exitError{code: code, msg: msg}
}

func printRestore(w io.Writer, r backup.RestoreResult, localOnly bool) {
	taken := r.Snapshot.Created.Local().Format("2006-01-02 15:04")
	if localOnly {
		fmt.Fprintf(w, "Merged the local-only data of %s (taken %s):\n", r.Snapshot.Name, taken)
		for _, t := range store.LocalOnlyTables {
			c := r.LocalOnly[t]
			fmt.Fprintf(w, "  %-16s %s added, %s updated, %s already here\n", t+":", num(c.Added), num(c.Updated), num(c.Unchanged))
		}
		if r.LocalOnly.Total() > 0 {
			fmt.Fprintln(w, "  Rows removed since the snapshot (e.g. uploads sent since) are back: check `stocksync list pending` and `stocksync list edits`.")
		}
	} else {
		fmt.Fprintf(w, "Restored %s (taken %s).\n", r.Snapshot.Name, taken)
	}
	c := r.Config
	switch {
	case c.Restored && c.DamagedKept != "":
		fmt.Fprintf(w, "Settings restored; the damaged file was kept as %s.\n", c.DamagedKept)
	case c.Restored:
		fmt.Fprintln(w, "Settings restored.")
	case len(c.Differences) > 0:
		fmt.Fprintln(w, "Your current settings were kept; the snapshot's differ:")
		for _, d := range c.Differences {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
	if r.ThumbnailsRestored > 0 {
		fmt.Fprintf(w, "%s restored.\n", plural(r.ThumbnailsRestored, "thumbnail"))
	}
	if r.Safety != nil {
		fmt.Fprintf(w, "Your data as it was before is saved in %s.\n", r.Safety.Path)
	}
	if !localOnly {
		fmt.Fprintf(w, "Now run `stocksync sync` to pick up what changed on ESP since %s.\n", taken)
	}
}
