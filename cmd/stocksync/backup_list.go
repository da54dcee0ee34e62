package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
)

// backupListJSON is the documented shape of `stocksync backup list --json`.
type backupListJSON struct {
	Destination string        `json:"destination"`
	Snapshots   []backup.Info `json:"snapshots"`
	Problem     string        `json:"problem,omitempty"` // why the destination could not be listed
	SafetyDir   string        `json:"safety_dir"`
	Safety      []backup.Info `json:"safety"`
}

// backupListOptions are the flags of `stocksync backup list`.
type backupListOptions struct {
	to     string
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *backupListOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.to, "to", "", "list DIR instead of the configured destination")
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newBackupListCmd(gopts *globalOptions) *cobra.Command {
	var opts backupListOptions
	cmd := &cobra.Command{
		Use:   "list [--to DIR]",
		Short: "List the snapshots in the backup folder and the safety snapshots in the data folder",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackupList(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runBackupList lists the snapshots in the destination (or --to) and the
// safety snapshots.
func runBackupList(ctx context.Context, o backupListOptions, gopts globalOptions, _ []string) error {
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	// Damaged settings must not hide the snapshots that can bring
	// them back: the safety snapshots are listed, and --to lists
	// the backup folder.
	cfg, cerr := loadConfig(d)
	out := backupListJSON{SafetyDir: d.Snapshots(), Snapshots: []backup.Info{}, Safety: []backup.Info{}}
	var dest string
	var derr error
	if cerr != nil && o.to == "" {
		derr = fmt.Errorf("%w; the backup folder is unknown until the settings are fixed: list it with "+
			"`stocksync backup list --to DIR`", cerr)
	} else {
		dest, derr = backupDestination(d, cfg, o.to)
	}
	if derr == nil {
		out.Destination = dest
		backup.CleanLeftovers(dest)
		if out.Snapshots, derr = backup.List(dest); out.Snapshots == nil {
			out.Snapshots = []backup.Info{}
		}
	}
	if errors.Is(derr, errNoDestination) {
		// Not an error: list what there is and say how to set one.
		out.Problem = "no backup destination is set: choose one with `stocksync backup destination DIR`, or list a folder with `stocksync backup list --to DIR`"
		if rec := recordedBackupFolders(d); len(rec) > 0 {
			out.Problem += fmt.Sprintf(" (the last backup went to %s)", rec[0])
		}
		derr = nil
	}
	if derr != nil {
		out.Problem = withHint(derr)
	}
	if s, err := backup.List(d.Snapshots()); err == nil {
		out.Safety = nonNil(s)
	} else if de := (*backup.DestinationError)(nil); !errors.As(err, &de) || de.Reason != backup.ReasonMissing {
		return err
	}
	w := gopts.stdout
	if o.asJSON {
		if err := writeJSON(w, out); err != nil {
			return err
		}
	} else {
		printBackupList(w, out, derr == nil, time.Now())
	}
	return derr
}

// printBackupList words l; hint says to print l.Problem (when it is not
// also the command's error).
func printBackupList(w io.Writer, l backupListJSON, hint bool, now time.Time) {
	if l.Destination != "" {
		fmt.Fprintf(w, "Snapshots in %s:\n", l.Destination)
		printSnapshots(w, l.Snapshots, now)
	} else if hint && l.Problem != "" {
		fmt.Fprintf(w, "Backups: %s.\n", l.Problem)
	}
	fmt.Fprintf(w, "\nSafety snapshots in %s:\n", l.SafetyDir)
	printSnapshots(w, l.Safety, now)
}

func printSnapshots(w io.Writer, list []backup.Info, now time.Time) {
	if len(list) == 0 {
		fmt.Fprintln(w, "  none")
		return
	}
	for _, s := range list {
		if s.Problem != "" {
			fmt.Fprintf(w, "  %s  unreadable: %s\n", s.Name, s.Problem)
			continue
		}
		verified := "not verified"
		if !s.Verified.IsZero() {
			verified = "verified " + ago(now, s.Verified)
		}
		extra := ""
		switch {
		case s.Raw:
			extra = "  raw copy of a damaged database"
		case s.Reason != "":
			extra = "  " + s.Reason
		}
		if s.ThumbnailsIncluded {
			extra += "  with thumbnails"
		}
		holds := fmt.Sprintf("%s pending, %s, %s", num(int(s.LocalOnly["pending_uploads"])),
			plural(int(s.LocalOnly["local_edits"]), "edit"), plural(int(s.LocalOnly["local_paths"]), "path"))
		if s.LocalOnlyUnknown {
			holds = "pending, edits, paths unknown"
		}
		fmt.Fprintf(w, "  %s  %s  %9s  %s  %s%s\n", s.Name,
			s.Created.Local().Format("2006-01-02 15:04"), bytesText(s.Size), holds, verified, extra)
	}
}
