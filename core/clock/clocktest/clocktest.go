// Package clocktest has a clock.Clock that moves only when a test says, and
// counts the timer calls it made (the process's wake-ups).
package clocktest

import (
	"sort"
	"sync"
	"time"

	"github.com/stocksync/stocksync/core/clock"
)

// Fake is a clock.Clock for tests. Timers due by the new time fire in time
// order, synchronously, on the goroutine that called Advance. It is safe for
// concurrent use.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	timers []*timer
	fired  int
	onArm  func(time.Duration)
}

type timer struct {
	c       *Fake
	at      time.Time
	f       func()
	stopped bool
}

// New returns a Fake showing t.
func New(t time.Time) *Fake { return &Fake{now: t} }

var _ clock.Clock = (*Fake)(nil)

// Now is the fake time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc arms a timer that Advance fires once d has passed.
func (c *Fake) AfterFunc(d time.Duration, f func()) clock.Timer {
	c.mu.Lock()
	t := &timer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	onArm := c.onArm
	c.mu.Unlock()
	if onArm != nil {
		onArm(d)
	}
	return t
}

// OnArm makes fn see the delay of every timer armed from now on; fn runs on
// the arming goroutine, without the clock's lock.
func (c *Fake) OnArm(fn func(d time.Duration)) {
	c.mu.Lock()
	c.onArm = fn
	c.mu.Unlock()
}

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	return was
}

// Advance moves the clock by d, firing every timer that falls due on the
// way at its own time, including timers those calls arm.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
		var next *timer
		for i, t := range c.timers {
			if t.stopped {
				continue
			}
			if !t.at.After(target) {
				next = t
				c.timers = append(c.timers[:i:i], c.timers[i+1:]...)
			}
			break
		}
		if next == nil {
			c.now = target
			c.dropStopped()
			c.mu.Unlock()
			return
		}
		next.stopped = true
		c.fired++
		if next.at.After(c.now) {
			c.now = next.at
		}
		c.mu.Unlock()
		next.f()
	}
}

// Jump moves the clock by d without firing any timer, as when a Mac
// sleeps: timers due meanwhile fire at the next Advance.
func (c *Fake) Jump(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *Fake) dropStopped() {
	kept := c.timers[:0]
	for _, t := range c.timers {
		if !t.stopped {
			kept = append(kept, t)
		}
	}
	c.timers = kept
}

// Fired is how many timer calls Advance has made: the wake-ups a real
// clock would have caused.
func (c *Fake) Fired() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fired
}

// Pending lists when the live timers are due, soonest first.
func (c *Fake) Pending() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var at []time.Time
	for _, t := range c.timers {
		if !t.stopped {
			at = append(at, t.at)
		}
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	return at
}
