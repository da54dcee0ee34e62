package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
)

// backupListJSON is the documented shape of `stocksync backup list --json`.
type backupListJSON struct {
	Destination string        `json:"destination"`
	Snapshots   []backup.Info `json:"snapshots"`
	Problem     string        `json:"problem,omitempty"` // why the destination could not be listed
	SafetyDir   string        `json:"safety_dir"`
	Safety      []backup.Info `json:"safety"`
	// Folders are every backup folder listed, grouped: the configured
	// destination (or --to DIR) first, then each folder the backup history
	// says backups went to, newest first.
	Folders []backupFolderJSON `json:"folders"`
}

// backupFolderJSON is one backup folder of `backup list --json`.
type backupFolderJSON struct {
	Path       string        `json:"path"`
	Configured bool          `json:"configured"` // the backup destination in the settings
	Given      bool          `json:"given"`      // named with --to
	Recorded   bool          `json:"recorded"`   // the backup history says backups went here
	Snapshots  []backup.Info `json:"snapshots"`
	Problem    string        `json:"problem,omitempty"` // why it could not be listed
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
		Short: "List the snapshots in the backup folders and the safety snapshots in the data folder",
		Long: `Lists the snapshots in the backup destination (or --to DIR), then in every other
folder the backup history says backups went to (` + "`stocksync backup --to DIR`" + `), each
folder on its own, then the safety snapshots in the data folder. A recorded
folder that cannot be listed (a drive not connected) is named with the reason.`,
		Args: cobra.NoArgs,
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
		derr = fmt.Errorf("%w; the backup destination set there is unknown until the settings are fixed "+
			"(the folders in the backup history are listed): list another with `stocksync backup list --to DIR`", cerr)
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
	out.Folders = listBackupFolders(d, cfg, cerr, o.to, out)
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

// printBackupList words l, one group per backup folder; hint says to print
// l.Problem (when it is not also the command's error).
func printBackupList(w io.Writer, l backupListJSON, hint bool, now time.Time) {
	if l.Destination == "" && hint && l.Problem != "" {
		fmt.Fprintf(w, "Backups: %s.\n", termSafe(l.Problem))
	}
	for i, f := range l.Folders {
		if i > 0 || l.Destination == "" && hint && l.Problem != "" {
			fmt.Fprintln(w)
		}
		var what []string
		switch {
		case f.Given:
			what = append(what, "named with --to")
		case f.Configured:
			what = append(what, "the backup destination")
		}
		if f.Recorded && !f.Configured && !f.Given {
			what = append(what, "in the backup history")
		}
		fmt.Fprintf(w, "Snapshots in %s (%s):\n", termSafe(f.Path), strings.Join(what, ", "))
		if f.Problem != "" && !f.Configured && !f.Given {
			fmt.Fprintf(w, "  not listed: %s\n", termSafe(f.Problem))
			continue
		}
		printSnapshots(w, f.Snapshots, now)
	}
	if len(l.Folders) > 0 || l.Destination == "" && hint && l.Problem != "" {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Safety snapshots in %s:\n", termSafe(l.SafetyDir))
	printSnapshots(w, l.Safety, now)
}

// listBackupFolders lists the configured destination (or --to) as out has
// it, then every other folder the backup history names (those in the data
// folder are the safety snapshots, listed apart).
func listBackupFolders(d datadir.Dir, cfg config.Config, cerr error, to string, out backupListJSON) []backupFolderJSON {
	folders := []backupFolderJSON{}
	recorded := recordedBackupFolders(d)
	configured := ""
	if cerr == nil && cfg.Backup.Destination != "" {
		configured, _ = backupDestination(d, cfg, "")
	}
	if out.Destination != "" {
		folders = append(folders, backupFolderJSON{
			Path: out.Destination, Configured: out.Destination == configured, Given: to != "",
			Recorded: slices.Contains(recorded, out.Destination), Snapshots: out.Snapshots,
		})
	}
	for _, dir := range recorded {
		if dir == out.Destination {
			continue
		}
		f := backupFolderJSON{Path: dir, Recorded: true, Configured: dir == configured, Snapshots: []backup.Info{}}
		list, err := backup.List(dir)
		var de *backup.DestinationError
		switch {
		case errors.As(err, &de) && de.Reason == backup.ReasonMissing:
			f.Problem = "it is not there (is its drive connected?)"
		case err != nil:
			f.Problem = err.Error()
		default:
			backup.CleanLeftovers(dir)
			f.Snapshots = nonNil(list)
		}
		folders = append(folders, f)
	}
	return folders
}

// printSnapshots prints one line per snapshot, its columns aligned. Every
// text read from a snapshot (its folder name, and the reason in its
// manifest.json, which anyone can edit) is made terminal-safe: a reason
// holding a line break and a made-up line printed that line as a snapshot.
func printSnapshots(w io.Writer, list []backup.Info, now time.Time) {
	if len(list) == 0 {
		fmt.Fprintln(w, "  none")
		return
	}
	type row struct{ name, created, size, holds, verified, extra, problem string }
	rows := make([]row, len(list))
	nameW, holdsW := 0, 0
	for i, s := range list {
		r := row{name: termSafe(s.Name)}
		nameW = max(nameW, cellWidth(r.name))
		if s.Problem != "" {
			r.problem = termSafe(s.Problem)
			rows[i] = r
			continue
		}
		r.verified = "not verified"
		if !s.Verified.IsZero() {
			r.verified = "verified " + ago(now, s.Verified)
		}
		switch {
		case s.Raw:
			r.extra = "  raw copy of a damaged database"
		case s.Reason != "":
			r.extra = "  " + termSafe(s.Reason)
		}
		if s.ThumbnailsIncluded {
			r.extra += "  with thumbnails"
		}
		r.holds = fmt.Sprintf("%s pending, %s, %s", num(int(s.LocalOnly["pending_uploads"])),
			plural(int(s.LocalOnly["local_edits"]), "edit"), plural(int(s.LocalOnly["local_paths"]), "path"))
		if s.LocalOnlyUnknown {
			r.holds = "pending, edits, paths unknown"
		}
		holdsW = max(holdsW, cellWidth(r.holds))
		r.created, r.size = s.Created.Local().Format("2006-01-02 15:04"), bytesText(s.Size)
		rows[i] = r
	}
	pad := func(s string, w int) string { return s + strings.Repeat(" ", max(0, w-cellWidth(s))) }
	for _, r := range rows {
		if r.problem != "" {
			fmt.Fprintf(w, "  %s  unreadable: %s\n", pad(r.name, nameW), r.problem)
			continue
		}
		fmt.Fprintf(w, "  %s  %s  %9s  %s  %s%s\n", pad(r.name, nameW), r.created, r.size, pad(r.holds, holdsW), r.verified, r.extra)
	}
}
