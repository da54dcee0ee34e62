package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
)

// backupDeleteJSON is the documented shape of `stocksync backup delete --json`.
type backupDeleteJSON struct {
	Deleted backup.Info `json:"deleted"`
}

func newBackupDeleteCmd() *cobra.Command {
	var force, asJSON bool
	cmd := &cobra.Command{
		Use:   "delete SNAPSHOT [--force]",
		Short: "Delete a snapshot (a name from `stocksync backup list`, or a path)",
		Long: `Deletes one snapshot folder. The newest verified snapshot — the one a restore
would use — is refused unless --force is given.

Exit status: 0 deleted, 1 error, 2 usage (no or empty SNAPSHOT, or the newest
verified snapshot without --force).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(args[0]) == "" {
				return &exitError{code: exitUsage, msg: "the snapshot name is empty: give a name from `stocksync backup list`, or a path"}
			}
			d, err := dataDir()
			if err != nil {
				return err
			}
			cfg, _ := config.Load(d.Config())
			snap, err := resolveSnapshot(d, cfg, args[0])
			if err != nil {
				return err
			}
			info, err := backup.Delete(snap, force)
			if errors.Is(err, backup.ErrNewestVerified) {
				return &exitError{code: exitUsage, msg: err.Error()}
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), backupDeleteJSON{Deleted: info})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted %s (taken %s).\n", info.Path, info.Created.Local().Format("2006-01-02 15:04"))
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "delete even the newest verified snapshot")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
	return cmd
}
