package backup

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/clock/clocktest"
)

func TestSafetySnapshotsKeepNewestFive(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var last Info
	for i := range 7 {
		info, err := SafetySnapshot(ctx, SafetyOptions{Dir: f.dir, DB: f.db, Reason: "test " + string(rune('a'+i)), Now: f.clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		last = info
	}
	list, err := List(f.dir.Snapshots())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != SafetyKeep || list[0].Name != last.Name || list[0].Reason != "test g" || list[0].Kind != KindSafety {
		t.Errorf("safety snapshots %v: want the newest %d, newest first", names(list), SafetyKeep)
	}
	if list[0].ThumbnailsIncluded {
		t.Error("safety snapshots carry no thumbnails")
	}
}

func TestBeforeMigrateTakesSafetySnapshot(t *testing.T) {
	f := newFixture(t)
	hook := BeforeMigrate(f.dir, f.clk.Now)
	if err := hook(context.Background(), 1, 2); err != nil {
		t.Fatal(err)
	}
	list, _ := List(f.dir.Snapshots())
	if len(list) != 1 || list[0].Reason != "before upgrading the database from schema 1 to 2" || list[0].LocalOnly["pending_uploads"] != 3 {
		t.Fatalf("safety snapshots %+v", list)
	}
	if rep, err := Verify(context.Background(), list[0].Path, VerifyOptions{}); err != nil || !rep.OK {
		t.Errorf("%v %+v", err, rep.Findings)
	}
}

func TestSafetySnapshotterDebouncesAndSkipsUnchanged(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	clk := clocktest.New(t0)
	armed := make(chan time.Duration, 10)
	clk.OnArm(func(d time.Duration) { armed <- d })
	results := make(chan SafetyResult, 10)
	s := NewSafetySnapshotter(SafetySnapshotterOptions{Dir: f.dir, DB: f.db, Debounce: time.Minute, Clock: clk,
		OnResult: func(r SafetyResult) { results <- r }})
	defer s.Close()
	// fire lets the debounce run out: the timer fires on this goroutine.
	fire := func() { clk.Advance(time.Minute) }

	// Three changes in a row: each restarts the debounce; only the last timer runs.
	for range 3 {
		s.Changed()
		if d := <-armed; d != time.Minute {
			t.Fatalf("debounce %v, want 1m", d)
		}
	}
	if p := clk.Pending(); len(p) != 1 {
		t.Fatalf("%d timers live, want 1: earlier ones were not stopped", len(p))
	}
	fire()
	if n := clk.Fired(); n != 1 {
		t.Fatalf("%d timers fired, want 1", n)
	}
	r := <-results
	if r.Err != nil || !r.Taken || !strings.Contains(r.Info.Reason, "local-only data changed") {
		t.Fatalf("first attempt %+v", r)
	}
	// A change that touches no local-only row (sync, the backup history): no new snapshot.
	if _, err := f.db.UpsertBatchList(ctx, nil, t0); err != nil {
		t.Fatal(err)
	}
	s.Changed()
	<-armed
	fire()
	if r := <-results; r.Err != nil || r.Taken {
		t.Fatalf("unchanged local data: %+v", r)
	}
	// An edited local row is a change (row counts alone would miss it).
	if err := f.db.SetLocalPath(ctx, "c0", "/moved.jpg", t0); err != nil {
		t.Fatal(err)
	}
	s.Changed()
	<-armed
	fire()
	if r := <-results; r.Err != nil || !r.Taken {
		t.Fatalf("changed local path: %+v", r)
	}
	list, _ := List(f.dir.Snapshots())
	if len(list) != 2 {
		t.Errorf("%d safety snapshots, want 2", len(list))
	}
	run, err := f.db.LastBackupRun(ctx, KindSafety, true)
	if err != nil || run.Path != list[0].Path {
		t.Errorf("history %+v %v", run, err)
	}

	s.Close()
	s.Changed() // after Close: ignored
	select {
	case d := <-armed:
		t.Errorf("timer armed (%v) after Close", d)
	default:
	}
	if _, err := os.Stat(f.dir.Snapshots()); err != nil {
		t.Fatal(err)
	}
}
