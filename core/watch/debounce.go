package watch

import "time"

// debounce folds changes together: an event goes out once changes pause for
// the debounce period, or when the first pending change is maxDelay old.
type debounce struct {
	pending int
	first   time.Time
}

// add notes a change at now and returns how long to wait before flushing.
func (d *debounce) add(now time.Time, debounce, maxDelay time.Duration) time.Duration {
	if d.pending == 0 {
		d.first = now
	}
	d.pending++
	wait := debounce
	if left := d.first.Add(maxDelay).Sub(now); left < wait {
		wait = left
	}
	return max(wait, 0)
}

// Clock is the time source; tests inject a fake.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is the part of *time.Timer the watcher uses.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
	Reset(d time.Duration) bool
}

type realClock struct{}

func (realClock) Now() time.Time                 { return time.Now() }
func (realClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }
