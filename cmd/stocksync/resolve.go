package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/store"
)

// resolveJSON is the documented shape of `resolve --json` and `discard --json`.
type resolveJSON struct {
	FileID string           `json:"file_id"`
	Kept   string           `json:"kept"`           // "local" (queued to be sent) or "esp" (edit dropped)
	Edit   *store.LocalEdit `json:"edit,omitempty"` // the edit as queued, or as it was before it was dropped
}

// resolveOptions are the flags of `stocksync resolve`.
type resolveOptions struct {
	keepLocal, keepESP, asJSON bool
}

// AddFlags adds the flags to f.
func (o *resolveOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.keepLocal, "keep-local", false, "send your edit to ESP (queue it again)")
	f.BoolVar(&o.keepESP, "keep-esp", false, "keep ESP's values (drop your edit)")
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newResolveCmd(gopts *globalOptions) *cobra.Command {
	var opts resolveOptions
	cmd := &cobra.Command{
		Use:   "resolve FILE-ID... --keep-local|--keep-esp [--json]",
		Short: "Settle a local edit in conflict: send yours, or keep ESP's",
		Long: `Settle a local edit that is in conflict (see ` + "`stocksync list edits`" + `): the file was
changed on ESP after you edited it here, or ESP refused the values.

  --keep-local   send your edit: it is queued again, based on the version of the
                 file last synced, and ` + "`stocksync sync --push`" + ` sends it
  --keep-esp     keep ESP's values: your edit is dropped

--keep-local on an edit that is not in conflict (only waiting to be sent) is a
usage error (exit 2).

Editing the file again (` + "`stocksync edit`" + `) also queues it again.

Several FILE-IDs get the same choice; the exit status is 3 when some of them
could not be settled (each is named).`,
		Args:                  cobra.MinimumNArgs(1),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runResolve(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	cmd.MarkFlagsMutuallyExclusive("keep-local", "keep-esp")
	return cmd
}

// runResolve settles the local edit in conflict of the file args[0].
func runResolve(ctx context.Context, o resolveOptions, gopts globalOptions, args []string) error {
	if o.keepLocal == o.keepESP {
		return usageError("give one of --keep-local (send your edit) or --keep-esp (keep ESP's values)")
	}
	_, db, err := gopts.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var rows []resolveJSON
	doneWord := "dropped"
	if o.keepLocal {
		doneWord = "queued again"
	}
	err = eachArg(ctx, args, gopts.stderr, "edit", doneWord, func(id string) error {
		out := resolveJSON{FileID: id}
		var e store.LocalEdit
		var err error
		if o.keepLocal {
			out.Kept = "local"
			if err := notInConflict(ctx, db, id); err != nil {
				return err
			}
			e, err = db.RequeueLocalEdit(ctx, id, time.Now())
		} else {
			out.Kept = "esp"
			e, err = db.DiscardLocalEdit(ctx, id)
		}
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("file %s has no local edit (see `stocksync list edits`)", termSafe(id))
		}
		if err != nil {
			return err
		}
		out.Edit = &e
		rows = append(rows, out)
		if o.asJSON {
			return nil
		}
		if o.keepLocal {
			fmt.Fprintf(gopts.stdout, "Your edit of file %s is queued again; `stocksync sync --push` sends it to ESP.\n", termSafe(id))
		} else {
			fmt.Fprintf(gopts.stdout, "Your edit of file %s was dropped; the file keeps ESP's values.\n", termSafe(id))
		}
		return nil
	})
	if o.asJSON && (len(rows) > 0 || len(args) > 1) { // several named: an array, empty when none was done
		if jerr := writeOneOrMany(gopts.stdout, rows, len(args)); jerr != nil {
			return jerr
		}
	}
	return err
}

// discardOptions are the flags of `stocksync discard`.
type discardOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *discardOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newDiscardCmd(gopts *globalOptions) *cobra.Command {
	var opts discardOptions
	cmd := &cobra.Command{
		Use:   "discard FILE-ID... [--json]",
		Short: "Drop a local edit that was not sent yet (waiting or in conflict)",
		Long: `Drop the local edit of a file, whether it is waiting to be sent or in conflict:
the file keeps ESP's values. The same as ` + "`stocksync resolve FILE-ID --keep-esp`" + `.
A backup taken before still holds the edit. With several FILE-IDs, the exit
status is 3 when some of them had no edit to drop (each is named).`,
		Args:                  cobra.MinimumNArgs(1),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiscard(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runDiscard drops the local edits of the files args that were not sent yet.
func runDiscard(ctx context.Context, o discardOptions, gopts globalOptions, args []string) error {
	return runResolve(ctx, resolveOptions{keepESP: true, asJSON: o.asJSON}, gopts, args)
}

// notInConflict refuses --keep-local for an edit that is only waiting to be
// sent (it was "queued again", exit 0, though nothing was in conflict).
func notInConflict(ctx context.Context, db *store.DB, id string) error {
	edits, err := db.LocalEdits(ctx, store.EditWaiting)
	if err != nil {
		return err
	}
	for _, e := range edits {
		if e.ContributionID == id {
			return usageError(fmt.Sprintf("your edit of file %s is not in conflict: it is already waiting to be sent (`stocksync sync --push` sends it; `stocksync list edits` shows the conflicts)", termSafe(id)))
		}
	}
	return nil
}
