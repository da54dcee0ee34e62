package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Only a missing file may be created: an empty file, another
// application's database or one with damaged pages is refused and left
// exactly as it was (issue 12, item 3).
func TestOnlyAMissingDatabaseIsCreated(t *testing.T) {
	ctx := context.Background()
	foreign := func(t *testing.T, p string) {
		c, err := sql.Open("sqlite", "file:"+p)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('my notes'); PRAGMA user_version = 7"); err != nil {
			t.Fatal(err)
		}
	}
	foreignV0 := func(t *testing.T, p string) {
		c, err := sql.Open("sqlite", "file:"+p)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Exec("CREATE TABLE photos (id INTEGER PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		make func(t *testing.T, p string)
		want Problem
	}{
		{"zero bytes", func(t *testing.T, p string) { os.WriteFile(p, nil, 0o600) }, ProblemEmpty},
		{"another application's database", foreign, ProblemForeign},
		{"another application's database at version 0", foreignV0, ProblemForeign},
		{"not sqlite", func(t *testing.T, p string) { os.WriteFile(p, []byte(strings.Repeat("holiday notes\n", 400)), 0o600) }, ProblemNotSQLite},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "stocksync.db")
			c.make(t, p)
			before, _ := os.ReadFile(p)
			for _, open := range []func() error{
				func() error { db, err := Open(ctx, p, Options{}); closeIf(db); return err },
				func() error { db, err := OpenReadOnly(ctx, p); closeIf(db); return err },
			} {
				err := open()
				var ce *CorruptError
				if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
					t.Fatalf("err = %v, want a *CorruptError", err)
				}
				if ce.Kind() != c.want || ce.Path != p {
					t.Errorf("problem %q at %s, want %q at %s", ce.Kind(), ce.Path, c.want, p)
				}
			}
			after, _ := os.ReadFile(p)
			if !bytes.Equal(before, after) {
				t.Error("the file was changed")
			}
		})
	}
}

func closeIf(db *DB) {
	if db != nil {
		db.Close()
	}
}

// A database whose pages are damaged below the schema opens in SQLite, but
// quick_check fails: nothing may be written to it.
func TestDamagedPagesRefuseWrites(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec("CREATE INDEX IF NOT EXISTS test_idx ON batches(id)"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		if _, err := db.w.Exec("INSERT INTO sync_runs (started_at, push) VALUES (?, 0)", "2026-01-01T00:00:00Z"); err != nil {
			t.Fatal(err)
		}
	}
	var root int
	db.w.QueryRow("SELECT rootpage FROM sqlite_master WHERE name = 'sync_runs'").Scan(&root)
	var pageSize int
	db.w.QueryRow("PRAGMA page_size").Scan(&pageSize)
	db.Close()
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Garble the table's root page below its header: the schema still reads.
	off := int64(root-1)*int64(pageSize) + 8
	f.WriteAt(bytes.Repeat([]byte{0xff}, 64), off)
	f.Close()
	before, _ := os.ReadFile(p)
	_, err = Open(ctx, p, Options{})
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CorruptError", err)
	}
	after, _ := os.ReadFile(p)
	if !bytes.Equal(before, after) {
		t.Error("the damaged file was changed")
	}
}

// A rollback journal left by a killed transaction makes read-only opens
// fail with "attempt to write a readonly database (776)"; every open
// rolls it back first (issue 12, item 11).
func TestHotJournalIsRolledBackBeforeReading(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "stocksync.db")
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Switch to a rollback journal and leave a transaction half-written:
	// a small cache spills the changed pages into the file, so the journal
	// is hot (synced, with its records) while the transaction is open.
	c, err := sql.Open("sqlite", "file:"+p+"?_pragma=journal_mode(DELETE)&_pragma=cache_size(10)")
	if err != nil {
		t.Fatal(err)
	}
	c.SetMaxOpenConns(1)
	tx, err := c.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if _, err := tx.Exec("INSERT INTO sync_runs (started_at, push) VALUES (?, 0)", strings.Repeat("x", 2000)); err != nil {
			t.Fatal(err)
		}
	}
	// Copy the files as a crash would leave them.
	crashed := filepath.Join(t.TempDir(), "stocksync.db")
	for _, s := range []string{"", "-journal"} {
		copyPlain(t, p+s, crashed+s)
	}
	tx.Rollback()
	c.Close()
	if !hotJournal(crashed) {
		t.Fatal("test setup: no hot journal")
	}
	ro, err := OpenReadOnly(ctx, crashed)
	if err != nil {
		t.Fatalf("read-only open with a hot journal: %v", err)
	}
	var n int
	if err := ro.r.QueryRow("SELECT count(*) FROM sync_runs").Scan(&n); err != nil || n != 0 {
		t.Errorf("sync_runs = %d, %v; want 0 (the interrupted transaction undone)", n, err)
	}
	ro.Close()
	if _, err := os.Stat(crashed + "-journal"); err == nil {
		t.Error("the journal is still there")
	}
	rw, err := Open(ctx, crashed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rw.Close()
}

func copyPlain(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}
