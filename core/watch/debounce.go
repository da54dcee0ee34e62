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
