package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/lockfile"
)

// Problem says why a database file is not a usable Stocksync database. The
// CLI and the app word it; core only reports it.
type Problem string

const (
	// ProblemDamaged: SQLite reports damaged pages or a malformed schema.
	ProblemDamaged Problem = "damaged"
	// ProblemEmpty: the file exists but holds zero bytes. Stocksync never
	// leaves such a file (a new database is built beside it and renamed in),
	// so the data that was there has been lost or truncated.
	ProblemEmpty Problem = "empty"
	// ProblemNotSQLite: the file is not an SQLite database at all.
	ProblemNotSQLite Problem = "not_sqlite"
	// ProblemForeign: a healthy SQLite database of another application.
	ProblemForeign Problem = "foreign"
	// ProblemIntegrity: the file opens, but SQLite's quick_check found faults.
	ProblemIntegrity Problem = "integrity"
)

var createTable = regexp.MustCompile(`(?i)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["\x60]?([A-Za-z_][A-Za-z0-9_]*)`)

// markerTables are the tables whose presence marks a Stocksync database:
// those the first migration creates (migrations/0001_init.sql).
func markerTables(migs fs.FS) []string {
	all, err := loadMigrations(migs)
	if err != nil || len(all) == 0 {
		return nil
	}
	var out []string
	for _, m := range createTable.FindAllStringSubmatch(all[0].sql, -1) {
		out = append(out, m[1])
	}
	return out
}

// hotJournal reports whether a rollback journal with content lies beside
// the database: a transaction was interrupted, and until a writable
// connection rolls it back, read-only connections fail with
// SQLITE_READONLY_ROLLBACK.
func hotJournal(path string) bool {
	st, err := os.Stat(path + "-journal")
	return err == nil && st.Size() > 0
}

// RepairHotJournal rolls back an interrupted transaction of the database at
// path (its rollback journal) through a writable connection, so that
// read-only opens work again. Nothing happens when there is no journal. A
// journal that cannot be rolled back because the folder is read-only gives a
// *ReadOnlyError; the database is then left as it is.
func RepairHotJournal(ctx context.Context, path string) error {
	if !hotJournal(path) {
		return nil
	}
	if err := readOnlyCheck(path); err != nil {
		return fmt.Errorf("database %s has an interrupted change that must be undone before it can be read: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeoutMS))
	c, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	// The first read of a writable connection rolls a hot journal back.
	var n int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return (&DB{path: path}).wrapOpen(err)
	}
	return nil
}

// identify checks, through the read-only probe connection, that the file
// is Stocksync's: schema version 0 with no tables (a database being
// created), or a positive version with Stocksync's tables.
func identify(ctx context.Context, c *sql.DB, path string, migs fs.FS) error {
	var version int
	if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return (&DB{path: path}).wrapOpen(err)
	}
	rows, err := c.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		return (&DB{path: path}).wrapOpen(err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return (&DB{path: path}).wrapOpen(err)
		}
		have[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return (&DB{path: path}).wrapOpen(err)
	}
	if version == 0 && len(have) == 0 {
		return nil
	}
	var missing []string
	for _, t := range markerTables(migs) {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var names []string
	for n := range have {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 5 {
		names = append(names[:5], "…")
	}
	what := "no tables"
	if len(have) > 0 {
		what = "tables " + strings.Join(names, ", ")
	}
	return &CorruptError{Path: path, Problem: ProblemForeign,
		Err: fmt.Errorf("schema version %d, %s; Stocksync's %s missing", version, what, strings.Join(missing, ", "))}
}

// quickChecks counts quick_check runs (tests).
var quickChecks atomic.Int64

// quickCheck runs SQLite's quick_check; any finding is a *CorruptError with
// ProblemIntegrity, so nothing is written to a database with damaged pages.
func (db *DB) quickCheck(ctx context.Context) error {
	quickChecks.Add(1)
	rows, err := db.w.QueryContext(ctx, "PRAGMA quick_check(5)")
	if err != nil {
		return db.wrapOpen(err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return db.wrapOpen(err)
		}
		if s != "ok" {
			found = append(found, s)
		}
	}
	if err := rows.Err(); err != nil {
		return db.wrapOpen(err)
	}
	if len(found) > 0 {
		return &CorruptError{Path: db.path, Problem: ProblemIntegrity, Err: errors.New(strings.Join(found, "; "))}
	}
	return nil
}

// createFresh builds an empty database with the current schema beside path
// and links it into place, so path never exists half-made (a zero-byte
// stocksync.db is always someone's lost data, never ours). If another
// process created path meanwhile, its file is kept.
func createFresh(ctx context.Context, path string, migs fs.FS) error {
	if err := readOnlyCheck(path); err != nil {
		return err
	}
	tmp, mark, err := lockfile.CreateMarked(filepath.Dir(path), func() (string, error) {
		f, err := os.CreateTemp(filepath.Dir(path), atomicfile.TempPrefix+"new-*.db")
		if err != nil {
			return "", err
		}
		return f.Name(), f.Close()
	})
	if tmp != "" {
		defer removeWithSidecarsQuiet(tmp)
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	defer mark.Release()
	q := url.Values{}
	q.Add("_pragma", "journal_mode(DELETE)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", "file:"+(&url.URL{Path: tmp}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	fresh := &DB{path: tmp, w: w}
	_, err = migrate(ctx, fresh, migs, nil)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

func syncFile(p string) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	return errors.Join(err, f.Close())
}

func removeWithSidecarsQuiet(p string) {
	for _, s := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(p + s)
	}
}

// OpenEmpty is an in-memory database with the current schema and no rows,
// for read-only commands run before there is any data folder: they show
// "nothing yet" without creating anything on disk. It refuses writes.
func OpenEmpty(ctx context.Context) (*DB, error) {
	c, err := sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1) // one connection: each has its own memory database
	c.SetConnMaxIdleTime(0)
	c.SetConnMaxLifetime(0)
	db := &DB{path: ":memory:", readOnly: true, w: c, r: c}
	if db.version, err = migrate(ctx, db, migrationFS, nil); err != nil {
		c.Close()
		return nil, err
	}
	if _, err := c.ExecContext(ctx, "PRAGMA query_only = 1"); err != nil {
		c.Close()
		return nil, err
	}
	return db, nil
}
