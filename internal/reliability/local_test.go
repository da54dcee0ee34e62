package reliability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
)

// oddTexts are values local-only rows must keep byte for byte.
var oddTexts = []string{
	"Fog over the river", "Ünïcödé – “quotes” — dash", "東京の夜景", "👩🏽‍💻 at work",
	"right\u202eto\u202cleft", "e\u0301 combining", "tab\tand\nnewline", "'; DROP TABLE pending_uploads; --",
	strings.Repeat("long ", 400),
}

// localEdit is what the test asked for, to check an edit against the server.
type localEdit struct {
	batch, id         string
	headline, caption string
	keywords          []string
}

// seedLocal adds local-only rows through the store, as the CLI and app do:
// pending uploads and local paths always, and edits of up to edits files
// that are pending on ESP and present in the local database.
func seedLocal(t testing.TB, r *rand.Rand, e *env, uploads, paths, edits int) map[string]localEdit {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, e.dbPath(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	existing, err := db.PendingUploads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range uploads {
		n := len(existing) + i
		p := store.PendingUpload{
			Path:        fmt.Sprintf("/Users/ana/Pictures/Export %d/IMG_%04d.jpg", r.IntN(9), n),
			Title:       oddTexts[r.IntN(len(oddTexts))],
			Description: oddTexts[r.IntN(len(oddTexts))],
			Keywords:    []string{oddTexts[r.IntN(len(oddTexts))], "river", fmt.Sprint(n)},
			MediaType:   "image", Size: int64(r.IntN(50 << 20)),
		}
		if _, err := db.AddPendingUpload(ctx, p, now.Add(time.Duration(n)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	p := e.srv.Portfolio()
	var all []esp.Contribution
	for _, b := range p.Batches {
		all = append(all, b.Contributions...)
	}
	for i := 0; i < paths && len(all) > 0; i++ {
		c := all[r.IntN(len(all))]
		if err := db.SetLocalPath(ctx, c.ID, "/Volumes/Photos/"+oddTexts[r.IntN(4)]+"/"+c.ID+".jpg", now); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]localEdit{}
	if edits == 0 {
		return out
	}
	for _, b := range p.Batches {
		for _, c := range b.Contributions {
			if len(out) == edits || c.Status != esp.StatusPending {
				continue
			}
			if _, err := db.GetContribution(ctx, c.ID); err != nil {
				continue // not synced yet
			}
			// Short enough for ESP (headlines up to 255 characters).
			le := localEdit{batch: b.ID, id: c.ID, headline: oddTexts[r.IntN(len(oddTexts)-1)] + " " + c.ID,
				caption: "edited " + c.ID, keywords: []string{"edited", oddTexts[r.IntN(4)], c.ID}}
			kw := slices.Clone(le.keywords)
			if _, err := db.PutLocalEdit(ctx, store.LocalEdit{ContributionID: c.ID, Headline: &le.headline,
				Caption: &le.caption, Keywords: &kw}, now); err != nil {
				t.Fatalf("edit %s: %v", c.ID, err)
			}
			out[c.ID] = le
		}
	}
	return out
}

// appliedOn reports, for an edit id, whether the server holds it.
func appliedOn(srv *espfake.Server, edits map[string]localEdit) func(string) bool {
	p := srv.Portfolio()
	byID := map[string]esp.Contribution{}
	for _, b := range p.Batches {
		for _, c := range b.Contributions {
			byID[c.ID] = c
		}
	}
	return func(id string) bool {
		le, ok := edits[id]
		c, found := byID[id]
		return ok && found && c.Headline == le.headline && c.Caption == le.caption && slices.Equal(c.Keywords, le.keywords)
	}
}

// mutateServer moves a seeded share of files through review, edits some,
// and adds and removes batches and files, as a busy day on ESP would.
// Files in keep (with local edits) are left alone.
func mutateServer(r *rand.Rand, srv *espfake.Server, keep map[string]localEdit) {
	ids := srv.BatchIDs()
	for range 40 {
		b := ids[r.IntN(len(ids))]
		files := srv.ContributionIDs(b)
		if len(files) == 0 {
			continue
		}
		id := files[r.IntN(len(files))]
		if _, ok := keep[id]; ok {
			continue
		}
		switch r.IntN(5) {
		case 0:
			srv.Accept(b, id)
		case 1:
			srv.RequestRevision(b, id, []string{"Keywords"}, "Remove unrelated keywords.")
		case 2:
			srv.Reject(b, id, []string{"Focus"}, "Subject not in focus.")
		case 3:
			h := "Changed on ESP " + oddTexts[r.IntN(len(oddTexts))]
			srv.EditMetadata(b, id, esp.ContributionUpdate{Headline: &h})
		case 4:
			srv.AddContribution(b, espfake.ContributionSpec{})
		}
	}
	srv.AddBatch(espfake.BatchSpec{Files: 5 + r.IntN(20)})
	// Remove a batch without local edits.
	for _, b := range ids[len(ids)/2:] {
		clean := true
		for _, id := range srv.ContributionIDs(b) {
			if _, ok := keep[id]; ok {
				clean = false
			}
		}
		if clean {
			srv.RemoveBatch(b)
			break
		}
	}
}
