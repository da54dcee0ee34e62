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
		if err := writeJSON(out, r); err != nil {
			return err
		}
	} else {
		for _, p := range r.Phases {
			status := "ok"
			switch {
			case p.Skipped != "":
				status = "skipped: " + p.Skipped
			case p.Findings > 0:
				status = fmt.Sprintf("%d finding(s)", p.Findings)
			}
			fmt.Fprintf(out, "%-16s %s\n", p.Name, status)
		}
		for _, f := range r.Findings {
			fmt.Fprintf(out, "\n%s: %s\n", f.Severity, f.What)
			if f.Fix != "" {
				fmt.Fprintf(out, "  fix: %s\n", f.Fix)
			}
		}
		fmt.Fprintf(out, "\n%d error(s), %d warning(s) in %s\n", r.Errors, r.Warnings, r.DataDir)
	}
	if !r.OK() {
		return &exitError{code: exitPartial}
	}
	return nil
}
