package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/store"
)

// listFilters says which filters each list takes; any other is a usage
// error, never silently ignored.
var listFilters = map[string][]string{
	"batches":  nil,
	"files":    {"batch", "status"},
	"reviews":  {"batch", "status"},
	"releases": {"batch"},
	"pending":  nil,
	"edits":    nil,
}

// listOptions are the flags of `stocksync list`.
type listOptions struct {
	batchSet, statusSet bool // the flags were given (set by RunE)
	batch, status       string
	asJSON              bool
}

// AddFlags adds the flags to f.
func (o *listOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.batch, "batch", "", "only those of this batch ID (list files, reviews, releases)")
	f.StringVar(&o.status, "status", "", "only files in this state: pending, in_review, accepted, revisable, rejected, other, or an exact ESP status (list files, reviews)")
	f.BoolVar(&o.asJSON, "json", false, "print JSON (shapes in docs/cli.md)")
}

func newListCmd(gopts *globalOptions) *cobra.Command {
	var opts listOptions
	cmd := &cobra.Command{
		Use:   "list batches|files|reviews|releases|pending|edits [--batch ID] [--status S] [--json]",
		Short: "List what is in the local database",
		Long: `List what is in the local database:

  batches   every batch with its counts
  files     every file (--batch ID, --status S to narrow it down)
  reviews   review events: status changes and decisions seen by each sync (--batch, --status as for files)
  releases  model and property releases of each batch (--batch ID)
  pending   pending uploads: files registered with ` + "`stocksync add`" + `, only on this machine
  edits     local edits not yet on ESP, and conflicts

--status takes a state (pending, in_review, accepted, revisable, rejected, other)
or an exact ESP status (processed, review…), in upper or lower case; it narrows
list files and list reviews. --batch ID narrows list files, list reviews and
list releases. Any other list with either is a usage error.

--json prints the shapes documented in docs/cli.md: an array for batches,
releases, pending and edits, one object per line for files and reviews.`,
		Args:                  cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs:             []string{"batches", "files", "reviews", "releases", "pending", "edits"},
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			opts.batchSet, opts.statusSet = f.Changed("batch"), f.Changed("status")
			return runList(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runList prints the list named by args[0] from the local database.
func runList(ctx context.Context, o listOptions, gopts globalOptions, args []string) error {
	what := args[0]
	for _, f := range []struct {
		name string
		set  bool
	}{{"batch", o.batchSet}, {"status", o.statusSet}} {
		if f.set && !contains(listFilters[what], f.name) {
			return usageError(fmt.Sprintf("--%s does not apply to `list %s`: %s", f.name, what, filterTakers(f.name)))
		}
	}
	// Listing only reads: no data folder is created, and a
	// read-only folder is read read-only.
	_, db, _, err := gopts.openStoreRead(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	out := gopts.stdout
	cols := gopts.outputCols()
	switch what {
	case "batches":
		bs, err := db.ListBatches(ctx, store.BatchFilter{})
		if err != nil {
			return err
		}
		if o.asJSON {
			return writeJSON(out, nonNil(bs))
		}
		if len(bs) == 0 {
			fmt.Fprintln(out, "No batches yet: run `stocksync sync` to fetch them from ESP.")
			return nil
		}
		t := newTable("ID", "NAME~", "TYPE~", "FILES", "PENDING", "ACCEPTED", "REVISABLE", "REJECTED")
		for _, b := range bs {
			c := b.Counts
			t.add(termSafe(b.ID), termSafe(b.Name), termSafe(b.Type), num(c.Contributions), num(c.Pending), num(c.Accepted), num(c.Revisable), num(c.Rejected))
		}
		return t.write(out, cols)
	case "files":
		return listFiles(ctx, db, false, o.batch, o.status, o.asJSON, out, cols)
	case "reviews":
		return listReviews(ctx, db, o.batch, o.status, o.asJSON, out, cols)
	case "releases":
		return listReleases(ctx, db, o.statusSet, o.batch, o.asJSON, out, cols)
	case "pending":
		ps, err := db.PendingUploads(ctx)
		if err != nil {
			return err
		}
		if o.asJSON {
			return writeJSON(out, nonNil(ps))
		}
		if len(ps) == 0 {
			fmt.Fprintln(out, "No pending uploads. Register files with `stocksync add FILE…`.")
			return nil
		}
		t := newTable("ID", "FILE~", "TITLE~", "KEYWORDS")
		for _, p := range ps {
			t.add(fmt.Sprint(p.ID), termSafe(p.Path), termSafe(p.Title), plural(len(p.Keywords), "keyword"))
		}
		return t.write(out, cols)
	case "edits":
		es, err := db.LocalEdits(ctx, "")
		if err != nil {
			return err
		}
		if o.asJSON {
			return writeJSON(out, nonNil(es))
		}
		if len(es) == 0 {
			fmt.Fprintln(out, "No local edits: everything edited here is on ESP.")
			return nil
		}
		t := newTable("FILE", "STATE", "EDITED", "CONFLICT~")
		for _, e := range es {
			t.add(termSafe(e.ContributionID), termSafe(e.State), editedFields(e), termSafe(e.Conflict))
		}
		return t.write(out, cols)
	}
	return usageError(fmt.Sprintf("unknown list %q: use batches, files, reviews, pending or edits", what))
}

// editedFields names what an edit changes: "title, keywords".
func editedFields(e store.LocalEdit) string {
	var f []string
	if e.Headline != nil {
		f = append(f, "title")
	}
	if e.Caption != nil {
		f = append(f, "description")
	}
	if e.Keywords != nil {
		f = append(f, "keywords")
	}
	return strings.Join(f, ", ")
}

// statusFilter turns --status into a bucket or an ESP status, in any case
// and with spaces or hyphens for underscores ("In review" is in_review).
func statusFilter(s string) (bucket, status string) {
	norm := strings.ToLower(strings.TrimSpace(s))
	norm = strings.NewReplacer(" ", "_", "-", "_").Replace(norm)
	if contains(store.Buckets, norm) {
		return norm, ""
	}
	return "", strings.TrimSpace(s)
}

func listFiles(ctx context.Context, db *store.DB, reviews bool, batch, status string, asJSON bool, out io.Writer, cols int) error {
	bucket, exact := statusFilter(status)
	f := store.ContributionFilter{BatchID: batch, Bucket: bucket, WithReviews: reviews}
	enc := json.NewEncoder(out)
	var t *table
	rows := 0
	err := db.ListContributions(ctx, f, func(c store.Contribution) error {
		if exact != "" && !strings.EqualFold(c.Status, exact) {
			return nil
		}
		if reviews && len(c.Reviews) == 0 {
			return nil
		}
		rows++
		if asJSON { // one JSON object per line: the list may be long
			return enc.Encode(c)
		}
		if rows == 1 {
			if reviews {
				t = newTable("FILE", "REVIEWED", "OUTCOME", "REASONS~", "NOTES~")
			} else {
				t = newTable("ID", "BATCH", "STATUS", "FILE~", "TITLE~")
			}
		}
		if reviews {
			for _, r := range c.Reviews {
				t.add(termSafe(c.ID), r.ReviewedAt.Format("2006-01-02"), termSafe(r.Outcome),
					termSafe(strings.Join(r.Reasons, ", ")), termSafe(r.Notes))
			}
			return nil
		}
		t.add(termSafe(c.ID), termSafe(c.BatchID), termSafe(c.Status), termSafe(c.FileName), termSafe(c.Headline))
		return nil
	})
	if err != nil {
		return err
	}
	if rows == 0 && !asJSON {
		fmt.Fprintln(out, noFilesText(reviews, batch, status))
		return nil
	}
	if t == nil { // --json
		return nil
	}
	return t.write(out, cols)
}

// noFilesText says why a file list is empty.
func noFilesText(reviews bool, batch, status string) string {
	what := "No files"
	if reviews {
		what = "No reviews"
	}
	var where []string
	if batch != "" {
		where = append(where, "in batch "+termSafe(batch))
	}
	if status != "" {
		where = append(where, fmt.Sprintf("with status %q", termSafe(status)))
	}
	if len(where) == 0 {
		if reviews {
			return "No reviews yet: inspectors' reviews appear here after a sync."
		}
		return "No files yet: run `stocksync sync` to fetch them from ESP."
	}
	msg := what + " " + strings.Join(where, " ") + "."
	if status != "" {
		if b, _ := statusFilter(status); b == "" {
			msg += " States are " + strings.Join(store.Buckets, ", ") + ", or an exact ESP status."
		}
	}
	return msg
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// filterTakers says which lists take the filter flag f ("batch", "status"),
// from listFilters: "--batch narrows list files, list reviews and list releases".
func filterTakers(f string) string {
	var lists []string
	for _, what := range []string{"batches", "files", "reviews", "releases", "pending", "edits"} {
		if contains(listFilters[what], f) {
			lists = append(lists, "list "+what)
		}
	}
	if len(lists) > 1 {
		lists[len(lists)-2] += " and " + lists[len(lists)-1]
		lists = lists[:len(lists)-1]
	}
	return "--" + f + " narrows " + strings.Join(lists, ", ")
}
