package app

import (
	"context"
	"time"

	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/reminder"
)

// checkReminders applies the reminder policy: it rereads the database, shows
// a reminder or the one-time Time Machine warning when due, and arms the
// timer for the next check.
func (c *Controller) checkReminders(ctx context.Context) {
	c.refreshDBFacts(ctx)
	if ctx.Err() != nil {
		return
	}
	c.mu.Lock()
	now := c.clock.Now()
	f := c.f
	in := reminder.Input{
		Now:           now,
		Schedule:      scheduleOf(f.cfg),
		LastAppBackup: f.backup.lastSnapshot.StartedAt,
		AtRisk: reminder.AtRisk{
			PendingUploads: f.sinceBackup.PendingUploads,
			LocalEdits:     f.sinceBackup.LocalEdits,
			LocalPaths:     f.sinceBackup.LocalPaths,
		},
		SnoozedUntil: f.cfg.Backup.SnoozedUntil,
		LastReminded: f.app.LastReminded,
		WarnedTM:     f.app.WarnedTM || !f.tmKnown,
	}
	if f.tmKnown && f.tm.Available {
		in.TMAvailable = true
		in.TMIncludesFolder = f.tm.IncludesFolder()
		in.TMExcluded = f.tm.ExclusionErr == nil && f.tm.Exclusion.Excluded
		in.TMHasDestination = f.tm.HasDestination()
		in.LastTimeMachineBackup = tmBackupTime(f)
	}
	d := reminder.Decide(in)
	var notes []notify.Notification
	st := c.f.app
	if d.Remind {
		st.LastReminded = now
		notes = append(notes, reminderNote(d.Title, d.Body))
	}
	if d.Warning != nil {
		st.WarnedTM = true
		notes = append(notes, notify.Notification{
			ID: noteIDTMWarning, Title: d.Warning.Title, Body: d.Warning.Body,
			Actions: []notify.Action{notify.OpenBackups},
		})
	}
	changed := st != c.f.app
	c.f.app = st
	c.scheduleRemindersLocked(now, d.NextCheck)
	c.publishLocked()
	c.mu.Unlock()

	if changed {
		c.persistAppState()
	}
	c.notify(ctx, notes...)
}

// scheduleRemindersLocked arms the next check at next, and at the latest
// recheckEvery from now so that Time Machine's state is read again.
func (c *Controller) scheduleRemindersLocked(now, next time.Time) {
	wait := recheckEvery
	if !next.IsZero() {
		wait = min(wait, max(next.Sub(now), 0))
	}
	c.recheckDue = now.Add(wait)
	c.armLocked()
}

// notify shows notifications; a failure is kept for the Settings window,
// where the user can see why nothing appears.
func (c *Controller) notify(ctx context.Context, notes ...notify.Notification) {
	for _, n := range notes {
		err := c.deps.Notifier.Notify(ctx, n)
		if err != nil && ctx.Err() == nil {
			c.log.notify.Warn("show a notification", "id", n.ID, "err", err)
		}
		c.update(func() {
			c.f.notifyErr = ""
			if err != nil {
				c.f.notifyErr = notificationsFailed(err)
			}
		})
	}
}
