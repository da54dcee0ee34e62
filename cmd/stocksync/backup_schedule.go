package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/config"
)

func newBackupScheduleCmd() *cobra.Command {
	return &cobra.Command{
		Use:       "schedule daily|weekly|off",
		Short:     "How often to remind you to back up",
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"daily", "weekly", "off"},
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := dataDir()
			if err != nil {
				return err
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
			if args[0] == "off" {
				fmt.Fprintln(cmd.OutOrStdout(), "Backup reminders are off. Your pending uploads and local edits exist only on this machine: back up by hand with `stocksync backup`.")
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "You will be reminded to back up %s when something is not yet in a backup.\n", args[0])
			return nil
		},
	}
}

func newBackupDestinationCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "destination [DIR]",
		Short: "Choose the folder backups go to (external drive, NAS, iCloud Drive, Dropbox…); without DIR, show it",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := dataDir()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if len(args) == 0 {
				cfg, err := loadConfig(d)
				if err != nil {
					return err
				}
				if cfg.Backup.Destination == "" {
					fmt.Fprintln(w, "No backup destination is set: choose one with `stocksync backup destination DIR`.")
					return nil
				}
				fmt.Fprintln(w, cfg.Backup.Destination)
				return nil
			}
			dest, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			if isInsideDir(dest, d.Root) {
				return fmt.Errorf("%s is inside the data folder %s: a backup must live elsewhere (another drive, a NAS or a cloud drive)", dest, d.Root)
			}
			if isInsideDir(d.Root, dest) {
				return fmt.Errorf("%s holds the data folder %s: choose a folder beside it, not above it", dest, d.Root)
			}
			if err := prepareDestination(dest); err != nil {
				return err
			}
			if err := d.Ensure(); err != nil {
				return err
			}
			if _, err := config.Update(d.Config(), func(c *config.Config) error {
				c.Backup.Destination = dest
				return nil
			}); err != nil {
				return err
			}
			fmt.Fprintf(w, "Backups will go to %s. Take the first one now with `stocksync backup`.\n", dest)
			return nil
		},
	}
}

// prepareDestination creates dest if its parent exists (never a whole
// path: a missing /Volumes/Drive means the drive is not connected) and
// checks that files can be written there.
func prepareDestination(dest string) error {
	if _, err := os.Stat(filepath.Dir(dest)); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist: connect the drive (or mount the share), or choose another folder", filepath.Dir(dest))
	}
	if err := os.Mkdir(dest, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create backup folder %s: %w", dest, err)
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
