package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// rowsChanged runs fn and returns how many batches rows it inserted or
// updated on the writer connection (counted by temporary triggers: SQLite's
// total_changes also counts schema 6's batches_generation updates).
func rowsChanged(t *testing.T, db *DB, fn func()) int {
	t.Helper()
	for _, q := range []string{
		`CREATE TEMP TABLE IF NOT EXISTS batch_writes (n INTEGER NOT NULL)`,
		`DELETE FROM temp.batch_writes`,
		`INSERT INTO temp.batch_writes VALUES (0)`,
		`CREATE TEMP TRIGGER IF NOT EXISTS batch_writes_insert AFTER INSERT ON main.batches
			BEGIN UPDATE batch_writes SET n = n + 1; END`,
		`CREATE TEMP TRIGGER IF NOT EXISTS batch_writes_update AFTER UPDATE ON main.batches
			BEGIN UPDATE batch_writes SET n = n + 1; END`,
	} {
		if _, err := db.w.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	fn()
	var n int
	if err := db.w.QueryRow(`SELECT n FROM temp.batch_writes`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// storedBatch is a batch's raw JSON, its stored hash and removal time.
func storedBatch(t *testing.T, db *DB, id string) (raw string, sha []byte, removed string) {
	t.Helper()
	if err := db.w.QueryRow(`SELECT raw, raw_sha256, removed_at FROM batches WHERE id = ?`, id).Scan(&raw, &sha, &removed); err != nil {
		t.Fatalf("batch %s: %v", id, err)
	}
	return raw, sha, removed
}

func upsertList(t *testing.T, db *DB, list []Batch) BatchListResult {
	t.Helper()
	res, err := db.UpsertBatchList(context.Background(), list, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// withRaw is list with batch i's raw JSON replaced by raw (a copy).
func withRaw(list []Batch, i int, raw []byte) []Batch {
	out := append([]Batch(nil), list...)
	out[i].Raw = raw
	return out
}

// Issue 15: the list exactly as stored writes no row; one byte changed in
// the middle of one batch's raw JSON deep in a 2,000-batch list (same
// server fingerprint) rewrites that batch, raw and hash, and nothing else.
func TestUpsertBatchListOneByteDeepInTheList(t *testing.T) {
	list := batchList(2000)
	db := openBatchList(t, list)
	if n := rowsChanged(t, db, func() { upsertList(t, db, list) }); n != 0 {
		t.Fatalf("unchanged list of 2,000 batches changed %d rows, want 0", n)
	}
	const i = 1987
	raw := append([]byte(nil), list[i].Raw...)
	mid := len(raw) / 2
	raw[mid] ^= 0x01 // one bit of one byte, mid-object
	changed := withRaw(list, i, raw)
	var res BatchListResult
	if n := rowsChanged(t, db, func() { res = upsertList(t, db, changed) }); n != 1 {
		t.Errorf("one changed batch changed %d rows, want 1", n)
	}
	if len(res.Stale) != 0 {
		t.Errorf("%d stale, want 0 (same server fingerprint, already synced)", len(res.Stale))
	}
	got, sha, _ := storedBatch(t, db, list[i].ID)
	want := sha256.Sum256(raw)
	if got != string(raw) || string(sha) != string(want[:]) {
		t.Errorf("batch %s: raw byte %d = %q (want %q), hash %x (want %x)", list[i].ID, mid, got[mid], raw[mid], sha, want)
	}
	if got, _, _ := storedBatch(t, db, list[i-1].ID); got != string(list[i-1].Raw) {
		t.Errorf("neighbour %s rewritten: %q", list[i-1].ID, got)
	}
	// Changed back: rewritten again, then quiet.
	if n := rowsChanged(t, db, func() { upsertList(t, db, list) }); n != 1 {
		t.Errorf("changing it back changed %d rows, want 1", n)
	}
	if n := rowsChanged(t, db, func() { upsertList(t, db, list) }); n != 0 {
		t.Errorf("the same list again changed %d rows, want 0", n)
	}
}

// A batch ESP stops listing is marked removed; listed again with the very
// same raw JSON and fingerprint it is un-removed and stale (its files must
// be fetched again), not skipped because its hash matches.
func TestUpsertBatchListReAddsARemovedBatch(t *testing.T) {
	list := batchList(50)
	db := openBatchList(t, list)
	without := append(append([]Batch(nil), list[:20]...), list[21:]...)
	if res := upsertList(t, db, without); res.Removed != 1 || len(res.Stale) != 0 {
		t.Fatalf("without batch 20: removed %d stale %d, want 1 and 0", res.Removed, len(res.Stale))
	}
	if _, _, removed := storedBatch(t, db, list[20].ID); removed == "" {
		t.Fatal("batch not marked removed")
	}
	res := upsertList(t, db, list)
	if res.Removed != 0 || len(res.Stale) != 1 || res.Stale[0].ID != list[20].ID {
		t.Fatalf("listed again: removed %d stale %v, want 0 and [%s]", res.Removed, res.Stale, list[20].ID)
	}
	raw, sha, removed := storedBatch(t, db, list[20].ID)
	want := sha256.Sum256(list[20].Raw)
	if removed != "" || raw != string(list[20].Raw) || string(sha) != string(want[:]) {
		t.Errorf("re-added batch: removed_at %q, raw %d bytes, hash %x", removed, len(raw), sha)
	}
	// Still stale until its files are written: the next list says so again.
	if res := upsertList(t, db, list); len(res.Stale) != 1 {
		t.Errorf("next list: %d stale, want 1", len(res.Stale))
	}
}

// A stored raw JSON changed behind the store's back — by another program
// writing the file, or by restoring an older snapshot — is never hidden by
// a stored hash: the next list from ESP rewrites it.
func TestUpsertBatchListRawEditedBehindTheStoresBack(t *testing.T) {
	ctx := context.Background()
	list := batchList(100)

	t.Run("another program", func(t *testing.T) {
		db := openBatchList(t, list)
		other, err := sql.Open("sqlite", "file:"+db.path)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if _, err := other.Exec(`UPDATE batches SET raw = '{"id":"edited"}' WHERE id = ?`, list[60].ID); err != nil {
			t.Fatal(err)
		}
		if _, sha, _ := storedBatch(t, db, list[60].ID); sha != nil {
			t.Errorf("raw written without its hash kept hash %x, want NULL", sha)
		}
		if n := rowsChanged(t, db, func() { upsertList(t, db, list) }); n != 1 {
			t.Errorf("%d rows rewritten, want 1", n)
		}
		if raw, sha, _ := storedBatch(t, db, list[60].ID); raw != string(list[60].Raw) || len(sha) != sha256.Size {
			t.Errorf("after the list: raw %q, hash %x; want ESP's raw and its hash", raw, sha)
		}
	})

	t.Run("older snapshot restored", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "stocksync.db")
		db, err := Open(ctx, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		upsertList(t, db, list)
		db.Close()
		snap := filepath.Join(dir, "snapshot.db")
		copyFile(t, p, snap)

		newer := withRaw(list, 42, []byte(fmt.Sprintf(benchBatchRaw, list[42].ID, "newer")))
		if db, err = Open(ctx, p, Options{}); err != nil {
			t.Fatal(err)
		}
		upsertList(t, db, newer)
		db.Close()
		copyFile(t, snap, p) // the older snapshot back in place

		if db, err = Open(ctx, p, Options{}); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if n := rowsChanged(t, db, func() { upsertList(t, db, newer) }); n != 1 {
			t.Errorf("%d rows rewritten after the restore, want 1", n)
		}
		if raw, _, _ := storedBatch(t, db, list[42].ID); raw != string(newer[42].Raw) {
			t.Errorf("after the restore and a list: raw %q, want ESP's %q", raw, newer[42].Raw)
		}
	})
}

// A batch listed without raw JSON keeps the stored raw and its hash.
func TestUpsertBatchListWithoutRawKeepsTheHash(t *testing.T) {
	list := batchList(3)
	db := openBatchList(t, list)
	bare := withRaw(list, 1, nil)
	upsertList(t, db, bare)
	raw, sha, _ := storedBatch(t, db, list[1].ID)
	want := sha256.Sum256(list[1].Raw)
	if raw != string(list[1].Raw) || string(sha) != string(want[:]) {
		t.Errorf("raw %d bytes hash %x, want the stored raw and %x", len(raw), sha, want)
	}
	if n := rowsChanged(t, db, func() { upsertList(t, db, list) }); n != 0 {
		t.Errorf("the full list again changed %d rows, want 0", n)
	}
}

// Schema 6 fills the hash of every stored raw JSON (NULL where there is
// none), so the first no-change list after the upgrade writes nothing.
func TestUpgradeToVersion6FillsRawHashes(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db, err := Open(ctx, p, Options{migrations: schemaFS(t, 5)})
	if err != nil {
		t.Fatal(err)
	}
	list := batchList(30)
	upsertList5 := func() {
		for _, b := range list {
			if _, err := db.w.Exec(`INSERT INTO batches (id, submission_name, submission_type, status, server_version,
				synced_version, raw) VALUES (?, ?, ?, ?, ?, ?, ?)`, b.ID, b.Name, b.Type, b.Status, b.ServerVersion,
				b.ServerVersion, string(b.Raw)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.w.Exec(`INSERT INTO batches (id, server_version) VALUES ('bare', 'v')`); err != nil {
			t.Fatal(err)
		}
	}
	upsertList5()
	db.Close()

	if db, err = Open(ctx, p, Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.SchemaVersion() != 6 {
		t.Fatalf("schema %d, want 6", db.SchemaVersion())
	}
	for _, b := range list {
		_, sha, _ := storedBatch(t, db, b.ID)
		if want := sha256.Sum256(b.Raw); string(sha) != string(want[:]) {
			t.Errorf("batch %s: hash %x, want %x", b.ID, sha, want)
		}
	}
	if _, sha, _ := storedBatch(t, db, "bare"); sha != nil {
		t.Errorf("batch without raw: hash %x, want NULL", sha)
	}
	var n int
	if err := db.w.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'batches_raw_sha256_forget'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("trigger: %d, %v", n, err)
	}
	withBare := append(append([]Batch(nil), list...), Batch{ID: "bare", ServerVersion: "v"})
	var res BatchListResult
	changed := rowsChanged(t, db, func() { res = upsertList(t, db, withBare) })
	// "bare" (ESP sent no raw) is rewritten as before schema 6; nothing else.
	if changed != 1 || len(res.Stale) != 1 {
		t.Errorf("first list after the upgrade: %d rows changed, %d stale; want 1 and 1 (the bare batch)", changed, len(res.Stale))
	}
}
