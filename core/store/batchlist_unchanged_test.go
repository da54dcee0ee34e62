package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// benchBatchRaw is a batch as ESP lists it, about 600 bytes.
const benchBatchRaw = `{"id":%q,"submission_name":"Autumn leaves %s","submission_type":"getty_creative_stills",` +
	`"status":"closed","note":"","created_at":"2026-10-19T09:00:00Z","updated_at":"2026-11-01T00:00:00Z",` +
	`"last_submitted_at":"2026-10-20T10:00:00Z","contributions_count":50,"submitted_contributions_count":50,` +
	`"contributions_awaiting_review_count":0,"reviewed_contributions_count":50,"revisable_contributions_count":0,` +
	`"approved_contributions_count":48,"rejected_contributions_count":2,"pending_contributions_count":0,` +
	`"is_getty":true,"is_istock":false,"istock_exclusive":false,"profile_id":1234567,"assignment_id":null}`

// batchList is n batches with raw JSON, as core/esp decodes them.
func batchList(n int) []Batch {
	out := make([]Batch, n)
	for i := range out {
		id := benchBatchID(i)
		out[i] = Batch{ID: id, Name: "Autumn leaves " + id, Type: "getty_creative_stills", Status: "closed",
			ServerVersion: "2026-11-01T00:00:00Z", Raw: []byte(fmt.Sprintf(benchBatchRaw, id, id))}
	}
	return out
}

func openBatchList(tb testing.TB, list []Batch) *DB {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(tb.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.UpsertBatchList(ctx, list, time.Now()); err != nil {
		tb.Fatal(err)
	}
	// Every batch fully synced, as before a no-change sync.
	if _, err := db.w.ExecContext(ctx, `UPDATE batches SET synced_version = server_version`); err != nil {
		tb.Fatal(err)
	}
	return db
}

// Issue 15: a batch whose raw JSON changed by one byte, with the same
// server fingerprint, is rewritten; the others are left as they were.
func TestUpsertBatchListRewritesABatchWhoseRawChanged(t *testing.T) {
	ctx := context.Background()
	list := batchList(50)
	db := openBatchList(t, list)
	changed := append([]Batch(nil), list...)
	b := changed[17]
	b.Raw = append([]byte(nil), b.Raw...)
	b.Raw[len(b.Raw)-2] = 'X' // "assignment_id":nulX
	b.Name = "Renamed"
	changed[17] = b
	if _, err := db.UpsertBatchList(ctx, changed, time.Now()); err != nil {
		t.Fatal(err)
	}
	var raw, name string
	if err := db.w.QueryRowContext(ctx, `SELECT raw, submission_name FROM batches WHERE id = ?`, b.ID).Scan(&raw, &name); err != nil {
		t.Fatal(err)
	}
	if raw != string(b.Raw) || name != "Renamed" {
		t.Errorf("batch %s after a one-byte change: name %q raw ...%q; want %q ...%q",
			b.ID, name, raw[len(raw)-8:], "Renamed", b.Raw[len(b.Raw)-8:])
	}
	if err := db.w.QueryRowContext(ctx, `SELECT raw FROM batches WHERE id = ?`, list[16].ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != string(list[16].Raw) {
		t.Errorf("an unchanged batch's raw JSON changed: %q", raw)
	}
}

// BenchmarkUpsertBatchListUnchanged is the store's share of a no-change
// sync: the list of 2,000 batches exactly as stored.
func BenchmarkUpsertBatchListUnchanged(b *testing.B) {
	ctx := context.Background()
	list := batchList(2000)
	db := openBatchList(b, list)
	now := time.Now()
	b.ResetTimer()
	for range b.N {
		res, err := db.UpsertBatchList(ctx, list, now)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Stale) != 0 {
			b.Fatalf("%d stale, want 0", len(res.Stale))
		}
	}
}
