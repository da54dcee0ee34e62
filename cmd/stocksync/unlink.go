package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/store"
)

// unlinkJSON is the documented shape of `stocksync unlink --json` (an array
// of them for several FILE-IDs).
type unlinkJSON struct {
	FileID      string `json:"file_id"`
	RemovedPath string `json:"removed_path"` // the local file path that was recorded
}

// unlinkOptions are the flags of `stocksync unlink`.
type unlinkOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *unlinkOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newUnlinkCmd(gopts *globalOptions) *cobra.Command {
	var opts unlinkOptions
	cmd := &cobra.Command{
		Use:   "unlink FILE-ID... [--json]",
		Short: "Forget the local file path recorded for a file on ESP (the file itself is not touched)",
		Long: `Forget the local file path recorded with ` + "`stocksync link`" + ` for a file on ESP.
The original file is not touched. The output shows the path it was and the
command that records it again; a backup taken before still holds it.

With several FILE-IDs, the exit status is 3 when some of them had no local file
path recorded (each is named).`,
		Example:               "  stocksync unlink 80000123",
		Args:                  cobra.MinimumNArgs(1),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUnlink(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runUnlink forgets the local file paths of the files on ESP args.
func runUnlink(ctx context.Context, o unlinkOptions, gopts globalOptions, args []string) error {
	_, db, err := gopts.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var rows []unlinkJSON
	err = eachArg(ctx, args, gopts.stderr, "file", "unlinked", func(id string) error {
		old, err := db.RemoveLocalPath(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			if _, ferr := db.GetContribution(ctx, id); errors.Is(ferr, store.ErrNotFound) {
				return &exitError{code: exitFailure, msg: fmt.Sprintf("file %s is not in the local portfolio and has no local file path: nothing was changed; run `stocksync list files` to see IDs", termSafe(id))}
			}
			return &exitError{code: exitFailure, msg: fmt.Sprintf("no local file path is recorded for file %s: nothing was changed (`stocksync link %s` shows it)", termSafe(id), termSafe(id))}
		}
		if err != nil {
			return err
		}
		rows = append(rows, unlinkJSON{FileID: id, RemovedPath: old})
		if !o.asJSON {
			fmt.Fprintf(gopts.stdout, "File %s: forgot the local file path %s (the file was not touched).\n  To record it again: %s link %s %s\n",
				termSafe(id), termSafe(old), gopts.commandName(), termSafe(id), termSafe(shellQuote(old)))
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
