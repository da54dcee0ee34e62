package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

// headlineOf is the server's title of file id.
func headlineOf(t *testing.T, srv *espfake.Server, id string) string {
	t.Helper()
	for _, b := range srv.Portfolio().Batches {
		for _, c := range b.Contributions {
			if c.ID == id {
				return c.Headline
			}
		}
	}
	t.Fatalf("file %s not on the server", id)
	return ""
}

// TestSyncNotifiesReviewDecisions: the accepted / sent back / rejected
// notifications come from the review events syncs record (with modeled
// reviews off, as by default), including decisions a CLI sync recorded
// between two of the app's syncs, and none is repeated.
func TestSyncNotifiesReviewDecisions(t *testing.T) {
	h := newHarness(t, harnessOptions{server: &espfake.Options{Seed: 5, Batches: 1, ContributionsPerBatch: 10, NoThumbnails: true,
		StatusMix: espfake.StatusMix{Review: 1}}, start: true})
	h.waitSync("launch sync", func(r store.SyncRun) bool { return true })
	if n := h.notifications(); len(n) != 0 {
		t.Fatalf("the first sync notified: %v", n)
	}
	b := h.srv.BatchIDs()[0]
	ids := h.srv.ContributionIDs(b)
	for _, id := range ids[:2] {
		if err := h.srv.Accept(b, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.srv.Reject(b, ids[2], []string{"Similar"}, ""); err != nil {
		t.Fatal(err)
	}
	h.c.SyncNow()
	h.waitFor("two notifications", func() bool { return len(h.notes.Notifications()) == 2 })
	want := []string{
		"sync-accepted: 2 files were accepted — ESP inspectors accepted them since the last sync.",
		"sync-rejected: 1 file was rejected — ESP inspectors rejected “" + headlineOf(t, h.srv, ids[2]) + "” since the last sync.",
	}
	if got := h.notifications(); !equalLines(got, want) {
		t.Errorf("notifications:\n%s", diffLines(got, want))
	}

	// A sync in Terminal sees a file sent back; the app's next sync tells.
	if err := h.srv.RequestRevision(b, ids[3], []string{"Noise"}, "Reduce noise"); err != nil {
		t.Fatal(err)
	}
	cliSync(t, h)
	h.c.SyncNow()
	h.waitFor("the sent-back notification", func() bool { return len(h.notes.Notifications()) == 3 })
	want = append(want, "sync-revisable: 1 file needs revision — ESP inspectors asked for changes to “"+
		headlineOf(t, h.srv, ids[3])+"” since the last sync.")
	if got := h.notifications(); !equalLines(got, want) {
		t.Errorf("notifications:\n%s", diffLines(got, want))
	}

	// Nothing new: nothing more, and the mark is kept for a restart.
	h.c.SyncNow()
	h.waitSync("fifth sync", func(r store.SyncRun) bool { return r.ID == 5 })
	if got := h.notifications(); !equalLines(got, want) {
		t.Errorf("after a sync with nothing new:\n%s", diffLines(got, want))
	}
	st := readFile(t, filepath.Join(h.dir.Root, appStateName))
	if !strings.Contains(st, `"review_events_known": true`) || !strings.Contains(st, `"review_events_seen"`) {
		t.Errorf("app-state.json does not keep what was notified:\n%s", st)
	}
	events, err := h.db.ReviewEvents(context.Background(), store.ReviewEventFilter{DecisionsOnly: true})
	if err != nil || len(events) != 4 {
		t.Errorf("decisions recorded = %d (%v), want 4", len(events), err)
	}
}

// TestReviewNewsFirstLookSetsTheMark: an app started without a mark in
// app-state.json over a database a CLI sync filled (a new install, or a
// replaced file) notifies nothing of the portfolio's history.
func TestReviewNewsFirstLookSetsTheMark(t *testing.T) {
	h := newHarness(t, harnessOptions{server: &espfake.Options{Seed: 9, Batches: 1, ContributionsPerBatch: 6, NoThumbnails: true,
		StatusMix: espfake.StatusMix{Review: 1}}})
	cliSync(t, h)
	b := h.srv.BatchIDs()[0]
	if err := h.srv.Accept(b, h.srv.ContributionIDs(b)[0]); err != nil {
		t.Fatal(err)
	}
	if err := h.c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.waitSync("the app's first sync", func(r store.SyncRun) bool { return r.ID == 2 })
	if n := h.notifications(); len(n) != 0 {
		t.Errorf("a first look notified: %v", n)
	}
	if err := h.srv.Accept(b, h.srv.ContributionIDs(b)[1]); err != nil {
		t.Fatal(err)
	}
	h.c.SyncNow()
	h.waitFor("the accepted notification", func() bool { return len(h.notes.Notifications()) == 1 })
}

// cliSync syncs h's database as `stocksync sync` in Terminal would: its
// own client and engine, the same database and sync lock.
func cliSync(t *testing.T, h *harness) {
	t.Helper()
	creds, err := h.secrets.Load()
	if err != nil {
		t.Fatal(err)
	}
	cli, err := NewESPFactory(nil)(h.loadConfig(), creds, account.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eng := &syncer.Engine{DB: h.db, ESP: cli, LockPath: h.dir.Lock(), Command: "stocksync sync", Now: h.clock.Now}
	if _, err := eng.Run(context.Background(), syncer.Options{}); err != nil {
		t.Fatalf("the CLI's sync: %v", err)
	}
}
