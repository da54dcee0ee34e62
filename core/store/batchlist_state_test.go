package store

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

func readState(t *testing.T, db *DB) *BatchListState {
	t.Helper()
	st, err := db.ReadBatchListState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func upsertFrom(t *testing.T, db *DB, st *BatchListState, list []Batch) BatchListResult {
	t.Helper()
	res, err := db.UpsertBatchListFrom(context.Background(), st, list, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// With nothing changed since the state was read, the batch list is
// compared against it (and not read again): a state doctored after reading
// shows through, which is how this test tells the two apart.
func TestUpsertBatchListFromUsesAStateNothingChangedSince(t *testing.T) {
	list := batchList(2000)
	db := openBatchList(t, list)
	st := readState(t, db)
	if n := rowsChanged(t, db, func() { upsertFrom(t, db, st, list) }); n != 0 {
		t.Fatalf("unchanged list against its state changed %d rows, want 0", n)
	}
	// One byte deep in the list, compared against the state's raw JSON.
	raw := append([]byte(nil), list[1500].Raw...)
	raw[100] ^= 0x20
	st = readState(t, db)
	if n := rowsChanged(t, db, func() { upsertFrom(t, db, st, withRaw(list, 1500, raw)) }); n != 1 {
		t.Errorf("one changed byte against the state changed %d rows, want 1", n)
	}
	if got, _, _ := storedBatch(t, db, list[1500].ID); got != string(raw) {
		t.Errorf("batch not rewritten: %q", got)
	}
	st = readState(t, db)
	k := st.known[list[3].ID]
	k.raw = "doctored"
	st.known[list[3].ID] = k
	if n := rowsChanged(t, db, func() { upsertFrom(t, db, st, withRaw(list, 1500, raw)) }); n != 1 {
		t.Errorf("a state nothing changed since was not used: %d rows changed, want 1", n)
	}
}

// Any change to the batches between reading the state and storing the list
// — by this connection or another program — makes the list be compared
// against the batches as they are then, never against the stale state.
func TestUpsertBatchListFromRereadsAfterAChange(t *testing.T) {
	ctx := context.Background()
	list := batchList(100)

	t.Run("raw edited by another program", func(t *testing.T) {
		db := openBatchList(t, list)
		st := readState(t, db)
		other, err := sql.Open("sqlite", "file:"+db.path)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if _, err := other.Exec(`UPDATE batches SET raw = '{"id":"edited"}' WHERE id = ?`, list[70].ID); err != nil {
			t.Fatal(err)
		}
		if n := rowsChanged(t, db, func() { upsertFrom(t, db, st, list) }); n != 1 {
			t.Errorf("%d rows rewritten, want 1", n)
		}
		if raw, _, _ := storedBatch(t, db, list[70].ID); raw != string(list[70].Raw) {
			t.Errorf("raw %q left as edited, want ESP's", raw)
		}
	})

	t.Run("batch removed meanwhile", func(t *testing.T) {
		db := openBatchList(t, list)
		st := readState(t, db)
		without := append(append([]Batch(nil), list[:30]...), list[31:]...)
		if res := upsertList(t, db, without); res.Removed != 1 {
			t.Fatalf("removed %d, want 1", res.Removed)
		}
		res := upsertFrom(t, db, st, list)
		if len(res.Stale) != 1 || res.Stale[0].ID != list[30].ID {
			t.Errorf("stale %d, want batch %s (listed again after its removal)", len(res.Stale), list[30].ID)
		}
		if _, _, removed := storedBatch(t, db, list[30].ID); removed != "" {
			t.Errorf("batch listed again still removed at %s", removed)
		}
	})

	t.Run("batch synced meanwhile", func(t *testing.T) {
		db := openBatchList(t, list)
		moved := append([]Batch(nil), list...)
		moved[12].ServerVersion = "2026-11-29T00:00:00Z"
		if res := upsertList(t, db, moved); len(res.Stale) != 1 {
			t.Fatalf("stale %d, want 1", len(res.Stale))
		}
		st := readState(t, db) // batch 12 not synced at its new version yet
		if _, err := db.WriteBatchContributions(ctx, moved[12].ID, moved[12].ServerVersion, nil, time.Now()); err != nil {
			t.Fatal(err)
		}
		if res := upsertFrom(t, db, st, moved); len(res.Stale) != 0 {
			t.Errorf("stale %d after the batch was synced meanwhile, want 0", len(res.Stale))
		}
	})

	t.Run("state of another database", func(t *testing.T) {
		db := openBatchList(t, list)
		st := readState(t, openBatchList(t, batchList(3)))
		if res := upsertFrom(t, db, st, list); len(res.Stale) != 0 || res.Removed != 0 {
			t.Errorf("stale %d removed %d, want 0 and 0", len(res.Stale), res.Removed)
		}
	})
}

// BenchmarkUpsertBatchListFromState is the store's share of a no-change
// sync after the last page arrived, the stored batches read ahead (as the
// syncer does while the list is on the network; not timed here).
func BenchmarkUpsertBatchListFromState(b *testing.B) {
	ctx := context.Background()
	list := batchList(2000)
	db := openBatchList(b, list)
	now := time.Now()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		st, err := db.ReadBatchListState(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := db.UpsertBatchListFrom(ctx, st, list, now)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Stale) != 0 {
			b.Fatalf("%d stale, want 0", len(res.Stale))
		}
	}
}

// A database whose generation row or triggers were removed by hand cannot
// prove that nothing changed: no state is read ahead (no error either), and
// one read before the row went is not used; the list is stored as always.
func TestBatchListStateWithoutTheGeneration(t *testing.T) {
	list := batchList(20)
	for _, q := range []string{`DELETE FROM batches_generation`, `DROP TRIGGER batches_generation_update`} {
		t.Run(q, func(t *testing.T) {
			db := openBatchList(t, list)
			before := readState(t, db)
			if _, err := db.w.Exec(q); err != nil {
				t.Fatal(err)
			}
			if st := readState(t, db); st != nil {
				t.Errorf("state read ahead without a working generation")
			}
			k := before.known[list[5].ID]
			k.raw = "doctored"
			before.known[list[5].ID] = k
			if n := rowsChanged(t, db, func() { upsertFrom(t, db, before, list) }); n != 0 {
				t.Errorf("a state read before %q was used: %d rows changed, want 0", q, n)
			}
			if n := rowsChanged(t, db, func() { upsertFrom(t, db, nil, withRaw(list, 5, []byte(`{"id":"x"}`))) }); n != 1 {
				t.Errorf("%d rows changed, want 1", n)
			}
		})
	}
}

// Above readAheadRawMax stored batches the state holds hashes, not raw
// JSON (its memory stays bounded for the largest portfolios), and still
// finds one changed byte.
func TestBatchListStateOfManyBatchesHoldsHashes(t *testing.T) {
	defer func(n int) { readAheadRawMax = n }(readAheadRawMax)
	readAheadRawMax = 100
	list := batchList(101)
	db := openBatchList(t, list)
	st := readState(t, db)
	for id, k := range st.known {
		if k.hasRaw || k.raw != "" || !k.hasSHA {
			t.Fatalf("batch %s: raw held %v (%d bytes), hash %v; want the hash only", id, k.hasRaw, len(k.raw), k.hasSHA)
		}
	}
	if n := rowsChanged(t, db, func() { upsertFrom(t, db, st, list) }); n != 0 {
		t.Fatalf("unchanged list changed %d rows, want 0", n)
	}
	raw := append([]byte(nil), list[77].Raw...)
	raw[len(raw)/2] ^= 0x01
	st = readState(t, db)
	if n := rowsChanged(t, db, func() { upsertFrom(t, db, st, withRaw(list, 77, raw)) }); n != 1 {
		t.Errorf("one changed byte changed %d rows, want 1", n)
	}
	readAheadRawMax = 101
	if k := readState(t, db).known[list[0].ID]; !k.hasRaw {
		t.Error("at the bound the raw JSON is not held")
	}
}
