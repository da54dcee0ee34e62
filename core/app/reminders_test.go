package app

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/watch"
)

func TestReminderFiresWhenTheScheduleSaysSo(t *testing.T) {
	h := newHarness(t, harnessOptions{cfg: func(c *config.Config) { c.Backup.Schedule = "daily" }})
	dest := mkdir(t, filepath.Join(h.home, "Backups"))
	// Backed up 20 hours ago; something new since.
	record(t, h.db, store.BackupRun{Kind: backup.KindSnapshot, Path: filepath.Join(dest, "snap"), StartedAt: t0.Add(-20 * time.Hour), OK: true})
	h.addPending(2, t0.Add(-time.Hour))
	if err := h.c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := h.settled(); s.Menu.WarningLine != "" {
		t.Fatalf("warning before the backup is a day old:\n%s", s)
	}
	if got := h.notifications(); len(got) != 0 {
		t.Fatalf("reminded too early: %q", got)
	}

	h.clock.Advance(4*time.Hour - time.Second) // one second before the day is over
	h.settled()
	if got := h.notifications(); len(got) != 0 {
		t.Fatalf("reminded a second early: %q", got)
	}
	h.clock.Advance(time.Second)
	h.waitFor("reminder", func() bool { return len(h.notes.Notifications()) == 1 })
	want := []string{reminderBy + "2 pending uploads exist only on this Mac. Last backup: yesterday." + actions}
	if got := h.notifications(); !equalLines(got, want) {
		t.Errorf("notifications:\n%s", diffLines(got, want))
	}
	if s := h.settled(); s.Menu.WarningLine != "Last backup yesterday — back up now" {
		t.Errorf("warning line = %q", s.Menu.WarningLine)
	}
	// Remembered across launches: no second reminder within the day.
	st, err := loadAppState(h.c.statePath)
	if err != nil || !st.LastReminded.Equal(t0.Add(4*time.Hour)) {
		t.Errorf("app state = %+v, %v; want last reminded at %v", st, err, t0.Add(4*time.Hour))
	}
	h.clock.Advance(23 * time.Hour)
	h.settled()
	if got := len(h.notes.Notifications()); got != 1 {
		t.Errorf("reminders within one day = %d, want 1", got)
	}

	// "Back Up Now" on the notification backs up; the reminder stops.
	h.c.NotificationAction(noteIDReminder, notify.BackupNow.ID)
	h.waitFor("Back Up Now", func() bool { return len(h.effectsSeen()) == 2 })
	if got, want := h.effectsSeen(), []string{"open backups", "choose folder (purpose 1) from \"" + h.home + "\""}; !equalLines(got, want) {
		t.Errorf("Back Up Now without a folder:\n%s", diffLines(got, want))
	}
}

func TestSnoozeDelaysTheReminder(t *testing.T) {
	h := newHarness(t, harnessOptions{cfg: func(c *config.Config) {
		c.Backup.Schedule = "daily"
		c.Backup.SnoozedUntil = t0.Add(2 * time.Hour)
	}})
	h.addPending(1, t0.Add(-time.Hour))
	if err := h.c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.settled()
	if got := h.notifications(); len(got) != 0 {
		t.Fatalf("reminded while snoozed: %q", got)
	}
	h.clock.Advance(2 * time.Hour)
	h.waitFor("reminder after the snooze", func() bool { return len(h.notes.Notifications()) == 1 })
}

func TestDatabaseGoneRaisesTheAlarm(t *testing.T) {
	h := newHarness(t, harnessOptions{server: smallServer(), cfg: func(c *config.Config) { c.SyncIntervalMinutes = 0 }, start: true})
	h.settled()
	h.watcher.events <- watch.Event{Kind: watch.DatabaseGone, Path: h.dir.DB()}
	s := h.waitState("alarm", func(s State) bool { return s.Menu.Icon == IconAttention })
	if got, want := s.Menu.WarningLine, "The Stocksync database is missing — quit Stocksync and restore it from a backup"; got != want {
		t.Errorf("warning line = %q, want %q", got, want)
	}
	if s.Backups.App.CanBackUp {
		t.Errorf("backing up a missing database must be refused")
	}
	h.watcher.events <- watch.Event{Kind: watch.FolderGone, Path: h.dir.Root}
	s = h.waitState("folder alarm", func(s State) bool { return s.Menu.WarningLine == textFolderGone })
	want := []string{"data-gone: The Stocksync database is missing — It was deleted or moved while Stocksync was running. Put it back from the Trash or restore it from a backup before syncing again. [Open Backups]"}
	if got := h.notifications(); !equalLines(got, want) {
		t.Errorf("notifications (one alarm, not one per event):\n%s", diffLines(got, want))
	}
	// No sync into a database that is gone.
	h.c.SyncNow()
	if !h.c.State().Menu.SyncItem.Enabled {
		t.Errorf("a sync started with the database gone")
	}
	h.c.NotificationAction(noteIDDataGone, "")
	h.waitFor("open backups", func() bool { return len(h.effectsSeen()) == 1 })
}

func TestLocalChangeUpdatesThePanel(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	if s := h.settled(); len(s.Backups.AtRisk) != 0 {
		t.Fatalf("at risk before any change: %q", s.Backups.AtRisk)
	}
	h.addPending(4, t0)
	h.watcher.events <- watch.Event{Kind: watch.LocalDataChanged}
	s := h.waitState("new counts", func(s State) bool { return len(s.Backups.AtRisk) == 1 })
	if got, want := s.Backups.AtRisk[0], "4 pending uploads"; got != want {
		t.Errorf("at risk = %q, want %q", got, want)
	}
	if got, want := s.Menu.WarningLine, "No backup yet — 4 changes exist only on this Mac"; got != want {
		t.Errorf("warning = %q, want %q", got, want)
	}
}

func TestWatchDeliversFullStateThenChangesAndNeverBlocks(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	release := make(chan struct{})
	var mu sync.Mutex
	var got []State
	first := make(chan struct{})
	go h.c.Watch(ctx, func(s State) {
		mu.Lock()
		got = append(got, s)
		n := len(got)
		mu.Unlock()
		if n == 1 {
			close(first)
			<-release // a slow frontend
		}
	})
	<-first
	if got[0].Backups.DataDir != h.dir.Root || got[0].Menu.SyncItem.Title != "Sync Now" {
		t.Errorf("first published state is not the full state:\n%s", got[0])
	}
	// While the watcher is stuck, the controller keeps going: these return.
	for _, on := range []bool{true, false, true} {
		h.c.SetPush(on)
	}
	close(release)
	h.waitFor("latest state", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= 2 && got[len(got)-1].Menu.PushChecked
	})
	mu.Lock()
	n := len(got)
	mu.Unlock()
	if n != 2 {
		t.Errorf("watcher got %d states, want 2 (the full one, then only the latest)", n)
	}
	cancel()
}

func TestCloseStopsEverything(t *testing.T) {
	h := newHarness(t, harnessOptions{server: smallServer(), start: true})
	done := make(chan struct{})
	go func() {
		h.c.Watch(context.Background(), func(State) {})
		close(done)
	}()
	if err := h.c.Close(); err != nil {
		t.Fatal(err)
	}
	<-done // Watch returns on Close
	if err := h.c.Start(context.Background()); err == nil {
		t.Errorf("Start after Close succeeded")
	}
	h.c.SyncNow() // intents after Close do nothing and do not hang
	h.c.BackUpNow()
}
