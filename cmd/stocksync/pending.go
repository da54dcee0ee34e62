package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stocksync/stocksync/core/store"
)

var _ = register(newPendingCmd)

func newPendingCmd() *cobra.Command {
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
			return &exitError{code: exitUsage, msg: "say what to do: stocksync pending list, edit ID or remove ID"}
		},
	}
	cmd.AddCommand(newPendingListCmd(), newPendingEditCmd(), newPendingRemoveCmd())
	return cmd
}

// newPendingListCmd runs `list pending` itself, so both always print the
// same.
func newPendingListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List pending uploads (the same as `stocksync list pending`)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			list, _, err := cmd.Root().Find([]string{"list"})
			if err != nil || list == cmd.Root() || list.RunE == nil {
				return fmt.Errorf("the list command is missing from this build")
			}
			if asJSON {
				if err := list.Flags().Set("json", "true"); err != nil {
					return err
				}
			}
			list.SetContext(cmd.Context())
			list.SetOut(cmd.OutOrStdout())
			list.SetErr(cmd.ErrOrStderr())
			return list.RunE(list, []string{"pending"})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON, in the shape of 'stocksync list pending --json'")
	return cmd
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

func newPendingEditCmd() *cobra.Command {
	var title, description, caption, keywords string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "edit ID [--title T] [--description D] [--keywords \"a, b, c\"] [--json]",
		Short: "Change the title, description or keywords of a pending upload",
		Long: `Change the title (ESP headline), description (ESP caption) or keywords of a pending
upload, as ` + "`stocksync add` and `stocksync edit`" + ` name them (--caption is an alias of
--description). Fields changed here are kept when ` + "`stocksync add --refresh`" + ` re-reads the file.`,
		Args:                  onePendingID("edit ID --title T, --description D or --keywords \"a, b\""),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePendingID(args[0])
			if err != nil {
				return err
			}
			f := cmd.Flags()
			var e store.PendingEdit
			if f.Changed("title") {
				t, err := typedText("title", title, false)
				if err != nil {
					return err
				}
				e.Title = &t
			}
			if f.Changed("description") && f.Changed("caption") {
				return usageError("give --description or its alias --caption, not both")
			}
			name := "description" // errors name the flag as typed
			if f.Changed("caption") {
				name, description = "caption", caption
			}
			if f.Changed("description") || f.Changed("caption") {
				c, err := typedText(name, description, true)
				if err != nil {
					return err
				}
				e.Description = &c
			}
			if f.Changed("keywords") {
				k, err := someKeywords("keywords", keywords)
				if err != nil {
					return err
				}
				e.Keywords = &k
			}
			if e.Title == nil && e.Description == nil && e.Keywords == nil {
				return &exitError{code: exitUsage, msg: "nothing to change: give --title, --description or --keywords"}
			}
			ctx := cmd.Context()
			_, db, err := openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			p, err := db.EditPendingUpload(ctx, id, e, addClock())
			if err != nil {
				return pendingErr(ctx, db, id, err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, p)
			}
			fmt.Fprintf(out, "Pending upload %d (%s) changed: %s.\n", p.ID, shownPath(p.Path), strings.Join(changedFields(e), ", "))
			for _, w := range limitWarnings(p) {
				fmt.Fprintf(cmd.ErrOrStderr(), "stocksync: warning: %s\n", w)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&title, "title", "", "new title (ESP headline)")
	cmd.Flags().StringVar(&description, "description", "", "new description (ESP caption)")
	cmd.Flags().StringVar(&caption, "caption", "", "the same as --description")
	cmd.Flags().MarkHidden("caption")
	cmd.Flags().StringVar(&keywords, "keywords", "", "new keywords, separated by commas or semicolons (replaces them all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the pending upload as stored, in the shape of one 'stocksync list pending --json' entry")
	return cmd
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

func newPendingRemoveCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "remove ID [--json]",
		Short: "Take a pending upload off the list (recoverable from the next backup)",
		Long: `Take a pending upload off the list. The file itself is not touched. The record is
kept: the next backup still holds it, and ` + "`stocksync restore SNAPSHOT --local-only`" + `
brings it back.`,
		Args: onePendingID("remove ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePendingID(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			_, db, err := openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			p, err := db.RemovePendingUpload(ctx, id, addClock())
			if err != nil {
				return pendingErr(ctx, db, id, err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, p)
			}
			fmt.Fprintf(out, "Removed pending upload %d (%s). The file was not touched; the next backup keeps the record, and `stocksync restore SNAPSHOT --local-only` brings it back.\n",
				p.ID, shownPath(p.Path))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the removed pending upload, in the shape of one 'stocksync list pending --json' entry")
	return cmd
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
