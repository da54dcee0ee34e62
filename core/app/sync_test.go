package app

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
)

// gatedESP holds each batch's file listing until the test lets one through.
type gatedESP struct {
	ESPClient
	gate chan struct{}
}

func (g *gatedESP) ListContributions(ctx context.Context, batchID string, expected, pageSize int) ([]esp.Contribution, error) {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.ESPClient.ListContributions(ctx, batchID, expected, pageSize)
}

func smallServer() *espfake.Options {
	return &espfake.Options{Seed: 7, Batches: 2, ContributionsPerBatch: 20, NoThumbnails: true}
}

// expectedPortfolio counts the server's files the way the menu does.
func expectedPortfolio(srv *espfake.Server) string {
	n := map[string]int{}
	for _, b := range srv.Portfolio().Batches {
		for _, c := range b.Contributions {
			n[store.Bucket(c.Status)]++
		}
	}
	return portfolioLine(n)
}

func TestSyncProgressThenDone(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t, harnessOptions{
		server: smallServer(),
		wrap:   func(c ESPClient) ESPClient { return &gatedESP{c, gate} },
		start:  true,
	})
	// Both batches are listed and waiting at the gate: 40 files to fetch.
	h.progressTo("0 of 40", func(s State) bool { return s.Menu.SyncItem.Title == "Syncing… 0 of 40 files" })

	h.c.SyncNow() // never two at once: ignored
	gate <- struct{}{}
	h.progressTo("20 of 40", func(s State) bool { return s.Menu.SyncItem.Title == "Syncing… 20 of 40 files" })

	gate <- struct{}{}
	h.waitState("done", func(s State) bool { return s.Menu.SyncItem.Enabled })
	// No timer refreshes relative times while the menu is closed (an idle
	// app must not wake every minute); they are fresh when it opens.
	h.clock.Advance(5 * time.Minute)
	h.c.MenuOpened()

	portfolio := expectedPortfolio(h.srv)
	want := []string{
		"[Syncing…](disabled) | Last sync: never |  | syncing=true attention=false",
		"[Syncing… 0 of 40 files](disabled) | Last sync: never |  | syncing=true attention=false",
		"[Syncing… 20 of 40 files](disabled) | Last sync: never |  | syncing=true attention=false",
		// The engine's last counts always reach the menu before the outcome.
		"[Syncing… 40 of 40 files](disabled) | Last sync: never |  | syncing=true attention=false",
		"[Sync Now] | Last sync: just now | " + portfolio + " | syncing=false attention=false",
		"[Sync Now] | Last sync: 5 minutes ago | " + portfolio + " | syncing=false attention=false",
	}
	if got := h.menuLines(syncFields); !equalLines(got, want) {
		t.Errorf("menu sequence:\n%s", diffLines(got, want))
	}
	if got := h.srv.Counts()[esp.EndpointBatchesList]; got != 1 {
		t.Errorf("batch list requests = %d, want 1 (SyncNow during a sync must not start another)", got)
	}
	if got := h.notifications(); len(got) != 0 {
		t.Errorf("first sync notified %q; it must not (every file is new then)", got)
	}
}

func TestAutomaticSyncEveryIntervalAndAfterWake(t *testing.T) {
	h := newHarness(t, harnessOptions{server: smallServer(), start: true})
	h.waitSync("launch sync", func(r store.SyncRun) bool { return true })
	lists := func() int { return h.srv.Counts()[esp.EndpointBatchesList] }
	if got := lists(); got != 1 {
		t.Fatalf("syncs at launch = %d, want 1", got)
	}

	h.clock.Advance(59 * time.Minute)
	if got := lists(); got != 1 {
		t.Fatalf("syncs after 59 minutes = %d, want 1", got)
	}
	h.clock.Advance(time.Minute)
	h.waitFor("second sync", func() bool { return lists() == 2 })
	h.waitSync("second sync done", func(r store.SyncRun) bool { return r.StartedAt.Equal(t0.Add(time.Hour)) })

	// Woken up before the next is due: nothing; after: a sync at once.
	h.c.Woke()
	h.settled()
	if got := lists(); got != 2 {
		t.Fatalf("syncs after an early wake = %d, want 2", got)
	}
	// One timer, armed afresh for the next due thing: the sync at 2h.
	if p := h.clock.Pending(); len(p) != 1 || !p[0].Equal(t0.Add(2*time.Hour)) {
		t.Errorf("timers after the wake: %v, want one at %v", p, t0.Add(2*time.Hour))
	}
	h.clock.Jump(3 * time.Hour) // slept: no timer ran
	h.c.Woke()
	h.waitFor("sync after wake", func() bool { return lists() == 3 })
}

func TestSyncNotifiesNewRevisableAndRejected(t *testing.T) {
	h := newHarness(t, harnessOptions{server: &espfake.Options{Seed: 3, Batches: 1, ContributionsPerBatch: 10, NoThumbnails: true,
		StatusMix: espfake.StatusMix{Review: 1}}, start: true})
	h.waitSync("launch sync", func(r store.SyncRun) bool { return true })
	b := h.srv.BatchIDs()[0]
	ids := h.srv.ContributionIDs(b)
	for _, id := range ids[:3] {
		if err := h.srv.RequestRevision(b, id, []string{"Noise"}, "Reduce noise"); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids[3:5] {
		if err := h.srv.Reject(b, id, []string{"Similar"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	h.c.SyncNow()
	h.waitFor("notifications", func() bool { return len(h.notes.Notifications()) == 2 })
	want := []string{
		"sync-revisable: 3 files need revision — ESP inspectors asked for changes since the last sync.",
		"sync-rejected: 2 files were rejected — ESP inspectors rejected them since the last sync.",
	}
	if got := h.notifications(); !equalLines(got, want) {
		t.Errorf("notifications:\n%s", diffLines(got, want))
	}
	// Nothing new: no more notifications.
	h.c.SyncNow()
	h.waitSync("third sync", func(r store.SyncRun) bool { return r.ID == 3 })
	if got := len(h.notes.Notifications()); got != 2 {
		t.Errorf("notifications after a sync with nothing new = %d, want 2", got)
	}
}

func TestSyncBadCredentials(t *testing.T) {
	h := newHarness(t, harnessOptions{
		server: smallServer(),
		creds: func(c espfake.Credentials) secrets.Credentials {
			return secrets.Credentials{Username: c.Username, Password: secrets.NewSecret("wrong"),
				APIKey: secrets.NewSecret(c.APIKey), APISecret: secrets.NewSecret(c.APISecret)}
		},
		start: true,
	})
	h.waitState("sign-in failure", func(s State) bool { return s.Menu.Icon == IconAttention })
	h.c.SyncNow() // fails again: still one notification
	h.waitSync("second attempt", func(r store.SyncRun) bool { return r.ID == 2 })

	want := []string{
		"[Syncing…](disabled) | Last sync: never |  | syncing=true attention=false",
		"[Sync Now] | Sign-in failed — open Settings… |  | syncing=false attention=true",
		"[Syncing…](disabled) | Sign-in failed — open Settings… |  | syncing=true attention=true",
		"[Sync Now] | Sign-in failed — open Settings… |  | syncing=false attention=true",
	}
	if got := h.menuLines(syncFields); !equalLines(got, want) {
		t.Errorf("menu sequence:\n%s", diffLines(got, want))
	}
	wantNotes := []string{"sign-in: Stocksync cannot sign in to ESP — ESP refused the username, password, API key or secret. Open Settings in the Stocksync menu to correct them."}
	if got := h.notifications(); !equalLines(got, wantNotes) {
		t.Errorf("notifications:\n%s", diffLines(got, wantNotes))
	}

	// Clicking the notification opens Settings; saving the right password syncs.
	h.c.NotificationAction(noteIDSignIn, "")
	err := h.c.SaveSettings(SettingsInput{Password: h.srv.Credentials().Password, Server: "custom", IntervalMinutes: 60})
	if err != nil {
		t.Fatal(err)
	}
	s := h.waitState("sync after new password", func(s State) bool { return s.Menu.LastSyncLine == "Last sync: just now" })
	if s.Menu.Icon == IconAttention {
		t.Errorf("attention still on after a good sync:\n%s", s)
	}
	h.waitFor("effects", func() bool { return len(h.effectsSeen()) >= 1 })
	if got, want := h.effectsSeen(), []string{"open settings"}; !equalLines(got, want) {
		t.Errorf("effects:\n%s", diffLines(got, want))
	}
}

func TestSyncRefusedWhileAnotherProcessSyncs(t *testing.T) {
	h := newHarness(t, harnessOptions{server: smallServer()})
	lock, err := lockfile.TryAcquire(h.dir.Lock(), "stocksync sync")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := h.waitState("refusal", func(s State) bool { return s.Menu.LastSyncLine == textHeldElsewhere })
	if !s.Menu.SyncItem.Enabled || s.Menu.Icon == IconAttention {
		t.Errorf("after a refusal Sync Now must stay enabled and the icon calm:\n%s", s)
	}
	lock.Release()
	h.settled()
	h.c.SyncNow()
	h.waitState("sync", func(s State) bool { return s.Menu.LastSyncLine == "Last sync: just now" })
	// The file counts of the second run (how many reports the engine's
	// throttle lets through depends on its speed) are left out.
	var got []string
	for _, l := range h.menuLines(syncFields) {
		if !countLine.MatchString(l) {
			got = append(got, l)
		}
	}
	want := []string{
		"[Syncing…](disabled) | Last sync: never |  | syncing=true attention=false",
		"[Sync Now] | Sync running in another Stocksync process |  | syncing=false attention=false",
		"[Syncing…](disabled) | Sync running in another Stocksync process |  | syncing=true attention=false",
		fmt.Sprintf("[Sync Now] | Last sync: just now | %s | syncing=false attention=false", expectedPortfolio(h.srv)),
	}
	if !equalLines(got, want) {
		t.Errorf("menu sequence:\n%s", diffLines(got, want))
	}
}

// countLine is a menu line that shows a running sync's file counts.
var countLine = regexp.MustCompile(`^\[Syncing… [0-9,]+ of [0-9,]+ files\]`)
