package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/timemachine"
	"github.com/stocksync/stocksync/core/wording"
)

// backupStatusJSON is the documented shape of `stocksync backup status --json`.
type backupStatusJSON struct {
	DataDir            string `json:"data_dir"`
	Destination        string `json:"destination"` // "" when none is set
	DestinationOK      bool   `json:"destination_reachable"`
	DestinationProblem string `json:"destination_problem,omitempty"`
	Schedule           string `json:"schedule"`
	Keep               int    `json:"keep"`
	IncludeThumbnails  bool   `json:"include_thumbnails"`

	Snapshots       int          `json:"snapshots"` // in the destination
	NewestSnapshot  *backup.Info `json:"newest_snapshot,omitempty"`
	SafetySnapshots int          `json:"safety_snapshots"`
	NewestSafety    *backup.Info `json:"newest_safety_snapshot,omitempty"`

	// From the backup history in the database.
	LastBackup      *store.BackupRun `json:"last_backup,omitempty"`       // last successful snapshot
	LastFailure     *store.BackupRun `json:"last_failure,omitempty"`      // a failed snapshot after it
	LastVerify      *store.BackupRun `json:"last_verify,omitempty"`       // last verification, ok or not
	LastTestRestore *store.BackupRun `json:"last_test_restore,omitempty"` // last test restore, ok or not

	LocalOnly          store.AtRisk `json:"local_only"`                // everything only on this machine
	ChangedSinceBackup store.AtRisk `json:"changed_since_last_backup"` // not in the last backup

	TimeMachine tmStatusJSON `json:"time_machine"`
	Reminder    reminderJSON `json:"reminder"`
}

// tmStatusJSON is Time Machine as tmutil reports it (shape in docs/cli.md;
// built by timeMachineJSON in backup_status_tm.go).
type tmStatusJSON struct {
	Available      bool          `json:"available"`
	IncludesFolder bool          `json:"includes_data_folder"`
	ExcludedBy     string        `json:"excluded_by,omitempty"`
	HasDestination bool          `json:"has_backup_disk"`
	BackupDisks    []tmDiskJSON  `json:"backup_disks,omitempty"`
	LatestBackup   time.Time     `json:"latest_backup,omitzero"`
	LatestState    string        `json:"latest_backup_state,omitempty"` // timemachine.BackupState.String()
	BackingUp      *tmActiveJSON `json:"backing_up,omitempty"`          // a backup runs now
	Problems       []string      `json:"problems,omitempty"`            // tmutil answers that could not be read
	State          string        `json:"state"`                         // what to show
}

type reminderJSON struct {
	Due       bool      `json:"due"`
	Title     string    `json:"title,omitempty"`
	Body      string    `json:"body,omitempty"`
	NextCheck time.Time `json:"next_check,omitzero"`
	Warning   string    `json:"warning,omitempty"`
}

// backupStatusOptions are the flags of `stocksync backup status`.
type backupStatusOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *backupStatusOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newBackupStatusCmd(gopts *globalOptions) *cobra.Command {
	var opts backupStatusOptions
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show where backups go, the last backups, Time Machine, what is at risk and the next reminder",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackupStatus(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runBackupStatus shows where backups go, the last backups, Time Machine and
// the reminder.
func runBackupStatus(ctx context.Context, o backupStatusOptions, gopts globalOptions, _ []string) error {
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	cfg, err := loadConfig(d)
	if err != nil {
		return err
	}
	s, err := backupStatus(ctx, gopts, d, cfg, time.Now())
	if err != nil {
		return err
	}
	if o.asJSON {
		return writeJSON(gopts.stdout, s)
	}
	printBackupStatus(gopts.stdout, s, time.Now())
	return nil
}

func backupStatus(ctx context.Context, gopts globalOptions, d datadir.Dir, cfg config.Config, now time.Time) (backupStatusJSON, error) {
	s := backupStatusJSON{DataDir: d.Root, Destination: cfg.Backup.Destination, Schedule: cfg.Backup.Schedule,
		Keep: cfg.Backup.Keep, IncludeThumbnails: cfg.Backup.IncludeThumbnails}
	if dest, err := backupDestination(d, cfg, ""); err != nil {
		s.DestinationProblem = withHint(err)
	} else if list, err := backup.List(dest); err != nil {
		s.DestinationProblem = withHint(err)
	} else {
		s.Destination, s.DestinationOK = dest, true
		s.Snapshots, s.NewestSnapshot = newestOf(list)
	}
	if list, err := backup.List(d.Snapshots()); err == nil {
		s.SafetySnapshots, s.NewestSafety = newestOf(list)
	}
	// Never report "never backed up, 0 pending uploads" for a database that
	// could not be read: on a read-only folder it is read read-only, and one
	// that cannot be read at all is an error (issue 12, item 4).
	if _, err := os.Stat(d.DB()); err == nil {
		_, db, _, err := gopts.openStoreRead(ctx)
		if err != nil {
			var ee *exitError
			if errors.As(err, &ee) {
				return s, err
			}
			return s, fmt.Errorf("could not read the backup history and what exists only on this machine: %w", err)
		}
		defer db.Close()
		if err := historyStatus(ctx, db, &s); err != nil {
			return s, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return s, fmt.Errorf("could not read the database %s: %w", d.DB(), err)
	}
	var err error
	if s.TimeMachine, s.Reminder, err = tmAndReminder(ctx, d, cfg, &s, now); err != nil {
		return s, err
	}
	return s, nil
}

func newestOf(list []backup.Info) (int, *backup.Info) {
	n := 0
	var newest *backup.Info
	for i := range list {
		if list[i].Problem != "" {
			continue
		}
		n++
		if newest == nil {
			newest = &list[i]
		}
	}
	return n, newest
}

func historyStatus(ctx context.Context, db *store.DB, s *backupStatusJSON) error {
	last := func(kind string, okOnly bool) (*store.BackupRun, error) {
		r, err := db.LastBackupRun(ctx, kind, okOnly)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &r, nil
	}
	var err error
	if s.LastBackup, err = last(backup.KindSnapshot, true); err != nil {
		return err
	}
	attempt, err := last(backup.KindSnapshot, false)
	if err != nil {
		return err
	}
	if attempt != nil && !attempt.OK {
		s.LastFailure = attempt
	}
	if s.LastVerify, err = last(backup.KindVerify, false); err != nil {
		return err
	}
	if s.LastTestRestore, err = last(backup.KindTestRestore, false); err != nil {
		return err
	}
	sum, err := db.Summary(ctx)
	if err != nil {
		return err
	}
	s.LocalOnly = sum.AtRisk
	var since time.Time
	if s.LastBackup != nil {
		since = s.LastBackup.StartedAt
	}
	s.ChangedSinceBackup, err = db.LocalChangesSince(ctx, since, time.Now())
	return err
}

// tmAndReminder asks Time Machine (tmutil, or the program STOCKSYNC_TMUTIL
// names: a blank or unusable value is a usage error) and decides the reminder.
func tmAndReminder(ctx context.Context, d datadir.Dir, cfg config.Config, s *backupStatusJSON, now time.Time) (tmStatusJSON, reminderJSON, error) {
	runner, err := timemachine.RunnerFromEnv(os.LookupEnv)
	if err != nil {
		return tmStatusJSON{}, reminderJSON{}, &exitError{code: exitUsage, msg: err.Error()}
	}
	home, _ := os.UserHomeDir()
	st := timemachine.NewChecker(runner, home).Status(ctx, d.Root)
	tm := timeMachineJSON(st, now)
	sched, _ := reminder.ParseSchedule(cfg.Backup.Schedule)
	in := reminder.Input{
		Now: now, Schedule: sched,
		TMAvailable: st.Available, TMIncludesFolder: tm.IncludesFolder, TMExcluded: st.Exclusion.Excluded,
		TMHasDestination: tm.HasDestination,
		AtRisk: reminder.AtRisk{PendingUploads: s.ChangedSinceBackup.PendingUploads, LocalEdits: s.ChangedSinceBackup.LocalEdits,
			LocalPaths: s.ChangedSinceBackup.LocalPaths},
		SnoozedUntil: cfg.Backup.SnoozedUntil,
	}
	if s.LastBackup != nil {
		in.LastAppBackup = s.LastBackup.StartedAt
	}
	if tm.IncludesFolder {
		in.LastTimeMachineBackup = tm.LatestBackup
	}
	dec := reminder.Decide(in)
	r := reminderJSON{Due: dec.Remind, NextCheck: dec.NextCheck}
	if dec.Remind {
		r.Title, r.Body = dec.Title, dec.Body
	}
	if dec.Warning != nil {
		r.Warning = dec.Warning.Body
	}
	return tm, r, nil
}

func printBackupStatus(w io.Writer, s backupStatusJSON, now time.Time) {
	run := func(r *store.BackupRun) string {
		if r == nil {
			return "never"
		}
		out := wording.Ago(now, r.StartedAt) + " (" + r.StartedAt.Local().Format("2006-01-02 15:04") + ")"
		if !r.OK {
			out += ", FAILED: " + r.Detail
		}
		return out
	}
	switch {
	case s.Destination == "":
		fmt.Fprintln(w, "Destination:       not set — run `stocksync backup destination DIR`")
	case !s.DestinationOK:
		fmt.Fprintf(w, "Destination:       %s — %s\n", s.Destination, s.DestinationProblem)
	default:
		fmt.Fprintf(w, "Destination:       %s (%s)\n", s.Destination, plural(s.Snapshots, "snapshot"))
	}
	thumbs := "without thumbnails"
	if s.IncludeThumbnails {
		thumbs = "with thumbnails"
	}
	fmt.Fprintf(w, "Schedule:          %s, keep %d, %s\n", s.Schedule, s.Keep, thumbs)
	fmt.Fprintf(w, "Last backup:       %s\n", run(s.LastBackup))
	if s.LastBackup != nil && s.LastBackup.Path != "" {
		// `backup --to DIR` leaves no other trace of where it went.
		fmt.Fprintf(w, "  saved in:        %s\n", s.LastBackup.Path)
	}
	if s.LastFailure != nil {
		fmt.Fprintf(w, "Last attempt:      %s\n", run(s.LastFailure))
	}
	fmt.Fprintf(w, "Last verify:       %s\n", run(s.LastVerify))
	fmt.Fprintf(w, "Last test restore: %s", run(s.LastTestRestore))
	if s.LastTestRestore == nil {
		fmt.Fprint(w, " — try `stocksync backup test-restore`")
	}
	fmt.Fprintln(w)
	safety := "none"
	if s.NewestSafety != nil {
		safety = fmt.Sprintf("%d, newest %s (%s)", s.SafetySnapshots, wording.Ago(now, s.NewestSafety.Created), termSafe(s.NewestSafety.Reason))
	}
	fmt.Fprintf(w, "Safety snapshots:  %s\n", safety)
	printTimeMachine(w, s.TimeMachine)
	a, c := s.LocalOnly, s.ChangedSinceBackup
	fmt.Fprintf(w, "Only on %s: %s, %s, %s\n", reminder.ThisComputer,
		plural(a.PendingUploads, "pending upload"), plural(a.LocalEdits, "local edit"), plural(a.LocalPaths, "local file path"))
	if d := (reminder.AtRisk{PendingUploads: c.PendingUploads, LocalEdits: c.LocalEdits, LocalPaths: c.LocalPaths}).Describe(); d != "" && s.LastBackup != nil {
		fmt.Fprintf(w, "Not in the last backup: %s\n", d)
	}
	switch {
	case s.Reminder.Due:
		fmt.Fprintf(w, "Reminder:          due now — %s\n", s.Reminder.Body)
	case s.Reminder.NextCheck.IsZero():
		fmt.Fprintln(w, "Reminder:          off")
	default:
		fmt.Fprintf(w, "Reminder:          not before %s\n", s.Reminder.NextCheck.Local().Format("2006-01-02 15:04"))
	}
	if s.Reminder.Warning != "" {
		fmt.Fprintf(w, "Warning:           %s\n", s.Reminder.Warning)
	}
}
