package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/reminder"
)

// backupScheduleJSON is the documented shape of `backup schedule --json`.
type backupScheduleJSON struct {
	Schedule string `json:"schedule"` // off, daily or weekly
	Changed  bool   `json:"changed"`  // this command set it
}

// backupDestinationJSON is the documented shape of `backup destination --json`.
type backupDestinationJSON struct {
	Destination string `json:"destination"` // absolute path; "" when none is set
	Changed     bool   `json:"changed"`     // this command set it
}

// backupScheduleOptions are the flags of `stocksync backup schedule`.
type backupScheduleOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *backupScheduleOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newBackupScheduleCmd(gopts *globalOptions) *cobra.Command {
	var opts backupScheduleOptions
	cmd := &cobra.Command{
		Use:       "schedule [daily|weekly|off]",
		Short:     "How often to remind you to back up; without an argument, show it",
		Args:      cobra.MatchAll(cobra.MaximumNArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"daily", "weekly", "off"},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackupSchedule(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runBackupSchedule sets the backup reminder schedule to args[0], or shows it.
func runBackupSchedule(ctx context.Context, o backupScheduleOptions, gopts globalOptions, args []string) error {
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	w := gopts.stdout
	if len(args) == 0 {
		cfg, err := loadConfig(d)
		if err != nil {
			return err
		}
		if o.asJSON {
			return writeJSON(w, backupScheduleJSON{Schedule: cfg.Backup.Schedule})
		}
		fmt.Fprintf(w, "Backup reminders: %s. Change with `stocksync backup schedule daily|weekly|off`.\n", cfg.Backup.Schedule)
		return nil
	}
	if err := d.Ensure(); err != nil {
		return err
	}
	if _, err := config.Update(d.Config(), func(c *config.Config) error {
		c.Backup.Schedule = args[0]
		return nil
	}); err != nil {
		return err
	}
	if o.asJSON {
		return writeJSON(w, backupScheduleJSON{Schedule: args[0], Changed: true})
	}
	if args[0] == "off" {
		fmt.Fprintf(w, "Backup reminders are off. Your pending uploads and local edits exist only on %s: back up by hand with `stocksync backup`.\n", reminder.ThisComputer)
		return nil
	}
	fmt.Fprintf(w, "You will be reminded to back up %s when something is not yet in a backup.\n", args[0])
	return nil
}

// backupDestinationOptions are the flags of `stocksync backup destination`.
type backupDestinationOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *backupDestinationOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newBackupDestinationCmd(gopts *globalOptions) *cobra.Command {
	var opts backupDestinationOptions
	cmd := &cobra.Command{
		Use:   "destination [DIR]",
		Short: "Choose the folder backups go to (external drive, NAS, iCloud Drive, Dropbox…); without DIR, show it",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackupDestination(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runBackupDestination sets the backup destination to args[0], or shows it.
func runBackupDestination(ctx context.Context, o backupDestinationOptions, gopts globalOptions, args []string) error {
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	w := gopts.stdout
	if len(args) == 0 {
		cfg, err := loadConfig(d)
		if err != nil {
			return err
		}
		if o.asJSON {
			return writeJSON(w, backupDestinationJSON{Destination: cfg.Backup.Destination})
		}
		if cfg.Backup.Destination == "" {
			fmt.Fprintln(w, "No backup destination is set: choose one with `stocksync backup destination DIR`.")
			return nil
		}
		fmt.Fprintln(w, termSafe(cfg.Backup.Destination))
		return nil
	}
	dest, err := setBackupDestination(d, args[0])
	if err != nil {
		return err
	}
	if o.asJSON {
		return writeJSON(w, backupDestinationJSON{Destination: dest, Changed: true})
	}
	fmt.Fprintf(w, "Backups will go to %s. Take the first one now with `stocksync backup`.\n", termSafe(dest))
	return nil
}

// setBackupDestination checks dir as a backup destination for d, creates
// it if its parent exists, and saves it in the settings; it returns the
// absolute path saved.
func setBackupDestination(d datadir.Dir, dir string) (string, error) {
	dest, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if isInsideDir(dest, d.Root) {
		return "", fmt.Errorf("%s is inside the data folder %s: a backup must live elsewhere (another drive, a NAS or a cloud drive)", dest, d.Root)
	}
	if isInsideDir(d.Root, dest) {
		return "", fmt.Errorf("%s holds the data folder %s: choose a folder beside it, not above it", dest, d.Root)
	}
	if err := prepareDestination(dest); err != nil {
		return "", err
	}
	if err := d.Ensure(); err != nil {
		return "", err
	}
	if _, err := config.Update(d.Config(), func(c *config.Config) error {
		c.Backup.Destination = dest
		return nil
	}); err != nil {
		return "", err
	}
	return dest, nil
}

// prepareDestination creates dest if its parent exists (never a whole
// path: a missing /Volumes/Drive means the drive is not connected) and
// checks that files can be written there.
func prepareDestination(dest string) error {
	parent := filepath.Dir(dest)
	if st, err := os.Stat(parent); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist: connect the drive (or mount the share), or choose another folder", parent)
	} else if err == nil && !st.IsDir() {
		return fmt.Errorf("%s is a file, not a folder: choose a folder", parent)
	}
	if err := os.Mkdir(dest, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("cannot make the backup folder %s (%v): choose a folder you can write to", dest, innermost(err))
	}
	if st, err := os.Stat(dest); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a folder: choose a folder", dest)
	}
	probe, err := os.CreateTemp(dest, atomicfile.TempPrefix+"probe-")
	if err != nil {
		return fmt.Errorf("cannot write to %s (%v): choose a folder you can write to", dest, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// innermost is the error at the bottom of err's chain ("read-only file
// system" rather than "mkdir /x: read-only file system") for messages that
// already name the path.
func innermost(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
