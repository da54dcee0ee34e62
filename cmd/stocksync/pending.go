package main

import (
	"context"
	"errors"
	"fmt"
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

// onePendingID wants exactly one argument, the ID, and says how to call
// the command (usage: "edit ID …") when it is missing or there are more.
func onePendingID(usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch len(args) {
		case 1:
			return nil
		case 0:
			return &exitError{code: exitUsage, msg: "name the pending upload: stocksync pending " + usage + " (IDs are in the first column of `stocksync pending list`)"}
		}
		return &exitError{code: exitUsage, msg: fmt.Sprintf("one pending upload at a time: stocksync pending %s (got %d arguments)", usage, len(args))}
	}
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
	titleSet, descriptionSet, captionSet, keywordsSet bool // the flags were given (set by RunE)
	title, description, caption, keywords             string
	asJSON                                            bool
}

// AddFlags adds the flags to f.
func (o *pendingEditOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.title, "title", "", "new title (ESP headline)")
	f.StringVar(&o.description, "description", "", "new description (ESP caption)")
	f.StringVar(&o.caption, "caption", "", "the same as --description")
	f.MarkHidden("caption")
	f.StringVar(&o.keywords, "keywords", "", "new keywords, separated by commas or semicolons (replaces them all)")
	f.BoolVar(&o.asJSON, "json", false, "print the pending upload as stored, in the shape of one 'stocksync list pending --json' entry")
}

func newPendingEditCmd(gopts *globalOptions) *cobra.Command {
	var opts pendingEditOptions
	cmd := &cobra.Command{
		Use:   "edit ID [--title T] [--description D] [--keywords \"a, b, c\"] [--json]",
		Short: "Change the title, description or keywords of a pending upload",
		Long: `Change the title (ESP headline), description (ESP caption) or keywords of a pending
upload, as ` + "`stocksync add` and `stocksync edit`" + ` name them (--caption is an alias of
--description). Fields changed here are kept when ` + "`stocksync add --refresh`" + ` re-reads the file.`,
		Args:                  onePendingID("edit ID --title T, --description D or --keywords \"a, b\""),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			opts.titleSet, opts.descriptionSet, opts.captionSet, opts.keywordsSet = f.Changed("title"), f.Changed("description"), f.Changed("caption"), f.Changed("keywords")
			return runPendingEdit(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runPendingEdit changes the fields given of the pending upload args[0].
func runPendingEdit(ctx context.Context, o pendingEditOptions, gopts globalOptions, args []string) error {
	id, err := parsePendingID(args[0])
	if err != nil {
		return err
	}
	var e store.PendingEdit
	if o.titleSet {
		t, err := typedText("title", o.title, false)
		if err != nil {
			return err
		}
		e.Title = &t
	}
	if o.descriptionSet && o.captionSet {
		return usageError("give --description or its alias --caption, not both")
	}
	name := "description" // errors name the flag as typed
	if o.captionSet {
		name, o.description = "caption", o.caption
	}
	if o.descriptionSet || o.captionSet {
		c, err := typedText(name, o.description, true)
		if err != nil {
			return err
		}
		e.Description = &c
	}
	if o.keywordsSet {
		k, err := someKeywords("keywords", o.keywords)
		if err != nil {
			return err
		}
		e.Keywords = &k
	}
	if e.Title == nil && e.Description == nil && e.Keywords == nil {
		return &exitError{code: exitUsage, msg: "nothing to change: give --title, --description or --keywords"}
	}
	_, db, err := gopts.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := db.EditPendingUpload(ctx, id, e, gopts.clock())
	if err != nil {
		return pendingErr(ctx, db, id, err)
	}
	out := gopts.stdout
	if o.asJSON {
		return writeJSON(out, p)
	}
	fmt.Fprintf(out, "Pending upload %d (%s) changed: %s.\n", p.ID, shownPath(p.Path), strings.Join(changedFields(e), ", "))
	for _, w := range limitWarnings(p) {
		fmt.Fprintf(gopts.stderr, "stocksync: warning: %s\n", w)
	}
	return nil
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
	f.BoolVar(&o.asJSON, "json", false, "print the removed pending upload, in the shape of one 'stocksync list pending --json' entry")
}

func newPendingRemoveCmd(gopts *globalOptions) *cobra.Command {
	var opts pendingRemoveOptions
	cmd := &cobra.Command{
		Use:   "remove ID [--json]",
		Short: "Take a pending upload off the list (recoverable from the next backup)",
		Long: `Take a pending upload off the list. The file itself is not touched. The record is
kept: the next backup still holds it, and ` + "`stocksync restore SNAPSHOT --local-only`" + `
brings it back.`,
		Args: onePendingID("remove ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPendingRemove(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runPendingRemove takes the pending upload args[0] off the list (the record
// is kept).
func runPendingRemove(ctx context.Context, o pendingRemoveOptions, gopts globalOptions, args []string) error {
	id, err := parsePendingID(args[0])
	if err != nil {
		return err
	}
	_, db, err := gopts.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := db.RemovePendingUpload(ctx, id, gopts.clock())
	if err != nil {
		return pendingErr(ctx, db, id, err)
	}
	out := gopts.stdout
	if o.asJSON {
		return writeJSON(out, p)
	}
	fmt.Fprintf(out, "Removed pending upload %d (%s). The file was not touched; the next backup keeps the record, and `stocksync restore SNAPSHOT --local-only` brings it back.\n",
		p.ID, shownPath(p.Path))
	return nil
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
