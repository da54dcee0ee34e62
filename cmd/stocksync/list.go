package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocksync/stocksync/core/store"
)

var _ = register(newListCmd)

func newListCmd() *cobra.Command {
	var batch, status string
	var asJSON bool
	cmd := &cobra.Command{
		Use:       "list batches|files|reviews|releases|pending|edits",
		Short:     "List what is in the local database",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"batches", "files", "reviews", "releases", "pending", "edits"},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, db, err := openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			out := cmd.OutOrStdout()
			switch args[0] {
			case "batches":
				bs, err := db.ListBatches(ctx, store.BatchFilter{})
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(out, nonNil(bs))
				}
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tTYPE\tFILES\tPENDING\tACCEPTED\tREVISABLE\tREJECTED")
				for _, b := range bs {
					c := b.Counts
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", b.ID, clip(b.Name, 40), b.Type, c.Contributions, c.Pending, c.Accepted, c.Revisable, c.Rejected)
				}
				return tw.Flush()
			case "files":
				return listFiles(cmd, db, false, batch, status, asJSON, out)
			case "reviews":
				return listReviews(cmd, db, batch, status, asJSON, out)
			case "releases":
				return listReleases(cmd, db, batch, asJSON, out)
			case "pending":
				ps, err := db.PendingUploads(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(out, nonNil(ps))
				}
				for _, p := range ps {
					fmt.Fprintf(out, "%d\t%s\t%q\t%d keywords\n", p.ID, p.Path, p.Title, len(p.Keywords))
				}
				return nil
			case "edits":
				es, err := db.LocalEdits(ctx, "")
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(out, nonNil(es))
				}
				for _, e := range es {
					line := fmt.Sprintf("%s\t%s", e.ContributionID, e.State)
					if e.Conflict != "" {
						line += "\t" + e.Conflict
					}
					fmt.Fprintln(out, line)
				}
				return nil
			}
			return &exitError{code: exitUsage, msg: fmt.Sprintf("unknown list %q: use batches, files, reviews, pending or edits", args[0])}
		},
	}
	cmd.Flags().StringVar(&batch, "batch", "", "only this batch ID")
	cmd.Flags().StringVar(&status, "status", "", "only files in this state: pending, in_review, accepted, revisable, rejected, other (or an exact ESP status)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func listFiles(cmd *cobra.Command, db *store.DB, reviews bool, batch, status string, asJSON bool, out io.Writer) error {
	f := store.FileFilter{BatchID: batch, WithReviews: reviews}
	if isBucket(status) {
		f.Bucket = status
	} else {
		f.Status = status
	}
	enc := json.NewEncoder(out)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	if !asJSON && !reviews {
		fmt.Fprintln(tw, "ID\tBATCH\tSTATUS\tFILE\tTITLE")
	}
	err := db.ListFiles(cmd.Context(), f, func(c store.Contribution) error {
		if reviews && len(c.Reviews) == 0 {
			return nil
		}
		if asJSON { // one JSON object per line: the list may be long
			return enc.Encode(c)
		}
		if reviews {
			for _, r := range c.Reviews {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, r.ReviewedAt.Format("2006-01-02"), r.Outcome, strings.Join(r.Reasons, ", "), clip(r.Notes, 60))
			}
			return nil
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.BatchID, c.Status, clip(c.FileName, 30), clip(c.Headline, 50))
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Flush()
}

func isBucket(s string) bool {
	for _, b := range store.Buckets {
		if s == b {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
