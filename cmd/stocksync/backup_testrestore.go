package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
)

// backupTestRestoreOptions are the flags of `stocksync backup test-restore`.
type backupTestRestoreOptions struct {
	asJSON bool
	to     string
}

// AddFlags adds the flags to f.
func (o *backupTestRestoreOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print the report as JSON (shape documented in docs/cli.md)")
	f.StringVar(&o.to, "to", "", "look for the snapshot in DIR instead of the configured destination")
}

func newBackupTestRestoreCmd(gopts *globalOptions) *cobra.Command {
	var opts backupTestRestoreOptions
	cmd := &cobra.Command{
		Use:   "test-restore [SNAPSHOT] [--to DIR]",
		Short: "Prove a snapshot can be restored, without touching your data",
		Long: `Restores a snapshot (by default the newest in the backup folder) into a temporary
folder, opens it as Stocksync would, compares its row counts and local-only rows
with the snapshot's record, then removes it. The result is recorded with the
date, for "stocksync backup status". Do this now and then: a backup is only as
good as the last time it was restored.

Exit status: 0 ok, 3 the snapshot could not be restored as it should, 1 error.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackupTestRestore(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runBackupTestRestore restores a snapshot into a temporary folder and
// compares it with its record.
func runBackupTestRestore(ctx context.Context, o backupTestRestoreOptions, gopts globalOptions, args []string) error {
	snap, db, err := snapshotTarget(ctx, gopts, args, o.to)
	if err != nil {
		return err
	}
	if db != nil {
		defer db.Close()
	}
	prog := newCopyProgress(gopts.stderr, !o.asJSON && isTerminal(os.Stderr))
	rep, err := backup.TestRestore(ctx, snap, backup.TestRestoreOptions{Record: backupRecorder(db), Progress: prog.update})
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
		printVerifyReport(w, rep.Verify)
		printBackupFindings(w, rep.Findings)
		if rep.OK {
			fmt.Fprintf(w, "Test restore OK: %s rows in %s tables opened and compared", num(int(totalRows(rep.Tables))), num(len(rep.Tables)))
			if rep.SchemaFrom != rep.SchemaTo {
				fmt.Fprintf(w, " (database upgraded from schema %d to %d, as a restore would)", rep.SchemaFrom, rep.SchemaTo)
			}
			fmt.Fprintln(w)
		}
	}
	if !rep.OK {
		return &exitError{code: exitPartial, msg: rep.Err().Error()}
	}
	return nil
}

func totalRows(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
