package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"
)

// Local-only writes are fsynced on commit (FULL); server data is not (NORMAL).
func TestWriteDurability(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	level := func(w func(context.Context, func(*sql.Tx) error) error) int {
		var got int
		if err := w(ctx, func(tx *sql.Tx) error { return tx.QueryRow("PRAGMA synchronous").Scan(&got) }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	for i := 0; i < 2; i++ { // and again: the connection must be back to NORMAL after a durable write
		if got := level(db.Write); got != 2 {
			t.Errorf("Write: synchronous = %d, want 2 (FULL)", got)
		}
		if got := level(db.writeRefetchable); got != 1 {
			t.Errorf("writeRefetchable: synchronous = %d, want 1 (NORMAL)", got)
		}
	}
}

// Regression: a write whose context ended reported "transaction has already
// been committed or rolled back" instead of the cancellation.
func TestCancelledWriteSaysCancelled(t *testing.T) {
	db := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.Write(ctx, func(tx *sql.Tx) error {
		cancel()
		_, err := tx.Exec(`INSERT INTO sync_runs (started_at) VALUES ('x')`)
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var n int
	db.r.QueryRow(`SELECT count(*) FROM sync_runs`).Scan(&n)
	if n != 0 {
		t.Errorf("cancelled write committed %d rows", n)
	}
}
