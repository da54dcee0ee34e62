package backup

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
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

// fakeTimers lets the test fire the debounce timer itself.
type fakeTimers struct {
	mu      sync.Mutex
	pending []*fakeTimer
	armed   chan time.Duration
}

type fakeTimer struct {
	f       func()
	stopped bool
}

func (ft *fakeTimer) Stop() bool { was := !ft.stopped; ft.stopped = true; return was }

func (ft *fakeTimers) AfterFunc(d time.Duration, f func()) Stopper {
	ft.mu.Lock()
	t := &fakeTimer{f: f}
	ft.pending = append(ft.pending, t)
	ft.mu.Unlock()
	ft.armed <- d
	return t
}

// fire runs the latest timer unless it was stopped.
func (ft *fakeTimers) fire() bool {
	ft.mu.Lock()
	t := ft.pending[len(ft.pending)-1]
	ft.mu.Unlock()
	if t.stopped {
		return false
	}
	t.f()
	return true
}

func TestSafetySnapshotterDebouncesAndSkipsUnchanged(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	timers := &fakeTimers{armed: make(chan time.Duration, 10)}
	results := make(chan SafetyResult, 10)
	s := NewSafetySnapshotter(SafetySnapshotterOptions{Dir: f.dir, DB: f.db, Debounce: time.Minute, Now: f.clk.Now,
		AfterFunc: timers.AfterFunc, OnResult: func(r SafetyResult) { results <- r }})
	defer s.Close()

	// Three changes in a row: each restarts the debounce; only the last timer runs.
	for range 3 {
		s.Changed()
		if d := <-timers.armed; d != time.Minute {
			t.Fatalf("debounce %v, want 1m", d)
		}
	}
	if len(timers.pending) != 3 || !timers.pending[0].stopped || !timers.pending[1].stopped || timers.pending[2].stopped {
		t.Fatal("earlier timers were not stopped")
	}
	timers.fire()
	r := <-results
	if r.Err != nil || !r.Taken || !strings.Contains(r.Info.Reason, "local-only data changed") {
		t.Fatalf("first attempt %+v", r)
	}
	// A change that touches no local-only row (sync, the backup history): no new snapshot.
	if _, err := f.db.UpsertBatchList(ctx, nil, t0); err != nil {
		t.Fatal(err)
	}
	s.Changed()
	<-timers.armed
	timers.fire()
	if r := <-results; r.Err != nil || r.Taken {
		t.Fatalf("unchanged local data: %+v", r)
	}
	// An edited local row is a change (row counts alone would miss it).
	if err := f.db.SetLocalPath(ctx, "c0", "/moved.jpg", t0); err != nil {
		t.Fatal(err)
	}
	s.Changed()
	<-timers.armed
	timers.fire()
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
	case d := <-timers.armed:
		t.Errorf("timer armed (%v) after Close", d)
	default:
	}
	if _, err := os.Stat(f.dir.Snapshots()); err != nil {
		t.Fatal(err)
	}
}
