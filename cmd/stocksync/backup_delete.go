package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
)

// backupDeleteJSON is the documented shape of `stocksync backup delete --json`.
type backupDeleteJSON struct {
	Deleted backup.Info `json:"deleted"`
}

// backupDeleteOptions are the flags of `stocksync backup delete`.
type backupDeleteOptions struct {
	force, asJSON bool
}

// AddFlags adds the flags to f.
func (o *backupDeleteOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.force, "force", false, "delete even the newest verified snapshot")
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newBackupDeleteCmd(gopts *globalOptions) *cobra.Command {
	var opts backupDeleteOptions
	cmd := &cobra.Command{
		Use:   "delete SNAPSHOT... [--force]",
		Short: "Delete snapshots (names from `stocksync backup list`, or paths)",
		Long: `Deletes snapshot folders. The newest verified snapshot — the one a restore
would use — is refused unless --force is given. Temporary folders that
interrupted snapshots left beside them are removed too.

Exit status: 0 deleted, 1 error, 2 usage (no or empty SNAPSHOT, or the newest
verified snapshot without --force), 3 some of several snapshots deleted and
some not (each is named).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackupDelete(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runBackupDelete deletes the snapshots named by args (refusing the newest
// verified one without --force), then removes what interrupted snapshots
// left in their folders.
func runBackupDelete(ctx context.Context, o backupDeleteOptions, gopts globalOptions, args []string) error {
	for _, a := range args {
		if strings.TrimSpace(a) == "" {
			return &exitError{code: exitUsage, msg: "the snapshot name is empty: give a name from `stocksync backup list`, or a path"}
		}
	}
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	cfg, cerr := config.Load(d.Config())
	var rows []backupDeleteJSON
	folders := map[string]bool{}
	// A snapshot named twice (by name and by path) is deleted once: each
	// argument that names one is spelled as its path.
	named := make([]string, len(args))
	for i, a := range args {
		named[i] = a
		if snap, err := resolveSnapshot(d, cfg, a); err == nil {
			named[i] = snap
		}
	}
	err = eachArg(ctx, named, gopts.stderr, "snapshot", "deleted", func(arg string) error {
		snap, err := resolveSnapshot(d, cfg, arg)
		var nf *snapshotNotFoundError
		if cerr != nil && errors.As(err, &nf) {
			return nf.withDamagedSettings(cerr)
		}
		if err != nil {
			return err
		}
		info, err := backup.Delete(snap, o.force)
		if errors.Is(err, backup.ErrNewestVerified) {
			return &exitError{code: exitUsage, msg: err.Error() + "; pass --force to delete it anyway"}
		}
		if err != nil {
			return err
		}
		folders[filepath.Dir(info.Path)] = true
		rows = append(rows, backupDeleteJSON{Deleted: info})
		if !o.asJSON {
			fmt.Fprintf(gopts.stdout, "Deleted %s (taken %s).\n", termSafe(info.Path), info.Created.Local().Format("2006-01-02 15:04"))
		}
		return nil
	})
	// What interrupted snapshots left (temporary folders no live process
	// marks as its own) goes too, as after a backup.
	for dir := range folders {
		backup.CleanLeftovers(dir)
	}
	if o.asJSON && (len(rows) > 0 || len(args) > 1) { // several named: an array, empty when none was done
		if jerr := writeOneOrMany(gopts.stdout, rows, len(args)); jerr != nil {
			return jerr
		}
	}
	return err
}
