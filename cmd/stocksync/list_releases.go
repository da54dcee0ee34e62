package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/stocksync/stocksync/core/store"
)

// listReleases prints the releases synced from ESP (`stocksync list
// releases`): a table, or with --json one array of store.Release objects
// (docs/cli.md). Documents are in the data folder's releases/ folder.
func listReleases(ctx context.Context, db *store.DB, statusSet bool, batch string, asJSON bool, out io.Writer, cols int) error {
	if statusSet {
		return usageError("--status does not apply to `list releases`: --status narrows list files and list reviews (list releases takes --batch ID)")
	}
	rs, err := db.ListReleases(ctx, store.ReleaseFilter{BatchID: batch})
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(out, nonNil(rs))
	}
	if len(rs) == 0 {
		if batch != "" {
			fmt.Fprintf(out, "No releases in batch %s.\n", termSafe(batch))
		} else {
			fmt.Fprintln(out, "No releases synced yet (run `stocksync sync`).")
		}
		return nil
	}
	t := newTable("BATCH", "ID", "TYPE", "FILE~", "DOCUMENT~")
	for _, r := range rs {
		doc := r.Document
		switch r.Document {
		case store.DocDone:
			doc = "releases/" + r.DocumentFile
		case store.DocNone:
			doc = "no document"
		}
		t.add(termSafe(r.BatchID), termSafe(r.ID), termSafe(r.Type), termSafe(r.FileName), termSafe(doc))
	}
	return t.write(out, cols)
}

// listReviews prints the inspectors' decisions derived from what each sync
// observed (`stocksync list reviews`): accepted, revisable and rejected
// files with when it happened and how that time is known. --json prints one
// store.ReviewEvent object per line.
func listReviews(ctx context.Context, db *store.DB, batch, status string, asJSON bool, out io.Writer, cols int) error {
	f := store.ReviewEventFilter{BatchID: batch, DecisionsOnly: true}
	if status != "" {
		s := strings.ToLower(strings.TrimSpace(status))
		if !store.IsDecision(s) {
			return usageError(fmt.Sprintf("list reviews --status %q: use accepted, revisable or rejected", status))
		}
		f.Outcome = s
	}
	evs, err := db.ReviewEvents(ctx, f)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(out)
		for _, e := range evs {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	}
	if len(evs) == 0 {
		fmt.Fprintln(out, "No reviews yet: decisions appear here once a sync sees a file accepted, sent back for revision or rejected.")
		return nil
	}
	t := newTable("WHEN", "FILE", "OUTCOME", "KNOWN FROM", "TITLE~")
	for _, e := range evs {
		when := "unknown"
		if !e.At.IsZero() {
			when = e.At.Local().Format("2006-01-02 15:04")
		}
		title := e.Headline
		if len(e.Reasons) > 0 || e.Notes != "" {
			title = strings.Join(append(append([]string{}, e.Reasons...), e.Notes), "; ")
		}
		t.add(when, termSafe(e.ContributionID), termSafe(e.Outcome), atSourceWords(e.AtSource), termSafe(title))
	}
	return t.write(out, cols)
}

func atSourceWords(s string) string {
	switch s {
	case store.AtPublished:
		return "published on ESP"
	case store.AtReview:
		return "ESP review"
	case store.AtUpdated:
		return "ESP change time"
	}
	return "seen by a sync"
}
