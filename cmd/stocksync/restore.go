package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

// restoreOptions are the flags of `stocksync restore`.
type restoreOptions struct {
	localOnly, asJSON, dryRun bool
}

// AddFlags adds the flags to f.
func (o *restoreOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.dryRun, "dry-run", false, "verify the snapshot and show what would be restored and what it lacks; change nothing")
	f.BoolVar(&o.localOnly, "local-only", false, "merge only pending uploads, local paths, local edits (and missing or damaged settings)")
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newRestoreCmd(gopts *globalOptions) *cobra.Command {
	var opts restoreOptions
	cmd := &cobra.Command{
		Use:   "restore SNAPSHOT [--local-only] [--dry-run]",
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

What is intact is restored: a snapshot that lacks its settings file or some
thumbnails still restores its database, and the files it lacks are named. Only a
snapshot whose database is damaged is refused. --dry-run verifies the snapshot and
shows what would be restored, changing nothing; with --local-only it counts and
names the rows that would be added or replaced and says what would happen to the
settings (worked out by running the merge on a temporary copy of the data).

Over a damaged database, the pending uploads, local file paths and local edits it
still holds are rescued into the restored one (work done since the snapshot).

A restore switches the database and settings in one step; if it is killed, the
next stocksync command completes it before doing anything else.

Exit status: 0 ok, 1 error, 2 usage (an empty SNAPSHOT, or the data folder given as
one), 3 the snapshot's database failed verification (or, over a damaged database,
its local-only work could not be rescued), 4 refused because a sync is
running or the database is open in another process, 6 an interrupted restore could
not be completed, 130 interrupted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRestore(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runRestore restores the snapshot args[0] into the data folder (or with
// --dry-run shows what it would).
func runRestore(ctx context.Context, o restoreOptions, gopts globalOptions, args []string) error {
	// An empty name must never mean "the newest snapshot": that
	// replaced live data (issue 12, item 1).
	if strings.TrimSpace(args[0]) == "" {
		return &exitError{code: exitUsage, msg: "the snapshot name is empty: give a name from `stocksync backup list`, or a path"}
	}
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	if !o.dryRun && d.Exists() {
		if err := prepareDataDir(d); err != nil {
			return err
		}
	}
	// A damaged config.json must not stop a restore: it may be what
	// is being restored.
	cfg, cerr := config.Load(d.Config())
	snap, err := resolveSnapshot(d, cfg, args[0])
	if err != nil {
		var nf *snapshotNotFoundError
		if cerr != nil && errors.As(err, &nf) {
			// Say exactly where the name was looked for.
			return nf.withDamagedSettings(cerr)
		}
		return err
	}
	if datadir.Contains(snap, d.Root) {
		return &exitError{code: exitUsage, msg: fmt.Sprintf("%s is the data folder or holds it, not a snapshot: give a snapshot from `stocksync backup list`", snap)}
	}
	started := time.Now()
	res, err := backup.Restore(ctx, d, snap, backup.RestoreOptions{LocalOnly: o.localOnly, DryRun: o.dryRun})
	if err != nil {
		if o.dryRun {
			// The same exit status as the restore it previews (it
			// was 1 for a snapshot failing verification, not 3).
			return &exitError{code: restoreExitCode(err), msg: withHint(err)}
		}
		return restoreFailed(ctx, d, snap, started, err)
	}
	w := gopts.stdout
	var rescued *rescueJSON
	if !o.dryRun && !o.localOnly {
		rescued = rescueLocalOnly(ctx, d, res)
	}
	if o.asJSON {
		if err := writeJSON(w, restoreJSON{RestoreResult: res, Rescued: rescued}); err != nil {
			return err
		}
		if rescued != nil && rescued.Error != "" {
			return printRescue(io.Discard, rescued)
		}
		return nil
	}
	if o.dryRun {
		printRestorePlan(w, res, o.localOnly)
		return nil
	}
	printRestore(w, res, o.localOnly)
	return printRescue(w, rescued)
}

// restoreFailed records the failure in the database that is now in place,
// if it can be opened, and picks the exit status.
func restoreFailed(ctx context.Context, d datadir.Dir, snap string, started time.Time, err error) error {
	code := restoreExitCode(err)
	msg := withHint(err) // the history keeps the fact only
	// While a sync runs or the database is open elsewhere, stay away from it.
	if code != exitBusy {
		if _, serr := os.Stat(d.DB()); serr == nil {
			if db, oerr := store.Open(ctx, d.DB(), store.Options{}); oerr == nil {
				rerr := db.RecordBackupRun(ctx, store.BackupRun{Kind: backup.KindRestore, Path: snap, StartedAt: started, Detail: err.Error()})
				db.Close()
				if rerr != nil {
					msg += fmt.Sprintf(" (could not record this in the backup history: %v)", rerr)
				}
			}
		}
	}
	return &exitError{code: code, msg: msg}
}

// restoreExitCode is the exit status of a refused or failed restore: 4
// busy, 3 the snapshot fails verification, 130 interrupted, else 1.
func restoreExitCode(err error) int {
	var ve *backup.VerifyError
	switch {
	case errors.Is(err, lockfile.ErrHeld), errors.Is(err, store.ErrInUse):
		return exitBusy
	case errors.As(err, &ve):
		return exitPartial
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	}
	return exitFailure
}

func printRestore(w io.Writer, r backup.RestoreResult, localOnly bool) {
	taken := r.Snapshot.Created.Local().Format("2006-01-02 15:04")
	if localOnly {
		fmt.Fprintf(w, "Merged the local-only data of %s (taken %s):\n", termSafe(r.Snapshot.Name), taken)
		for _, t := range store.LocalOnlyTables {
			c := r.LocalOnly[t]
			fmt.Fprintf(w, "  %-17s %s added, %s replaced, %s already here\n", localOnlyWords[t]+":", num(c.Added), num(c.Updated), num(c.Unchanged))
		}
		if r.LocalOnly.Total() > 0 {
			fmt.Fprintln(w, "  Rows removed since the snapshot (e.g. uploads sent since) are back: check `stocksync list pending` and `stocksync list edits`.")
		}
	} else {
		fmt.Fprintf(w, "Restored %s (taken %s).\n", termSafe(r.Snapshot.Name), taken)
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
	printMissing(w, r.Missing)
	if r.ThumbnailsRestored > 0 {
		fmt.Fprintf(w, "%s restored.\n", plural(r.ThumbnailsRestored, "thumbnail"))
	}
	if r.Safety != nil {
		fmt.Fprintf(w, "Your data as it was before is saved in %s.\n", r.Safety.Path)
	}
	if r.History.Note != "" {
		fmt.Fprintf(w, "Backup history: %s.\n", r.History.Note)
	}
	if !localOnly {
		fmt.Fprintf(w, "Now run `stocksync sync` to pick up what changed on ESP since %s.\n", taken)
	}
}

func printMissing(w io.Writer, missing []backup.Finding) {
	if len(missing) == 0 {
		return
	}
	fmt.Fprintf(w, "Not in the snapshot (missing or damaged there), so not restored: %s\n", plural(len(missing), "file"))
	for i, f := range missing {
		if i == 10 {
			fmt.Fprintf(w, "  … and %s more\n", num(len(missing)-10))
			break
		}
		fmt.Fprintf(w, "  %s\n", f.File)
	}
}

func missingFile(missing []backup.Finding, name string) bool {
	for _, f := range missing {
		if f.File == name {
			return true
		}
	}
	return false
}
