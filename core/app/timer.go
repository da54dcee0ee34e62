package app

import (
	"context"
	"time"
)

// armLocked keeps one timer armed for the earliest thing due: the automatic
// sync (syncDue) or the Time Machine and reminder check (recheckDue). An
// idle app thus wakes only when something is due, never on a tick;
// relative times ("5 minutes ago") are worded when a state is rendered
// (publishLocked, MenuOpened). Call it after changing syncDue or recheckDue.
func (c *Controller) armLocked() {
	next := c.syncDue
	if next.IsZero() || !c.recheckDue.IsZero() && c.recheckDue.Before(next) {
		next = c.recheckDue
	}
	if c.dueTimer != nil && c.dueAt.Equal(next) {
		return // armed for that already
	}
	c.disarmLocked()
	if next.IsZero() || c.closed || c.ctx == nil {
		return
	}
	c.dueGen++
	gen := c.dueGen
	c.dueAt = next
	c.dueTimer = c.afterLocked(max(next.Sub(c.clock.Now()), 0), func() {
		if gen == c.dueGen { // not replaced while this call waited for the lock
			c.fireDueLocked()
		}
	})
}

// disarmLocked stops the timer; armLocked arms it afresh. After a sleep the
// timer must be armed again even for the same due time: timers wait on a
// clock that does not run while the Mac sleeps.
func (c *Controller) disarmLocked() {
	if c.dueTimer != nil {
		c.dueTimer.Stop()
		c.dueTimer, c.dueAt = nil, time.Time{}
	}
}

// fireDueLocked does what has fallen due and re-arms the timer for the next.
func (c *Controller) fireDueLocked() {
	c.dueTimer, c.dueAt = nil, time.Time{}
	now := c.clock.Now()
	if !c.syncDue.IsZero() && !now.Before(c.syncDue) {
		c.syncDue = time.Time{}
		if !c.startSyncLocked() {
			c.scheduleSyncLocked()
		}
	}
	if !c.recheckDue.IsZero() && !now.Before(c.recheckDue) {
		c.recheckDue = time.Time{}
		c.goLocked(func(ctx context.Context) {
			c.refreshTimeMachine(ctx)
			c.checkReminders(ctx)
		})
	}
	c.armLocked()
}
