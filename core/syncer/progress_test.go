package syncer

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// listener records the reports a reporter sends, in order.
type listener struct {
	mu   sync.Mutex
	got  []Progress
	sent chan struct{} // one value per report, for a test to wait on
}

func newListener() *listener { return &listener{sent: make(chan struct{}, 1024)} }

func (l *listener) fn(p Progress) {
	l.mu.Lock()
	l.got = append(l.got, p)
	l.mu.Unlock()
	l.sent <- struct{}{}
}

func (l *listener) reports() []Progress {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Progress(nil), l.got...)
}

func newTestReporter(l *listener) *reporter {
	return &reporter{fn: l.fn, every: 250 * time.Millisecond, now: time.Now, start: time.Now()}
}

// A burst of updates within one interval gives one report at once and one
// trailing report with the burst's last counts when the interval ends:
// the listener never stays on stale counts, and gets no more than that.
func TestProgressTrailingReportCarriesLastCounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newListener()
		r := newTestReporter(l)
		r.update(func(p *Progress) { p.Phase, p.FilesTotal = PhaseFiles, 1000 })
		for range 1000 {
			r.update(func(p *Progress) { p.FilesDone++ })
		}
		synctest.Wait()
		if got := l.reports(); len(got) != 1 || got[0].FilesDone != 0 {
			t.Fatalf("during the burst: %d reports %+v, want only the phase change", len(got), got)
		}
		<-l.sent // the phase change
		<-l.sent // the trailing report: the timer fires once the bubble waits
		synctest.Wait()
		got := l.reports()
		if len(got) != 2 || got[1].Phase != PhaseFiles || got[1].FilesDone != 1000 {
			t.Fatalf("after the interval: %+v, want a second report with all 1000 files", got)
		}
		// Nothing more is pending: no further report, however long the run pauses.
		time.Sleep(10 * time.Second) // fake time inside the bubble
		synctest.Wait()
		if n := len(l.reports()); n != 2 {
			t.Errorf("%d reports after a pause, want still 2", n)
		}
	})
}

// Updates spread out over time are reported at most once per interval, and
// each report carries the counts as of when it went out.
func TestProgressThrottledToOneReportPerInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newListener()
		r := newTestReporter(l)
		r.update(func(p *Progress) { p.Phase = PhaseFiles })
		// 100 updates 9 ms apart: 900 ms of fake time (no update falls on a
		// multiple of 250 ms, where it would tie with the timer).
		for range 100 {
			time.Sleep(9 * time.Millisecond)
			r.update(func(p *Progress) { p.FilesDone++ })
		}
		time.Sleep(time.Second)
		synctest.Wait()
		got := l.reports()
		// The phase change at 0, then one every 250 ms up to 1 s (the last
		// update, at 900 ms, goes out at 1 s).
		if len(got) != 5 {
			t.Fatalf("%d reports, want 5: %+v", len(got), got)
		}
		for i := 1; i < len(got); i++ {
			if gap := got[i].Elapsed - got[i-1].Elapsed; gap < r.every {
				t.Errorf("reports %d and %d only %v apart", i-1, i, gap)
			}
			if got[i].FilesDone < got[i-1].FilesDone {
				t.Errorf("report %d went back from %d to %d files", i, got[i-1].FilesDone, got[i].FilesDone)
			}
		}
		if last := got[len(got)-1]; last.FilesDone != 100 {
			t.Errorf("last report has %d files, want 100", last.FilesDone)
		}
	})
}

// A phase change goes out at once, after the ending phase's held-back
// counts; the final report (PhaseDone) goes out at once with everything,
// and nothing follows it: no trailing report, no later update.
func TestProgressPhaseChangeAndFinalReport(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newListener()
		r := newTestReporter(l)
		r.update(func(p *Progress) { p.Phase = PhaseListing })
		r.update(func(p *Progress) { p.Phase, p.BatchesTotal, p.FilesTotal = PhaseFiles, 3, 30 })
		for range 3 {
			r.update(func(p *Progress) { p.BatchesDone++; p.FilesDone += 10 })
		}
		r.update(func(p *Progress) { p.Phase, p.Requests = PhaseDone, 7 })
		got := l.reports() // sent at once, on this goroutine: no waiting
		want := []struct {
			phase Phase
			files int
		}{{PhaseListing, 0}, {PhaseFiles, 0}, {PhaseFiles, 30}, {PhaseDone, 30}}
		if len(got) != len(want) {
			t.Fatalf("%d reports %+v, want %d", len(got), got, len(want))
		}
		for i, w := range want {
			if got[i].Phase != w.phase || got[i].FilesDone != w.files {
				t.Errorf("report %d: %s with %d files, want %s with %d", i, got[i].Phase, got[i].FilesDone, w.phase, w.files)
			}
		}
		if d := got[3]; d.BatchesDone != 3 || d.Requests != 7 {
			t.Errorf("final report %+v, want 3 batches and 7 requests", d)
		}
		r.update(func(p *Progress) { p.Errors++ })
		time.Sleep(time.Minute)
		synctest.Wait()
		if n := len(l.reports()); n != 4 {
			t.Errorf("%d reports, want nothing after the final one", n)
		}
		if s := r.snapshot(); s.Errors != 1 {
			t.Errorf("snapshot %+v, want the late update kept", s)
		}
	})
}

// Updates from several goroutines (the writer, the watchdog) reach the
// listener one at a time, never with counts going back, and the final
// report has them all.
func TestProgressConcurrentUpdatesInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newListener()
		r := newTestReporter(l)
		r.update(func(p *Progress) { p.Phase = PhaseFiles })
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 50 {
					r.update(func(p *Progress) { p.FilesDone++ })
					time.Sleep(7 * time.Millisecond)
				}
			})
		}
		wg.Wait()
		r.update(func(p *Progress) { p.Phase = PhaseDone })
		got := l.reports()
		for i := 1; i < len(got); i++ {
			if got[i].FilesDone < got[i-1].FilesDone {
				t.Fatalf("report %d went back from %d to %d files", i, got[i-1].FilesDone, got[i].FilesDone)
			}
		}
		if last := got[len(got)-1]; last.Phase != PhaseDone || last.FilesDone != 200 {
			t.Errorf("final report %+v, want done with 200 files", last)
		}
	})
}

// Without a listener the counts are still kept (Run's snapshot) and no
// timer is armed.
func TestProgressWithoutListener(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &reporter{every: 250 * time.Millisecond, now: time.Now, start: time.Now()}
		for range 10 {
			r.update(func(p *Progress) { p.FilesDone++ })
		}
		if r.timer != nil || r.snapshot().FilesDone != 10 {
			t.Errorf("timer %v, snapshot %+v", r.timer, r.snapshot())
		}
	})
}
