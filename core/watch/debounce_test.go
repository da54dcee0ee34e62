package watch

import (
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
)

func TestDebounceAdd(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		at    []time.Duration // change times after t0
		waits []time.Duration
	}{
		{"single", []time.Duration{0}, []time.Duration{2 * time.Second}},
		{"pauses restart the wait", []time.Duration{0, time.Second, 1500 * time.Millisecond}, []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}},
		{"never longer than max delay", []time.Duration{0, 2 * time.Second, 4 * time.Second, 4900 * time.Millisecond}, []time.Duration{2 * time.Second, 2 * time.Second, time.Second, 100 * time.Millisecond}},
		{"overdue flushes at once", []time.Duration{0, 6 * time.Second}, []time.Duration{2 * time.Second, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d debounce
			for i, at := range tt.at {
				if got := d.add(t0.Add(at), 2*time.Second, 5*time.Second); got != tt.waits[i] {
					t.Errorf("change %d: wait %v, want %v", i, got, tt.waits[i])
				}
			}
			if d.pending != len(tt.at) {
				t.Errorf("pending %d, want %d", d.pending, len(tt.at))
			}
		})
	}
}

// fakeClock reports every timer (re)arming and lets the test fire it.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	armed chan time.Duration
	c     chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) NewTimer(d time.Duration) Timer { c.armed <- d; return fakeTimer{c} }

type fakeTimer struct{ c *fakeClock }

func (f fakeTimer) C() <-chan time.Time        { return f.c.c }
func (f fakeTimer) Stop() bool                 { return true }
func (f fakeTimer) Reset(d time.Duration) bool { f.c.armed <- d; return true }

// With an injected clock the debounce is exact: four settings saves 1.5s
// apart arm the timer for 2s, 2s, 2s and then only the 0.5s left of the 5s
// maximum; firing it gives one event counting the four.
func TestWatcherDebounceWithFakeClock(t *testing.T) {
	d := newDir(t)
	clk := &fakeClock{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), armed: make(chan time.Duration, 1), c: make(chan time.Time, 1)}
	w := start(t, d, Options{Debounce: 2 * time.Second, MaxDelay: 5 * time.Second, Clock: clk})
	want := []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second, 500 * time.Millisecond}
	for i, wd := range want {
		if i > 0 {
			clk.advance(1500 * time.Millisecond)
		}
		if err := atomicfile.WriteFile(d.Config(), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-clk.armed:
			if got != wd {
				t.Errorf("save %d armed %v, want %v", i, got, wd)
			}
		case <-time.After(timeout):
			t.Fatalf("save %d armed no timer within %v", i, timeout)
		}
	}
	select {
	case ev := <-w.Events():
		t.Fatalf("event %v before the timer fired", ev)
	default:
	}
	clk.c <- clk.Now()
	ev := expect(t, w, LocalDataChanged)
	if ev.Changes != 4 || !ev.Time.Equal(clk.Now()) {
		t.Errorf("event %v at %v, want 4 changes at %v", ev, ev.Time, clk.Now())
	}
}
