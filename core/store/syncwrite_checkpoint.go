package store

import (
	"context"
	"sync"
	"sync/atomic"
)

// checkpointEvery is how many sync writer commits start a background
// checkpoint: about 350 WAL pages at 50 files per batch, well under the
// writer connection's own automatic checkpoint at 1,000 pages, which stays
// as the fallback if the background one falls behind.
const checkpointEvery = 8

// walCheckpointer moves the copying of the WAL into the database file off
// the sync writer (issue 15: it was an eighth of the writer's time, which
// on a 2-core Mac is the other core's work). After every checkpointEvery
// commits of the sync writer one PASSIVE checkpoint runs on a reader
// connection: it never blocks the writer or readers, and when it has copied
// everything, SQLite starts the WAL over at the writer's next transaction.
type walCheckpointer struct {
	commits atomic.Int64
	running atomic.Bool

	mu     sync.Mutex
	closed bool // Close is waiting: start no more
	wg     sync.WaitGroup
}

// afterSyncCommit counts a sync writer commit and starts a background
// checkpoint when one is due and none is running.
func (db *DB) afterSyncCommit() {
	c := &db.ckpt
	if c.commits.Add(1)%checkpointEvery != 0 || !c.running.CompareAndSwap(false, true) {
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.running.Store(false)
		return
	}
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		defer c.running.Store(false)
		// Best effort: a busy or closed database leaves the WAL to the
		// writer's own checkpoint, or to Close.
		db.r.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
	}()
}

// wait starts no more background checkpoints and returns when none is
// running (Close).
func (c *walCheckpointer) wait() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
}
