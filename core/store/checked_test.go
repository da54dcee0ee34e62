package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// openCounting opens p and says whether Open ran quick_check.
func openCounting(t *testing.T, p string) (*DB, bool, error) {
	t.Helper()
	before := quickChecks.Load()
	db, err := Open(context.Background(), p, Options{})
	return db, quickChecks.Load() > before, err
}

func mustOpen(t *testing.T, p string, wantCheck bool) *DB {
	t.Helper()
	db, checked, err := openCounting(t, p)
	if err != nil {
		t.Fatal(err)
	}
	if checked != wantCheck {
		t.Fatalf("quick_check ran: %v, want %v", checked, wantCheck)
	}
	return db
}

// A database closed cleanly and untouched since opens without quick_check
// (issue 15: it was most of a no-change sync's time); one written by this
// process and closed again too.
func TestCleanCloseSkipsQuickCheck(t *testing.T) {
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db := mustOpen(t, p, true) // new file: no record yet
	db.Close()
	db = mustOpen(t, p, false)
	if _, err := db.StartSyncRun(context.Background(), false, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpen(t, p, false)
	db.Close()
}

// A writer that never closed (killed, power lost) leaves its WAL: the next
// Open checks, even though the main file is as the record says.
func TestUncleanCloseChecks(t *testing.T) {
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db := mustOpen(t, p, true)
	db.Close()
	db = mustOpen(t, p, false)
	defer db.Close()
	if _, err := db.StartSyncRun(context.Background(), false, time.Now()); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(p + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("want a WAL with content beside the open database: %v", err)
	}
	other := mustOpen(t, p, true)
	other.Close()
}

// Damage written to a cleanly closed file is found even when the writer
// puts the modification time back: the change time cannot be put back.
func TestDamageAfterCleanCloseIsRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db := mustOpen(t, p, true)
	for i := 0; i < 300; i++ {
		if _, err := db.w.Exec("INSERT INTO sync_runs (started_at, push) VALUES (?, 0)", "2026-01-01T00:00:00Z"); err != nil {
			t.Fatal(err)
		}
	}
	var root, pageSize int
	db.w.QueryRow("SELECT rootpage FROM sqlite_master WHERE name = 'sync_runs'").Scan(&root)
	db.w.QueryRow("PRAGMA page_size").Scan(&pageSize)
	db.Close()
	if _, err := os.Stat(p + CheckedSuffix); err != nil {
		t.Fatalf("no record after a clean close: %v", err)
	}
	st, _ := os.Stat(p)
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(bytes.Repeat([]byte{0xff}, 64), int64(root-1)*int64(pageSize)+8)
	f.Close()
	if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(p)
	_, checked, err := openCounting(t, p)
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Kind() != ProblemIntegrity || !checked {
		t.Fatalf("err = %v (quick_check ran: %v), want a *CorruptError with %q", err, checked, ProblemIntegrity)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Error("the damaged file was changed")
	}
	if _, err := os.Stat(p + CheckedSuffix); err == nil {
		t.Error("the record of a clean close is still there after quick_check refused the file")
	}
}

// A file copied over the database (a restore by hand, a sync service) is
// a new file state: checked.
func TestReplacedFileChecks(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "stocksync.db")
	db := mustOpen(t, p, true)
	db.Close()
	b, _ := os.ReadFile(p)
	tmp := filepath.Join(dir, "copy.db")
	os.WriteFile(tmp, b, 0o600)
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, p, true).Close()
}

// The last check is at most RecheckAfter old (a failing disk changes no
// file time); a record from the future (clock set back) is not trusted.
func TestRecheckAfter(t *testing.T) {
	p := filepath.Join(t.TempDir(), "stocksync.db")
	mustOpen(t, p, true).Close()
	for _, at := range []time.Time{time.Now().Add(-RecheckAfter - time.Minute), time.Now().Add(time.Hour)} {
		var rec checkedRecord
		b, _ := os.ReadFile(p + CheckedSuffix)
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatal(err)
		}
		rec.CheckedAt = at
		b, _ = json.Marshal(rec)
		os.WriteFile(p+CheckedSuffix, b, 0o600)
		mustOpen(t, p, true).Close()
	}
	// Each check starts a new period.
	mustOpen(t, p, false).Close()
}

// A damaged page met while the database was open: no clean record, so the
// next Open checks.
func TestCorruptionSeenWhileOpenForgetsClean(t *testing.T) {
	p := filepath.Join(t.TempDir(), "stocksync.db")
	mustOpen(t, p, true).Close()
	db := mustOpen(t, p, false)
	db.sawCorrupt.Store(true)
	db.Close()
	if _, err := os.Stat(p + CheckedSuffix); err == nil {
		t.Error("a database that met damage was recorded as closed cleanly")
	}
	mustOpen(t, p, true).Close()
}

// A record that is not JSON, or of another version, only costs a check.
func TestBadRecordChecks(t *testing.T) {
	p := filepath.Join(t.TempDir(), "stocksync.db")
	mustOpen(t, p, true).Close()
	for _, junk := range []string{"", "not json", `{"v":99}`} {
		os.WriteFile(p+CheckedSuffix, []byte(junk), 0o600)
		mustOpen(t, p, true).Close()
	}
}

// A database built or restored under a temporary name is renamed into place:
// no record is left beside the temporary name (found by the restore tests).
func TestTempDatabaseLeavesNoRecord(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".stocksync-tmp-restore-1.db")
	mustOpen(t, p, true).Close()
	if _, err := os.Stat(p + CheckedSuffix); err == nil {
		t.Error("a record was left beside a temporary database")
	}
}
