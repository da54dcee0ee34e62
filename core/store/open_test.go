package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var v int
	if err := c.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestFreshDatabase(t *testing.T) {
	db := openTemp(t)
	if got, want := db.SchemaVersion(), KnownVersion(); got != want {
		t.Errorf("schema version %d, want %d", got, want)
	}
	var mode string
	db.r.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal mode %q, want wal", mode)
	}
	var fk int
	db.w.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if fk != 1 {
		t.Error("foreign keys are off")
	}
	st, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() == 0 {
		t.Error("database file is empty after open")
	}
}

func TestReopenIsNoOp(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	called := false
	db, err = Open(ctx, p, Options{BeforeMigrate: func(context.Context, int, int) error { called = true; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if called {
		t.Error("BeforeMigrate ran on an up-to-date database")
	}
	if db.SchemaVersion() != KnownVersion() {
		t.Errorf("version %d", db.SchemaVersion())
	}
}

func TestTooNewRefused(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.w.Exec("PRAGMA user_version = 99")
	db.Close()
	before, _ := os.ReadFile(p)
	_, err = Open(ctx, p, Options{})
	var tn *TooNewError
	if !errors.As(err, &tn) {
		t.Fatalf("err = %v, want TooNewError", err)
	}
	for _, want := range []string{"99", fmt.Sprintf("only knows versions up to %d", KnownVersion()), p} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if userVersion(t, p) != 99 {
		t.Error("version was changed")
	}
	after, _ := os.ReadFile(p)
	if !bytes.Equal(before, after) {
		t.Error("database file changed")
	}
}

func TestFailedMigrationKeepsPreviousSchema(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	v1 := fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);")}}
	db, err := Open(ctx, p, Options{migrations: v1})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	v2 := fstest.MapFS{
		"0001_a.sql":      v1["0001_a.sql"],
		"0002_broken.sql": {Data: []byte("CREATE TABLE b (y INTEGER); ALTER TABLE a ADD COLUMN z; THIS IS NOT SQL;")},
	}
	var from, to int
	_, err = Open(ctx, p, Options{migrations: v2, BeforeMigrate: func(_ context.Context, f, t int) error { from, to = f, t; return nil }})
	if err == nil {
		t.Fatal("want error from broken migration")
	}
	if from != 1 || to != 2 {
		t.Errorf("BeforeMigrate(%d, %d), want (1, 2)", from, to)
	}
	if !strings.Contains(err.Error(), "left at schema 1") {
		t.Errorf("error %q does not say the schema was kept", err)
	}
	if got := userVersion(t, p); got != 1 {
		t.Errorf("user_version %d, want 1", got)
	}
	c, _ := sql.Open("sqlite", "file:"+p+"?mode=ro")
	defer c.Close()
	var n int
	c.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'b'").Scan(&n)
	if n != 0 {
		t.Error("table from the failed migration exists")
	}
	var cols int
	c.QueryRow("SELECT count(*) FROM pragma_table_info('a')").Scan(&cols)
	if cols != 1 {
		t.Errorf("table a has %d columns, want 1", cols)
	}
}

func TestBeforeMigrateErrorAborts(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	v1 := fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);")}}
	db, _ := Open(ctx, p, Options{migrations: v1})
	db.Close()
	v2 := fstest.MapFS{"0001_a.sql": v1["0001_a.sql"], "0002_b.sql": {Data: []byte("CREATE TABLE b (y);")}}
	_, err := Open(ctx, p, Options{migrations: v2, BeforeMigrate: func(context.Context, int, int) error {
		return errors.New("backup destination full")
	}})
	if err == nil || !strings.Contains(err.Error(), "backup destination full") {
		t.Fatalf("err = %v", err)
	}
	if userVersion(t, p) != 1 {
		t.Error("schema changed although the safety snapshot failed")
	}
}

func TestBadMigrationNumbering(t *testing.T) {
	_, err := loadMigrations(fstest.MapFS{"0001_a.sql": {}, "0003_c.sql": {}})
	if err == nil {
		t.Fatal("gap in numbering accepted")
	}
}

func TestCorruptFilesAreReportedAndUntouched(t *testing.T) {
	ctx := context.Background()
	good := filepath.Join(t.TempDir(), "good.db")
	db, err := Open(ctx, good, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	goodBytes, _ := os.ReadFile(good)
	header := append([]byte(nil), goodBytes[:100]...)
	garbled := append([]byte(nil), goodBytes...)
	for i := 100; i < len(garbled) && i < 4096; i++ {
		garbled[i] ^= 0xA5
	}
	cases := map[string][]byte{
		"text file":      []byte("these are my holiday notes, not a database\n"),
		"random bytes":   bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 2048),
		"garbled schema": garbled,
		"header only":    header,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "stocksync.db")
			os.WriteFile(p, content, 0o600)
			_, err := Open(ctx, p, Options{})
			if err == nil {
				t.Fatal("damaged file opened without error")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("err = %v, want ErrCorrupt", err)
			}
			msg := err.Error()
			for _, want := range []string{p, "untouched"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			// The fact only: the frontends say what to do (issue #14).
			if strings.Contains(strings.ReplaceAll(msg, p, ""), "stocksync") {
				t.Errorf("message %q names a command; the CLI's hint and the app's text give the advice", msg)
			}
			after, _ := os.ReadFile(p)
			if !bytes.Equal(after, content) {
				t.Error("damaged file was modified")
			}
			for _, side := range []string{"-wal", "-shm"} {
				if _, err := os.Stat(p + side); err == nil {
					t.Errorf("a %s file was left next to the damaged database", side)
				}
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their permissions")
	}
	p := filepath.Join(t.TempDir(), "stocksync.db")
	os.WriteFile(p, []byte("x"), 0o000)
	_, err := Open(context.Background(), p, Options{})
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v, want an error naming the file", err)
	}
}

func TestFolderInsteadOfFile(t *testing.T) {
	_, err := Open(context.Background(), t.TempDir(), Options{})
	if err == nil || !strings.Contains(err.Error(), "folder") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenReadOnlyWritesNothing(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	db.Close()
	before, _ := os.ReadFile(db.Path())
	ro, err := OpenReadOnly(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Summary(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ro.Write(ctx, func(*sql.Tx) error { return nil }); err == nil {
		t.Error("write on a read-only database succeeded")
	}
	ro.Close()
	after, _ := os.ReadFile(db.Path())
	if !bytes.Equal(before, after) {
		t.Error("read-only open changed the file")
	}
}
