package main

import (
	"context"
	"errors"
	"fmt"
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
		Use:   "delete SNAPSHOT [--force]",
		Short: "Delete a snapshot (a name from `stocksync backup list`, or a path)",
		Long: `Deletes one snapshot folder. The newest verified snapshot — the one a restore
would use — is refused unless --force is given.

Exit status: 0 deleted, 1 error, 2 usage (no or empty SNAPSHOT, or the newest
verified snapshot without --force).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackupDelete(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runBackupDelete deletes the snapshot named by args[0] (refusing the newest
// verified one without --force).
func runBackupDelete(ctx context.Context, o backupDeleteOptions, gopts globalOptions, args []string) error {
	if strings.TrimSpace(args[0]) == "" {
		return &exitError{code: exitUsage, msg: "the snapshot name is empty: give a name from `stocksync backup list`, or a path"}
	}
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	cfg, _ := config.Load(d.Config())
	snap, err := resolveSnapshot(d, cfg, args[0])
	if err != nil {
		return err
	}
	info, err := backup.Delete(snap, o.force)
	if errors.Is(err, backup.ErrNewestVerified) {
		return &exitError{code: exitUsage, msg: err.Error()}
	}
	if err != nil {
		return err
	}
	if o.asJSON {
		return writeJSON(gopts.stdout, backupDeleteJSON{Deleted: info})
	}
	fmt.Fprintf(gopts.stdout, "Deleted %s (taken %s).\n", info.Path, info.Created.Local().Format("2006-01-02 15:04"))
	return nil
}
