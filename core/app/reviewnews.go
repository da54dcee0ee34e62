package app

import (
	"context"
	"time"

	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/store"
)

// reviewNewsWindow bounds how far back the decisions read after a sync may
// have happened (store.ReviewEvent.At): a decision older than this, or than
// a day before the previous sync, is not news however late a sync sees it.
const reviewNewsWindow = 30 * 24 * time.Hour

// reviewNews are the inspectors' decisions (accepted, sent back for
// revision, rejected) that the syncs since the last look recorded as
// review events (store.ReviewEvents, derived from status changes each sync
// observes; ESP has no review history), a notification per outcome.
//
// What was seen is remembered in app-state.json as the highest event ID
// (appState.ReviewEventsSeen), so decisions a `stocksync sync` in Terminal
// recorded between two of the app's syncs are news too, and a restart
// repeats nothing. The first look (no mark yet, a first sync, or a
// database whose events end below the mark, as after a restore) only sets
// the mark: a portfolio's history is not news. lastSync is when the
// previous sync started (zero: none). persist reports that the mark moved.
func (c *Controller) reviewNews(ctx context.Context, firstSync bool, lastSync time.Time) (notes []notify.Notification, persist bool) {
	since := c.clock.Now().Add(-reviewNewsWindow)
	if !lastSync.IsZero() && lastSync.Add(-24*time.Hour).Before(since) {
		since = lastSync.Add(-24 * time.Hour)
	}
	events, err := c.db.ReviewEvents(ctx, store.ReviewEventFilter{Since: since, DecisionsOnly: true})
	if err != nil {
		c.log.sync.Error("read the review events", "err", err)
		return nil, false
	}
	var newest int64
	for _, e := range events {
		newest = max(newest, e.ID)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	seen, known := c.f.app.ReviewEventsSeen, c.f.app.ReviewEventsKnown
	if !known || firstSync || newest < seen {
		persist = !known || seen != newest
		c.f.app.ReviewEventsSeen, c.f.app.ReviewEventsKnown = newest, true
		return nil, persist
	}
	byOutcome := map[string][]store.ReviewEvent{}
	for _, e := range events {
		if e.ID > seen {
			byOutcome[e.Outcome] = append(byOutcome[e.Outcome], e)
		}
	}
	for _, o := range []string{store.BucketAccepted, store.BucketRevisable, store.BucketRejected} {
		if evs := byOutcome[o]; len(evs) > 0 {
			notes = append(notes, reviewNote(o, evs))
		}
	}
	if newest > seen {
		c.f.app.ReviewEventsSeen, persist = newest, true
	}
	return notes, persist
}
