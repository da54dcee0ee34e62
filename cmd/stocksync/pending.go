package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/store"
)

// pendingOptions are the flags of `stocksync pending`: it has none but the global ones.
type pendingOptions struct{}

// AddFlags adds no flags: `stocksync pending` has none of its own.
func (o *pendingOptions) AddFlags(*pflag.FlagSet) {}

func newPendingCmd(gopts *globalOptions) *cobra.Command {
	var opts pendingOptions
	cmd := &cobra.Command{
		Use:   "pending list|edit|remove",
		Short: "List, edit or remove pending uploads (files added with `stocksync add`)",
		Long: `Pending uploads are files registered with ` + "`stocksync add`" + `, with their title,
description and keywords; they exist only on this machine until they are on ESP.

  pending list                      the same as ` + "`stocksync list pending`" + `
  pending edit ID --title T --description D --keywords "a, b"
  pending remove ID                 take it off the list; the next backup still
                                    holds it, and ` + "`stocksync restore SNAPSHOT --local-only`" + `
                                    brings it back

IDs are in the first column of ` + "`stocksync pending list`" + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPending(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	cmd.AddCommand(newPendingListCmd(gopts), newPendingEditCmd(gopts), newPendingRemoveCmd(gopts))
	return cmd
}

// runPending is `stocksync pending` without a subcommand: a usage error.
func runPending(context.Context, pendingOptions, globalOptions, []string) error {
	return &exitError{code: exitUsage, msg: "say what to do: stocksync pending list, edit ID or remove ID"}
}

// pendingListOptions are the flags of `stocksync pending list`.
type pendingListOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *pendingListOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print JSON, in the shape of 'stocksync list pending --json'")
}

// newPendingListCmd runs `list pending` itself, so both always print the
// same.
func newPendingListCmd(gopts *globalOptions) *cobra.Command {
	var opts pendingListOptions
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List pending uploads (the same as `stocksync list pending`)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPendingList(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runPendingList runs `list pending` itself, so both always print the same.
func runPendingList(ctx context.Context, o pendingListOptions, gopts globalOptions, _ []string) error {
	return runList(ctx, listOptions{asJSON: o.asJSON}, gopts, []string{"pending"})
}

// somePendingIDs wants one argument or more, the IDs, and says how to call
// the command (usage: "edit ID …") when there is none.
func somePendingIDs(usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return &exitError{code: exitUsage, msg: "name the pending upload: stocksync pending " + usage + " (IDs are in the first column of `stocksync pending list`)"}
		}
		return nil
	}
}

// parsePendingIDs parses every ID first, so a typo changes nothing.
func parsePendingIDs(args []string) ([]int64, error) {
	ids := make([]int64, len(args))
	for i, a := range args {
		id, err := parsePendingID(a)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// canonicalPendingArgs spells each ID of ids as a plain number, so that
// eachArg sees "3", "#3" and "03" as the one pending upload they name.
func canonicalPendingArgs(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out
}

func parsePendingID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &exitError{code: exitUsage, msg: fmt.Sprintf("%q is not a pending upload ID: use the number in the first column of `stocksync pending list`", termSafe(s))}
	}
	return id, nil
}

// pendingErr words a missing ID for the user, saying when it was removed
// if it was.
func pendingErr(ctx context.Context, db *store.DB, id int64, err error) error {
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if removed, rerr := db.RemovedPendingUploads(ctx); rerr == nil {
		for _, r := range removed { // newest first
			if r.ID == id {
				return &exitError{code: exitFailure, msg: fmt.Sprintf("pending upload %d (%s) was removed on %s; "+
					"`stocksync restore SNAPSHOT --local-only` with a snapshot taken since brings it back",
					id, shownPath(r.Path), r.RemovedAt.Local().Format("2006-01-02 15:04"))}
			}
		}
	}
	return &exitError{code: exitFailure, msg: fmt.Sprintf("there is no pending upload %d; `stocksync pending list` shows the IDs", id)}
}

// pendingEditOptions are the flags of `stocksync pending edit`.
type pendingEditOptions struct {
	titleSet, descriptionSet, captionSet, keywordsSet, clearSet bool // the flags were given (set by RunE)
	title, description, caption, keywords, clear                string
	asJSON                                                      bool
}

// AddFlags adds the flags to f.
func (o *pendingEditOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.title, "title", "", "new title (ESP headline)")
	f.StringVar(&o.description, "description", "", "new description (ESP caption)")
	f.StringVar(&o.caption, "caption", "", "the same as --description")
	f.MarkHidden("caption")
	f.StringVar(&o.keywords, "keywords", "", "new keywords, separated by commas or semicolons (replaces them all)")
	f.StringVar(&o.clear, "clear", "", "empty these fields: title, description (or caption), keywords, comma-separated")
	f.BoolVar(&o.asJSON, "json", false, "print the pending upload as stored, in the shape of one 'stocksync list pending --json' entry (an array of them for several IDs)")
}

func newPendingEditCmd(gopts *globalOptions) *cobra.Command {
	var opts pendingEditOptions
	cmd := &cobra.Command{
		Use:   "edit ID... [--title T] [--description D] [--keywords \"a, b, c\"] [--clear FIELDS] [--json]",
		Short: "Change or clear the title, description or keywords of pending uploads",
		Long: `Change the title (ESP headline), description (ESP caption) or keywords of a pending
upload, as ` + "`stocksync add` and `stocksync edit`" + ` name them (--caption is an alias of
--description). Fields changed here are kept when ` + "`stocksync add --refresh`" + ` re-reads the file.

An empty value (--keywords "") is a usage error, never a way to empty a field:
--clear empties the fields named, e.g. --clear description,keywords. The output
shows the old value and the command that puts it back; the last backup holds it too.

Several IDs get the same change; the exit status is 3 when some of them could
not be changed (each is named).`,
		Example:               "  stocksync pending edit 3 --title \"Fog over the river\"\n  stocksync pending edit 3 4 --clear keywords",
		Args:                  somePendingIDs("edit ID --title T, --description D, --keywords \"a, b\" or --clear FIELDS"),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			opts.titleSet, opts.descriptionSet, opts.captionSet, opts.keywordsSet = f.Changed("title"), f.Changed("description"), f.Changed("caption"), f.Changed("keywords")
			opts.clearSet = f.Changed("clear")
			return runPendingEdit(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runPendingEdit changes (or clears) the fields given of the pending
// uploads args.
func runPendingEdit(ctx context.Context, o pendingEditOptions, gopts globalOptions, args []string) error {
	ids, err := parsePendingIDs(args)
	if err != nil {
		return err
	}
	e, cleared, err := o.edit()
	if err != nil {
		return err
	}
	_, db, err := gopts.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var rows []store.PendingUpload
	named := canonicalPendingArgs(ids)
	err = eachArg(ctx, named, gopts.stderr, "pending upload", "changed", func(arg string) error {
		id := ids[slices.Index(named, arg)]
		before, err := db.PendingUploadByID(ctx, id)
		if err != nil {
			return pendingErr(ctx, db, id, err)
		}
		p, err := db.EditPendingUpload(ctx, id, e, gopts.clock())
		if err != nil {
			return pendingErr(ctx, db, id, err)
		}
		rows = append(rows, p)
		if !o.asJSON {
			printPendingEdit(gopts.stdout, gopts.commandName(), before, p, e, cleared)
			for _, w := range limitWarnings(p) {
				fmt.Fprintf(gopts.stderr, "stocksync: warning: %s\n", w)
			}
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

func changedFields(e store.PendingEdit) []string {
	var out []string
	if e.Title != nil {
		out = append(out, "title")
	}
	if e.Description != nil {
		out = append(out, "description")
	}
	if e.Keywords != nil {
		out = append(out, "keywords")
	}
	return out
}

// pendingRemoveOptions are the flags of `stocksync pending remove`.
type pendingRemoveOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *pendingRemoveOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print the removed pending upload, in the shape of one 'stocksync list pending --json' entry (an array of them for several IDs)")
}

func newPendingRemoveCmd(gopts *globalOptions) *cobra.Command {
	var opts pendingRemoveOptions
	cmd := &cobra.Command{
		Use:   "remove ID... [--json]",
		Short: "Take pending uploads off the list (recoverable from the next backup)",
		Long: `Take pending uploads off the list. The files themselves are not touched. The
record is kept: the next backup still holds it, and
` + "`stocksync restore SNAPSHOT --local-only`" + ` brings it back.

With several IDs, the exit status is 3 when some of them could not be removed
(each is named).`,
		Args: somePendingIDs("remove ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPendingRemove(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runPendingRemove takes the pending uploads args off the list (the records
// are kept).
func runPendingRemove(ctx context.Context, o pendingRemoveOptions, gopts globalOptions, args []string) error {
	ids, err := parsePendingIDs(args)
	if err != nil {
		return err
	}
	_, db, err := gopts.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var rows []store.PendingUpload
	named := canonicalPendingArgs(ids)
	err = eachArg(ctx, named, gopts.stderr, "pending upload", "removed", func(arg string) error {
		id := ids[slices.Index(named, arg)]
		p, err := db.RemovePendingUpload(ctx, id, gopts.clock())
		if err != nil {
			return pendingErr(ctx, db, id, err)
		}
		rows = append(rows, p)
		if !o.asJSON {
			fmt.Fprintf(gopts.stdout, "Removed pending upload %d (%s). The file was not touched; the next backup keeps the record, and `stocksync restore SNAPSHOT --local-only` brings it back.\n",
				p.ID, shownPath(p.Path))
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

// someKeywords is typedKeywords for a flag that replaces keywords (add's and
// pending edit's --keywords): like edit's, a list with no keyword in it
// ("", ",,,", ";;") is a usage error, not an order to remove them all.
func someKeywords(flag, s string) ([]string, error) {
	kw, err := typedKeywords(flag, s)
	if err == nil && len(kw) == 0 {
		err = usageError(fmt.Sprintf("--%s %q holds no keywords: give them separated by commas, e.g. --%s \"fog, river, dawn\"", flag, termSafe(s), flag))
	}
	return kw, err
}
