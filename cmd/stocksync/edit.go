package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/esplimits"
	"github.com/stocksync/stocksync/core/filemeta"
	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
)

// editOptions are the flags of `stocksync edit`.
type editOptions struct {
	titleSet, descriptionSet, keywordsSet bool // the flags were given (set by RunE)
	title, description, keywords          string
	asJSON                                bool
}

// AddFlags adds the flags to f.
func (o *editOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.title, "title", "", "new title (ESP headline)")
	f.StringVar(&o.description, "description", "", "new description (ESP caption)")
	f.StringVar(&o.keywords, "keywords", "", "new keywords, separated by commas or semicolons (replaces them all)")
	f.BoolVar(&o.asJSON, "json", false, "print the saved edit as JSON, in the same shape as list edits --json")
}

func newEditCmd(gopts *globalOptions) *cobra.Command {
	var opts editOptions
	cmd := &cobra.Command{
		Use:   "edit FILE-ID",
		Short: "Change the title, description or keywords of a file not yet submitted",
		Long: `Record a local edit of a file that is uploaded to ESP but not yet submitted.
The edit is kept on this computer (it is part of every backup) and sent to ESP by
` + "`stocksync sync --push`" + ` or when "Send local changes to ESP" is on.

Values ESP refuses are refused here, naming the limit: a title of 1 to 255
characters on one line, a description of at most 2,000 characters, at most 50
keywords; no control characters or invalid UTF-8.`,
		Args: cobra.ExactArgs(1),
		Example: `  stocksync edit 80000123 --title "Fog over the river at dawn"
  stocksync edit 80000123 --keywords "fog, river, dawn, mist" --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			opts.titleSet, opts.descriptionSet, opts.keywordsSet = f.Changed("title"), f.Changed("description"), f.Changed("keywords")
			return runEdit(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runEdit records a local edit of the file args[0] from the flags given.
func runEdit(ctx context.Context, o editOptions, gopts globalOptions, args []string) error {
	if !o.titleSet && !o.descriptionSet && !o.keywordsSet {
		return &exitError{code: exitUsage, msg: "nothing to change: give --title, --description or --keywords"}
	}
	// Values ESP would refuse are refused here, before anything is
	// stored: an edit must never wait only to be refused.
	e := store.LocalEdit{ContributionID: args[0]}
	if o.titleSet {
		t := strings.TrimSpace(o.title)
		if err := esplimits.Headline(t); err != nil {
			return usageError("--title: " + err.Error())
		}
		e.Headline = &t
	}
	if o.descriptionSet {
		d := strings.TrimSpace(o.description)
		if err := esplimits.Caption(d); err != nil {
			return usageError("--description: " + err.Error())
		}
		e.Caption = &d
	}
	if o.keywordsSet {
		kw := filemeta.SplitKeywords(o.keywords)
		if len(kw) == 0 {
			// ",,," passed the blank check and replaced every
			// keyword of the file with none.
			return usageError(fmt.Sprintf("--keywords %q holds no keywords: give them separated by commas, e.g. --keywords \"fog, river, dawn\"", termSafe(o.keywords)))
		}
		if err := esplimits.Keywords(kw); err != nil {
			return usageError("--keywords: " + err.Error())
		}
		e.Keywords = &kw
	}
	_, db, err := gopts.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	saved, err := db.PutLocalEdit(ctx, e, time.Now())
	if err != nil {
		return err
	}
	// Editing a conflicting edit again is the user's answer to the
	// conflict: it goes back in the queue, based on the version of
	// the file last synced.
	wasConflict := saved.Conflict
	if saved.State == store.EditConflict {
		if saved, err = db.RequeueLocalEdit(ctx, saved.ContributionID, time.Now()); err != nil {
			return err
		}
	}
	if o.asJSON {
		return writeJSON(gopts.stdout, saved)
	}
	if wasConflict != "" {
		fmt.Fprintf(gopts.stdout, "Edit of file %s saved on %s and queued again (it was in conflict: %s); `stocksync sync --push` sends it to ESP.\n",
			termSafe(saved.ContributionID), reminder.ThisComputer, termSafe(wasConflict))
		return nil
	}
	fmt.Fprintf(gopts.stdout, "Edit of file %s saved on %s (%s); `stocksync sync --push` sends it to ESP.\n", termSafe(saved.ContributionID), reminder.ThisComputer, saved.State)
	return nil
}
