package watch

import (
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/clock/clocktest"
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

// With an injected clock the debounce is exact: four settings saves 1.5s
// apart arm the timer for 2s, 2s, 2s and then only the 0.5s left of the 5s
// maximum; firing it gives one event counting the four.
func TestWatcherDebounceWithFakeClock(t *testing.T) {
	d := newDir(t)
	clk := clocktest.New(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	armed := make(chan time.Duration, 1)
	clk.OnArm(func(d time.Duration) { armed <- d })
	w := start(t, d, Options{Debounce: 2 * time.Second, MaxDelay: 5 * time.Second, Clock: clk})
	want := []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second, 500 * time.Millisecond}
	for i, wd := range want {
		if i > 0 {
			clk.Advance(1500 * time.Millisecond)
		}
		if err := atomicfile.WriteFile(d.Config(), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-armed:
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
	clk.Advance(500 * time.Millisecond)
	ev := expect(t, w, LocalDataChanged)
	if ev.Changes != 4 || !ev.Time.Equal(clk.Now()) {
		t.Errorf("event %v at %v, want 4 changes at %v", ev, ev.Time, clk.Now())
	}
}
