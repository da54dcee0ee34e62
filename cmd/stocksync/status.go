package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
)

// statusJSON is the documented shape of `stocksync status --json`.
type statusJSON struct {
	DataDir string        `json:"data_dir"`
	Exists  bool          `json:"database_exists"`
	Summary store.Summary `json:"summary"`
	// ThumbnailsDownloading: a downloader (`thumbnails --wait`, or the one
	// `sync` starts in the background) is running now.
	ThumbnailsDownloading bool `json:"thumbnails_downloading"`
	// Reminder is the backup reminder as `backup status` decides it; absent
	// when it could not be worked out (no database, unreadable settings).
	Reminder *reminderJSON `json:"backup_reminder,omitempty"`
	// ReminderError says why Reminder is absent though the database was
	// read (a damaged config.json, an unreadable backup history): status
	// never leaves out what it could not read without a word.
	ReminderError string `json:"backup_reminder_error,omitempty"`
}

// statusOptions are the flags of `stocksync status`.
type statusOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *statusOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newStatusCmd(gopts *globalOptions) *cobra.Command {
	var opts statusOptions
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the portfolio, the last sync, and what exists only on this machine",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runStatus prints the portfolio, the last sync and what exists only on this
// machine.
func runStatus(ctx context.Context, o statusOptions, gopts globalOptions, _ []string) error {
	d, err := gopts.dataDir()
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
			return gopts.damaged(d, err)
		}
		defer db.Close()
		if out.Summary, err = db.Summary(ctx); err != nil {
			return gopts.damaged(d, err)
		}
		out.Summary.LastSync = stoppedSync(d, out.Summary.LastSync)
		out.ThumbnailsDownloading = lockHeld(thumbnailsLock(d))
		out.Reminder, err = statusReminder(ctx, d, db, time.Now())
		if err != nil {
			out.ReminderError = withHint(err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("data folder %s: %w", d.Root, err)
	}
	if o.asJSON {
		return writeJSON(gopts.stdout, out)
	}
	printStatus(gopts.stdout, out, time.Now())
	return nil
}

func printStatus(w io.Writer, s statusJSON, now time.Time) {
	fmt.Fprintf(w, "Data folder:   %s\n", termSafe(s.DataDir))
	if !s.Exists {
		fmt.Fprintln(w, "Nothing synced yet. Run `stocksync login` then `stocksync sync`, or try `stocksync demo`.")
		return
	}
	sm := s.Summary
	if r := sm.LastSync; r != nil {
		line := fmt.Sprintf("%s, %s", r.Outcome, ago(now, r.StartedAt))
		// The message adds what the outcome does not already say
		// (not "cancelled, just now: cancelled").
		if r.Outcome == store.OutcomeSignedOut {
			// Worded once, with the command that fixes it (the message
			// repeated "signed out of ESP … sign in again").
			line = "signed out, " + ago(now, r.StartedAt) + ": " + signInAgain()
		} else if m := strings.TrimSpace(r.Message); m != "" && !strings.EqualFold(strings.TrimSuffix(m, "."), string(r.Outcome)) {
			line += ": " + runText(*r)
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
	fmt.Fprintf(w, "Thumbnails:    %s downloaded, %s queued, %s failed", num(sm.ThumbnailsDone), num(sm.ThumbnailsQueued), num(sm.ThumbnailsFailed))
	if s.ThumbnailsDownloading {
		fmt.Fprint(w, " (downloading now)")
	}
	fmt.Fprintln(w)
	a := sm.AtRisk
	fmt.Fprintf(w, "Only on %s: %s, %s (%s in conflict), %s\n", reminder.ThisComputer,
		plural(a.PendingUploads, "pending upload"), plural(a.LocalEdits, "local edit"), num(a.Conflicts),
		plural(a.LocalPaths, "local file path"))
	if s.ReminderError != "" {
		fmt.Fprintf(w, "Backup:        unknown: %s\n", termSafe(s.ReminderError))
	}
	if r := s.Reminder; r != nil {
		switch {
		case r.Due:
			fmt.Fprintf(w, "Backup:        due: %s Run `stocksync backup`.\n", termSafe(r.Body))
		case r.Warning != "":
			fmt.Fprintf(w, "Backup:        %s\n", termSafe(r.Warning))
		default:
			fmt.Fprintln(w, "Backup:        no reminder due (`stocksync backup status` has the details)")
		}
	}
}

// statusReminder works out the backup reminder from what status has
// already opened read-only; the error says why it could not (the settings
// or the backup history cannot be read; status still shows everything else).
func statusReminder(ctx context.Context, d datadir.Dir, db *store.DB, now time.Time) (*reminderJSON, error) {
	cfg, err := config.Load(d.Config())
	if err != nil {
		return nil, err
	}
	var bs backupStatusJSON
	if r, err := db.LastBackupRun(ctx, backup.KindSnapshot, true); err == nil {
		bs.LastBackup = &r
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("the backup history cannot be read: %w", err)
	}
	var since time.Time
	if bs.LastBackup != nil {
		since = bs.LastBackup.StartedAt
	}
	if bs.ChangedSinceBackup, err = db.LocalChangesSince(ctx, since, now); err != nil {
		return nil, fmt.Errorf("what changed since the last backup cannot be read: %w", err)
	}
	_, r, err := tmAndReminder(ctx, d, cfg, &bs, now)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// stoppedSyncMessage is what status says of a sync recorded as running that
// no process runs any more (killed, or the computer shut down): it is shown
// as cancelled, as the next sync records it.
const stoppedSyncMessage = "stopped before it finished (the process was killed, or the computer shut down); the next sync continues where it stopped"

// stoppedSync is r, with a run recorded as running that no process holds
// the sync lock for shown as cancelled (status said "running" for ever
// after a sync was killed).
func stoppedSync(d datadir.Dir, r *store.SyncRun) *store.SyncRun {
	if r == nil || r.Outcome != store.OutcomeRunning || lockfile.InUse(d.Lock()) {
		return r
	}
	c := *r
	c.Outcome, c.Message = store.OutcomeCancelled, stoppedSyncMessage
	return &c
}
