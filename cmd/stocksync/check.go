package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/check"
	"github.com/stocksync/stocksync/core/config"
)

// checkOptions are the flags of `stocksync check`.
type checkOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *checkOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print the report as JSON")
}

func newCheckCmd(gopts *globalOptions) *cobra.Command {
	var opts checkOptions
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the data folder: database integrity, settings, local-only data, thumbnails",
		Long: `Checks the data folder in phases and lists what it finds: errors (data may be at
risk), warnings and hints, each with how to fix it. It only reads, so it is safe
to run on a damaged folder before deciding what to restore.

It also checks what the other commands need to run: thumbnails/ and snapshots/
are folders, the folder is writable, no restore was left half-done, the backup
destination is usable. A data folder that does not exist yet is not an error.

Exit status: 0 no errors (warnings allowed), 3 errors found, 1 the check could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runCheck checks the data folder as it is and reports what it finds (exit 3
// on errors).
func runCheck(ctx context.Context, o checkOptions, gopts globalOptions, _ []string) error {
	d, err := gopts.dataDirAsIs()
	if err != nil {
		return err
	}
	// The backup folder belongs to this command too: what killed
	// backups left there goes first (the data folder is examined
	// as it is).
	if cfg, err := config.Load(d.Config()); err == nil && cfg.Backup.Destination != "" {
		backup.CleanLeftovers(cfg.Backup.Destination)
	}
	r := check.Run(ctx, d)
	out := gopts.stdout
	if o.asJSON {
		if err := writeJSON(out, checkJSONOf(r)); err != nil {
			return err
		}
	} else {
		for _, p := range r.Phases {
			status := "ok"
			switch {
			case p.Skipped != "":
				status = "skipped: " + termSafe(p.Skipped)
			case p.Findings > 0:
				status = fmt.Sprintf("%d finding(s)", p.Findings)
			}
			fmt.Fprintf(out, "%-16s %s\n", p.Name, status)
		}
		for _, f := range r.Findings {
			// Findings quote paths and file contents: one line each.
			fmt.Fprintf(out, "\n%s: %s\n", f.Severity, termSafe(f.What))
			if fix := checkFix(f); fix != "" {
				fmt.Fprintf(out, "  fix: %s\n", termSafe(fix))
			}
		}
		fmt.Fprintf(out, "\n%d error(s), %d warning(s) in %s\n", r.Errors, r.Warnings, termSafe(r.DataDir))
	}
	if !r.OK() {
		return &exitError{code: exitPartial}
	}
	return nil
}

// checkJSON is `check --json`: check.Report with each finding's advice.
type checkJSON struct {
	DataDir  string             `json:"data_dir"`
	Phases   []check.Phase      `json:"phases"`
	Findings []checkFindingJSON `json:"findings"`
	Errors   int                `json:"errors"`
	Warnings int                `json:"warnings"`
}

type checkFindingJSON struct {
	check.Finding
	Fix string `json:"fix,omitempty"`
}

func checkJSONOf(r check.Report) checkJSON {
	out := checkJSON{DataDir: r.DataDir, Phases: r.Phases, Findings: []checkFindingJSON{}, Errors: r.Errors, Warnings: r.Warnings}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, checkFindingJSON{Finding: f, Fix: checkFix(f)})
	}
	return out
}

// checkFix is the advice for a finding of `check`: what to type or change,
// from its kind and facts; "" for kinds with none beyond the other findings.
func checkFix(f check.Finding) string {
	const restore = "`stocksync restore SNAPSHOT`"
	const chooseFolder = "with `stocksync backup destination DIR`"
	switch f.Kind {
	case check.KindDataFolderGone:
		return "connect the drive it is on, or pass another --data-dir"
	case check.KindNoDataFolder:
		return "run `stocksync sync` to start a new portfolio, or " + restore + " to bring back a backup"
	case check.KindDataFolderIsFile:
		return "move the file away"
	case check.KindDataFolderOpen:
		return fmt.Sprintf("chmod 700 %q", f.Path)
	case check.KindUnreadable:
		return "check the folder's permissions"
	case check.KindSubfolderIsLink:
		return fmt.Sprintf("replace the link with a folder: mv %q %q.link && mkdir %q", f.Path, f.Path, f.Path)
	case check.KindSubfolderIsFile:
		return fmt.Sprintf("move the file away (mv %q %q.moved); the next sync makes the folder again", f.Path, f.Path)
	case check.KindFileIsFolder:
		return fmt.Sprintf("move the folder away (mv %q %q.moved)", f.Path, f.Path)
	case check.KindReadOnly:
		return "check the disk (a disk is made read-only after errors) and the folder's permissions; " +
			"`stocksync backup --to DIR` still works, so back up first"
	case check.KindRestoreInterrupted:
		return "run any stocksync command (for example `stocksync status`) with the folder writable: it completes the restore first"
	case check.KindLeftovers:
		return "they are removed by the next stocksync command that runs while no other is running"
	case check.KindSettingsDamaged:
		return "fix the file by hand, or `stocksync restore SNAPSHOT --local-only` to bring back the settings from a backup"
	case check.KindNoDatabase, check.KindNeverSynced:
		return "run `stocksync sync`"
	case check.KindDatabaseUnreadable:
		return restore + " (see `stocksync backup list`); server data can also be fetched again with `stocksync sync` after moving the file away"
	case check.KindSchemaTooNew:
		return "install the newer Stocksync that wrote it"
	case check.KindIntegrityUnchecked:
		return restore
	case check.KindIntegrity:
		return restore + ", or `stocksync restore SNAPSHOT --local-only` into a fresh database"
	case check.KindForeignKeys:
		return "run `stocksync sync` to fetch the server data again"
	case check.KindPendingFileMissing:
		return "put the file back, or add it again from where it is now"
	case check.KindEditConflict:
		return "compare with ESP and edit again with `stocksync edit`"
	case check.KindThumbnailsMissing:
		return "run `stocksync sync`: missing thumbnails are downloaded again"
	case check.KindSyncStopped:
		return "run `stocksync sync`; it continues where the last one stopped"
	case check.KindSyncFailed:
		return "run `stocksync sync` again; it continues where the last one stopped"
	case check.KindDestinationGone:
		return "connect the drive, or choose another folder " + chooseFolder
	case check.KindDestinationUnreadable:
		return "check the drive and the folder's permissions"
	case check.KindDestinationIsFile:
		return "choose a folder " + chooseFolder
	case check.KindDestinationInData:
		return "choose a folder on another drive " + chooseFolder
	case check.KindDestinationHoldsData:
		return "choose a folder beside the data folder, on another drive, " + chooseFolder
	}
	return ""
}
