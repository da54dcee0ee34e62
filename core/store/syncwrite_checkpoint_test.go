package store

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The sync writer's commits are copied from the WAL into the database file
// by a background checkpoint, not by the writer (whose own automatic
// checkpoint is switched off here), and Close waits for it.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.w.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var list []Batch
	for i := range checkpointEvery {
		list = append(list, Batch{ID: strconv.Itoa(i + 1), ServerVersion: "v"})
	}
	if _, err := db.UpsertBatchList(ctx, list, now); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	before := st.Size()
	for _, b := range list {
		if _, err := db.WriteBatchContributions(ctx, b.ID, "v", benchFiles(b.ID, 50), now); err != nil {
			t.Fatal(err)
		}
	}
	db.ckpt.wg.Wait()
	st, _ = os.Stat(p)
	if st.Size() < before+int64(checkpointEvery*50*500) {
		t.Errorf("database file %d bytes after %d batches (%d before): the WAL was not checkpointed", st.Size(), len(list), before)
	}
	var busy, log, done int
	if err := db.w.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &done); err != nil || log != done {
		t.Errorf("checkpoint after: %d of %d frames, %v", done, log, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db.afterSyncCommit() // after Close: starts nothing
	for range checkpointEvery {
		db.afterSyncCommit()
	}
	if db.ckpt.running.Load() {
		t.Error("a checkpoint started after Close")
	}
}
