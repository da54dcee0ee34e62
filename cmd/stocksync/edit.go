package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocksync/stocksync/core/filemeta"
	"github.com/stocksync/stocksync/core/store"
)

var _ = register(newEditCmd)

func newEditCmd() *cobra.Command {
	var title, description, keywords string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "edit FILE-ID",
		Short: "Change the title, description or keywords of a file not yet submitted",
		Long: `Record a local edit of a file that is uploaded to ESP but not yet submitted.
The edit is kept on this machine (it is part of every backup) and sent to ESP by
` + "`stocksync sync --push`" + ` or when "Send local changes to ESP" is on.`,
		Args: cobra.ExactArgs(1),
		Example: `  stocksync edit 80000123 --title "Fog over the river at dawn"
  stocksync edit 80000123 --keywords "fog, river, dawn, mist" --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if !f.Changed("title") && !f.Changed("description") && !f.Changed("keywords") {
				return &exitError{code: exitUsage, msg: "nothing to change: give --title, --description or --keywords"}
			}
			ctx := cmd.Context()
			_, db, err := openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			e := store.LocalEdit{ContributionID: args[0]}
			if f.Changed("title") {
				e.Headline = &title
			}
			if f.Changed("description") {
				e.Caption = &description
			}
			if f.Changed("keywords") {
				kw := filemeta.SplitKeywords(keywords)
				e.Keywords = &kw
			}
			saved, err := db.PutLocalEdit(ctx, e, time.Now())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), saved)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Edit of file %s saved on this machine (%s); `stocksync sync --push` sends it to ESP.\n", termSafe(saved.ContributionID), saved.State)
			return nil
		},
	}
	cmd.Flags().StringVar(&title, "title", "", "new title (ESP headline)")
	cmd.Flags().StringVar(&description, "description", "", "new description (ESP caption)")
	cmd.Flags().StringVar(&keywords, "keywords", "", "new keywords, separated by commas or semicolons (replaces them all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the saved edit as JSON, in the shape of `stocksync list edits --json`")
	return cmd
}
