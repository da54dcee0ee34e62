package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
)

// backupVerifyOptions are the flags of `stocksync backup verify`.
type backupVerifyOptions struct {
	asJSON bool
	to     string
}

// AddFlags adds the flags to f.
func (o *backupVerifyOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print the report as JSON (shape documented in docs/cli.md)")
	f.StringVar(&o.to, "to", "", "look for the snapshot in DIR instead of the configured destination")
}

func newBackupVerifyCmd(gopts *globalOptions) *cobra.Command {
	var opts backupVerifyOptions
	cmd := &cobra.Command{
		Use:   "verify [SNAPSHOT] [--to DIR]",
		Short: "Check a snapshot: every file's hash, the database's integrity and row counts",
		Long: `Checks a snapshot (by default the newest in the backup folder; or a name from
"stocksync backup list", or a path) without changing it: the manifest, the size
and SHA-256 of every file, PRAGMA integrity_check on the database copy, and that
its row counts and local-only rows are those recorded when it was taken. Every
problem names the file or table.

Exit status: 0 sound, 3 problems found, 1 the snapshot could not be checked.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackupVerify(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runBackupVerify checks a snapshot (args[0], or the newest) without
// changing it.
func runBackupVerify(ctx context.Context, o backupVerifyOptions, gopts globalOptions, args []string) error {
	snap, db, err := snapshotTarget(ctx, gopts, args, o.to)
	if err != nil {
		return err
	}
	if db != nil {
		defer db.Close()
	}
	prog := newCopyProgress(gopts.stderr, !o.asJSON && isTerminal(os.Stderr))
	rep, err := backup.Verify(ctx, snap, backup.VerifyOptions{Mark: true, Record: backupRecorder(db), Progress: prog.update})
	prog.done()
	if err != nil {
		return err
	}
	w := gopts.stdout
	if o.asJSON {
		if err := writeJSON(w, rep); err != nil {
			return err
		}
	} else {
		printVerifyReport(w, rep)
	}
	if !rep.OK {
		return &exitError{code: exitPartial}
	}
	return nil
}

func printVerifyReport(w io.Writer, r backup.Report) {
	fmt.Fprintf(w, "Snapshot %s\n", r.Snapshot)
	printBackupFindings(w, r.Findings)
	if r.OK {
		fmt.Fprintf(w, "OK: %s, %s checked; database intact, row counts match\n", plural(r.FilesChecked, "file"), bytesText(r.BytesChecked))
		return
	}
	fmt.Fprintf(w, "FAILED: %s; use another snapshot (`stocksync backup list`)\n", plural(len(r.Errors()), "problem"))
}

func snapshotArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
