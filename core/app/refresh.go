package app

import (
	"context"
	"time"

	"github.com/stocksync/stocksync/core/timemachine"
)

// refreshDBFacts rereads what the database says: counts, the last sync, the
// last backups and what changed since the last backup. It does not publish.
func (c *Controller) refreshDBFacts(ctx context.Context) { c.readDB(ctx, false) }

// readDB is refreshDBFacts; while this process syncs, the last finished
// sync is left as it was (the run's own outcome, read with afterSync, replaces
// it together with the run's result) so the menu never shows a half-told
// outcome.
func (c *Controller) readDB(ctx context.Context, afterSync bool) {
	d := readDBFacts(ctx, c.db)
	c.mu.Lock()
	tmLast := tmBackupTime(c.f)
	c.mu.Unlock()
	last := d.snapshot.StartedAt
	if tmLast.After(last) {
		last = tmLast
	}
	since, sinceErr := c.db.LocalChangesSince(ctx, last, c.clock.Now())
	if d.err != nil {
		c.log.db.Error("read the database", "err", d.err)
	}
	if sinceErr != nil {
		c.log.db.Error("read what changed since the last backup", "err", sinceErr)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	c.f.summaryErr = d.err
	if d.err == nil {
		c.f.summary = d.summary
		if afterSync || !c.f.sync.running {
			c.f.lastFinished = d.finished
		}
		c.f.backup.lastSnapshot = d.snapshot
		c.f.backup.lastAttempt = d.attempt
		c.f.backup.lastVerify = d.checked
	}
	c.f.sinceErr = sinceErr
	if sinceErr == nil {
		c.f.lastBackup, c.f.sinceBackup = last, since
	}
}

// tmBackupTime is the latest Time Machine backup when it counts: Time
// Machine includes the data folder.
func tmBackupTime(f facts) time.Time {
	if f.tmKnown && f.tm.IncludesFolder() && f.tm.LatestErr == nil && f.tm.Latest.State == timemachine.BackupFound {
		return f.tm.Latest.Time
	}
	return time.Time{}
}

// refreshTimeMachine asks Time Machine about the data folder.
func (c *Controller) refreshTimeMachine(ctx context.Context) {
	st := c.deps.TimeMachine.Status(ctx, c.dir.Root)
	if ctx.Err() != nil {
		return
	}
	c.update(func() { c.f.tm, c.f.tmKnown = st, true })
}

// excludeThumbnailsFromTM keeps thumbnails (re-fetchable) out of Time
// Machine when it backs up the data folder. The exclusion is sticky and
// idempotent, so doing it at each launch also covers a re-created folder.
func (c *Controller) excludeThumbnailsFromTM(ctx context.Context) {
	c.mu.Lock()
	st := c.f.tm
	c.mu.Unlock()
	if st.Available && st.IncludesFolder() {
		if err := c.deps.TimeMachine.ExcludeCache(ctx, c.dir.Thumbnails()); err != nil && ctx.Err() == nil {
			c.log.tm.Warn("keep thumbnails out of Time Machine", "path", c.dir.Thumbnails(), "err", err)
		}
	}
}

// refreshLogin reads the launch-at-login state.
func (c *Controller) refreshLogin(ctx context.Context) {
	st, err := c.deps.Login.Status(ctx)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		c.log.login.Warn("read the Open at Login state", "err", err)
	}
	c.update(func() {
		c.f.login, c.f.loginErr, c.f.loginKnown = st, err, true
	})
}
