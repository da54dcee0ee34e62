package app

import (
	"context"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/store"
)

// An idle app on a laptop must let the Mac sleep: with the menu closed and
// nothing due it wakes at most once an hour (issue 15). The fake clock
// counts every timer call a real clock would have made.
func TestIdleAppWakesAtMostOncePerHour(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    harnessOptions
		// max is the most wake-ups allowed over a day.
		max int
	}{
		// No account: no sync can start, so none is scheduled; the Time
		// Machine and reminder check runs every recheckEvery.
		{"no account", harnessOptions{start: true}, int(24 * time.Hour / recheckEvery)},
		// Automatic sync off: the same.
		{"automatic sync off", harnessOptions{server: smallServer(), start: true,
			cfg: func(c *config.Config) { c.SyncIntervalMinutes = 0 }}, int(24 * time.Hour / recheckEvery)},
		// Hourly sync: one wake-up per sync; the rechecks share none of
		// them here, so at most one more every recheckEvery.
		{"hourly sync", harnessOptions{server: smallServer(), start: true}, 24 + int(24*time.Hour/recheckEvery)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.o)
			h.settled()
			before := h.clock.Fired()
			for range 24 {
				h.clock.Advance(time.Hour)
				h.settled()
			}
			got := h.clock.Fired() - before
			t.Logf("%d timer wake-ups in 24 hours", got)
			if got > tc.max {
				t.Errorf("%d timer wake-ups in 24 hours, want at most %d; pending timers %v", got, tc.max, h.clock.Pending())
			}
			if tc.o.server == nil || tc.o.cfg != nil {
				if got > 24 {
					t.Errorf("idle with nothing due: %d wake-ups in 24 hours, want ≤ 1 an hour", got)
				}
			}
		})
	}
}

// A daily backup reminder is one more thing due: with local changes in no
// backup, the app wakes for the reminders and the rechecks, still far
// below once an hour.
func TestIdleAppWithADailyReminder(t *testing.T) {
	h := newHarness(t, harnessOptions{cfg: func(c *config.Config) { c.Backup.Schedule = "daily" }})
	h.addPending(2, t0.Add(-time.Hour))
	if err := h.c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.settled()
	before := h.clock.Fired()
	for range 48 {
		h.clock.Advance(time.Hour)
		h.settled()
	}
	got := h.clock.Fired() - before
	t.Logf("%d timer wake-ups in 48 hours; notifications %q", got, h.notifications())
	if got > 48 {
		t.Errorf("%d timer wake-ups in 48 hours, want at most one an hour; pending timers %v", got, h.clock.Pending())
	}
	// At launch (never backed up), then one a day.
	if n := len(h.notes.Notifications()); n != 3 {
		t.Errorf("%d reminders over two days from launch, want 3 (at launch, then daily): %q", n, h.notifications())
	}
}

// Relative times are worded when the menu opens, not kept fresh by a tick:
// with the menu closed an hour passes without a published state, and opening it
// shows the right time at once.
func TestRelativeTimesFreshWhenTheMenuOpens(t *testing.T) {
	h := newHarness(t, harnessOptions{server: smallServer(), start: true,
		cfg: func(c *config.Config) { c.SyncIntervalMinutes = 0 }})
	h.c.SyncNow()
	h.waitSync("sync", func(r store.SyncRun) bool { return true })
	h.settled()
	h.mu.Lock()
	n := len(h.published)
	h.mu.Unlock()
	h.clock.Advance(59 * time.Minute)
	h.mu.Lock()
	quiet := len(h.published) == n
	h.mu.Unlock()
	if !quiet {
		t.Errorf("states went out while the menu was closed and nothing happened")
	}
	h.c.MenuOpened()
	if got := h.c.State().Menu.LastSyncLine; got != "Last sync: 59 minutes ago" {
		t.Errorf("after the menu opened: %q, want %q", got, "Last sync: 59 minutes ago")
	}
	h.mu.Lock()
	last := h.published[len(h.published)-1]
	h.mu.Unlock()
	if got := last.Menu.LastSyncLine; got != "Last sync: 59 minutes ago" {
		t.Errorf("published after the menu opened: %q", got)
	}
}
