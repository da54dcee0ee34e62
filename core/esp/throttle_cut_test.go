package esp

import (
	"math"
	"testing"
	"time"
)

// cutAfter feeds a controller successful answers at the given spacings,
// then one throttle while it sends at rate, and returns the rate after the cut.
func cutAfter(rate float64, gaps ...time.Duration) float64 {
	a := newAdaptive(20, 0, minAdaptiveRate, 8, 8)
	now := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	a.succeeded(now)
	for _, g := range gaps {
		now = now.Add(g)
		a.succeeded(now)
	}
	a.rate = rate
	a.throttled(now.Add(100 * time.Millisecond))
	return a.rate
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

// Issue 15: a throttle while probing just past ESP's limit cuts the rate to
// 95% of what ESP was seen to accept, not to half: halving left a paced
// client far below the limit after every probe (1.26 × the ideal time).
func TestThrottleCutsToTheAcceptedRate(t *testing.T) {
	ms := time.Millisecond
	// Accepted one each 200 ms (5/s), throttled at 5.2/s: 4.75/s.
	if got := cutAfter(5.2, 200*ms, 200*ms, 200*ms, 200*ms, 200*ms); !near(got, 4.75) {
		t.Errorf("rate after the cut %.3f, want 4.75", got)
	}
	// The gap a throttled request and its retry left does not pull the
	// estimate down (median spacing).
	if got := cutAfter(5.2, 200*ms, 400*ms, 200*ms, 200*ms, 200*ms); !near(got, 4.75) {
		t.Errorf("rate after the cut with one long gap %.3f, want 4.75", got)
	}
	// Too few answers for an estimate: halve, as AIMD does.
	if got := cutAfter(20, 50*ms); !near(got, 10) {
		t.Errorf("rate after the cut with no estimate %.3f, want 10", got)
	}
	// A client that was sending slower than its answers came: never above
	// 95% of the rate that was throttled.
	if got := cutAfter(5, 100*ms, 100*ms, 100*ms, 100*ms); !near(got, 4.75) {
		t.Errorf("rate after the cut %.3f, want 4.75 (never above the throttled rate)", got)
	}
	// Answers accepted far slower than sent (a burst mostly throttled):
	// at most half the throttled rate is given up.
	if got := cutAfter(20, time.Second/3, time.Second/3, time.Second/3); !near(got, 10) {
		t.Errorf("rate after the cut %.3f, want 10 (half of 20)", got)
	}
	// Answers older than the window do not count.
	if got := cutAfter(8, 200*ms, 200*ms, 200*ms, 3*time.Second); !near(got, 4) {
		t.Errorf("rate after the cut with stale answers %.3f, want 4", got)
	}
}
