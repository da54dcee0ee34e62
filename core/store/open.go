package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/stocksync/stocksync/core/atomicfile"
)

// DB is an open stocksync.db.
type DB struct {
	path     string
	readOnly bool
	w        *sql.DB // one connection; BEGIN IMMEDIATE
	r        *sql.DB // readers
	version  int
	opened   os.FileInfo // the file as opened, for StillInPlace
	// checkedAt is when quick_check last found the file healthy (at this
	// Open, or before its last clean close); sawCorrupt is set by any
	// SQLITE_CORRUPT met since. Close records both (checked.go).
	checkedAt  time.Time
	sawCorrupt atomic.Bool

	bulk bulkStmts       // the sync writer's multi-row statements (bulk.go)
	ckpt walCheckpointer // the sync writer's background checkpoints (syncwrite_checkpoint.go)

	closeOnce sync.Once
	closeErr  error
}

// Options tune Open.
type Options struct {
	// BeforeMigrate runs when the schema is about to change from one version to
	// another (not on a fresh, empty database). Backups use it to take a safety
	// snapshot; an error aborts the open without changing anything.
	BeforeMigrate func(ctx context.Context, from, to int) error

	migrations fs.FS // tests only
}

// BusyTimeoutMS is how long a connection waits for another process's lock.
const BusyTimeoutMS = 15000

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeoutMS))
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// NORMAL between writes; Write switches to FULL for its transaction
		// (see tx.go): local-only data is fsynced on commit, server data is not.
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens the database at path and brings its schema up to date. Only a
// missing file is created (built beside path and renamed in, never left
// half-made). A file that is empty, not SQLite, another application's
// database or damaged (SQLite's quick_check) gives a *CorruptError, and a
// database from a newer Stocksync a *TooNewError; in all these cases nothing
// is written. An interrupted transaction (a hot rollback journal) is rolled
// back first.
//
// quick_check reads every page (about 0.3 s for 100,000 files), so it is
// skipped only for a file Close left cleanly and nothing has touched since:
// the record beside it (CheckedSuffix) names this very file state (device,
// inode, size, modification and change times), no WAL with content is left,
// and the last check passed less than RecheckAfter ago. A crash, another
// program's write, a copy or restore over the file, or a damaged page met
// while open all mean a check at the next Open.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	st, err := os.Stat(path)
	if err == nil && st.IsDir() {
		return nil, fmt.Errorf("open database %s: it is a folder, not a file", path)
	}
	migs := opt.migrations
	if migs == nil {
		migs = migrationFS
	}
	if errors.Is(err, fs.ErrNotExist) {
		if err := createFresh(ctx, path, migs); err != nil {
			return nil, err
		}
	}
	// Read the record before anything below opens the file.
	checkedAt, clean := cleanSince(path, time.Now())
	db := &DB{path: path}
	// Say "read-only" rather than SQLite's "unable to open database file".
	if err := readOnlyCheck(path); err != nil {
		return nil, err
	}
	// Check the file before journal_mode(WAL) on the writer can touch it.
	if err := probe(ctx, path, migs); err != nil {
		return nil, err
	}
	if db.w, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetConnMaxIdleTime(0)
	if db.r, err = sql.Open("sqlite", dsn(path, false)+"&_pragma=query_only(1)"); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.r.SetMaxOpenConns(4)
	if err := db.checkWAL(ctx); err != nil {
		db.closeAll()
		return nil, err
	}
	if !clean {
		if err := db.quickCheck(ctx); err != nil {
			forgetClean(path)
			db.closeAll()
			return nil, err
		}
		checkedAt = time.Now()
	}
	db.checkedAt = checkedAt
	if db.version, err = migrate(ctx, db, migs, opt.BeforeMigrate); err != nil {
		db.closeAll()
		return nil, err
	}
	db.rememberFile()
	return db, nil
}

// OpenReadOnly opens an existing database without changing it in any way:
// no migrations, no journal-mode change. Used for snapshots and inspection.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if st, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	} else if st.Size() == 0 {
		return nil, &CorruptError{Path: path, Problem: ProblemEmpty, Err: errors.New("the file has 0 bytes")}
	}
	// A hot journal makes every read-only connection fail; roll it back
	// first (this needs a writable folder).
	if err := RepairHotJournal(ctx, path); err != nil {
		return nil, err
	}
	db := &DB{path: path, readOnly: true}
	var err error
	source := dsn(path, true)
	if readOnlyCheck(path) != nil {
		// On a read-only disk SQLite cannot make the WAL index it needs, and
		// nobody can change the file there: read it as immutable.
		source += "&immutable=1"
	}
	if db.r, err = sql.Open("sqlite", source); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.w = db.r
	if err := db.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&db.version); err != nil {
		db.r.Close()
		return nil, db.wrapOpen(err)
	}
	if err := identify(ctx, db.r, path, migrationFS); err != nil {
		db.r.Close()
		return nil, err
	}
	return db, nil
}

// probe reads the header and schema through a read-only connection, so a file
// that is not a database is reported before anything could write to it.
func probe(ctx context.Context, path string, migs fs.FS) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	if st.Size() == 0 {
		return &CorruptError{Path: path, Problem: ProblemEmpty, Err: errors.New("the file has 0 bytes")}
	}
	if err := RepairHotJournal(ctx, path); err != nil {
		return err
	}
	// A read-only connection to a WAL-mode file still creates empty -wal and
	// -shm files; if the file turns out to be damaged, remove the ones we made
	// so the user finds the folder as they left it.
	var made []string
	for _, side := range []string{path + "-wal", path + "-shm"} {
		if _, err := os.Lstat(side); errors.Is(err, fs.ErrNotExist) {
			made = append(made, side)
		}
	}
	c, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	err = identify(ctx, c, path, migs)
	c.Close()
	if err != nil {
		// The -shm is only an index and we created it; a -wal we created holds
		// nothing unless something wrote to it, so keep a non-empty one.
		for _, side := range made {
			if st, serr := os.Stat(side); serr == nil && (st.Size() == 0 || strings.HasSuffix(side, "-shm")) {
				os.Remove(side)
			}
		}
		var ce *CorruptError
		if errors.As(err, &ce) {
			return err
		}
		return (&DB{path: path}).wrapOpen(err)
	}
	return nil
}

func (db *DB) wrapOpen(err error) error {
	var oe *openError
	switch {
	case isCorrupt(err):
		return &CorruptError{Path: db.path, Problem: problemOf(err), Err: err}
	case errors.As(err, &oe):
		return err // identify's error, wrapped once already
	case isDiskFull(err):
		return &openError{path: db.path, err: fmt.Errorf("%w (%v)", ErrDiskFull, err)}
	}
	return &openError{path: db.path, err: err}
}

// openError is a failure to open the database at path for a reason other
// than damage (*CorruptError): "open database PATH: reason".
type openError struct {
	path string
	err  error
}

func (e *openError) Error() string { return fmt.Sprintf("open database %s: %v", e.path, e.err) }
func (e *openError) Unwrap() error { return e.err }

func (db *DB) checkWAL(ctx context.Context) error {
	var mode string
	if err := db.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return db.wrapOpen(err)
	}
	if mode != "wal" {
		return fmt.Errorf("open database %s: journal mode is %q, not WAL: the folder may be on a network or "+
			"read-only volume; keep the data folder on a local disk", db.path, mode)
	}
	return nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// SchemaVersion is the schema version after Open's migrations.
func (db *DB) SchemaVersion() int { return db.version }

// Close checkpoints the WAL into the main file, so the database is one
// self-contained file at rest, and closes all connections. A writable
// database left whole (no WAL content, no damaged page met) is recorded as
// closed cleanly, so the next Open can skip quick_check (see Open).
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.ckpt.wait()
		var ckErr error
		if !db.readOnly {
			// Best effort: another process may hold a read lock; the WAL stays valid.
			_, ckErr = db.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		}
		db.closeErr = db.closeAll()
		if db.readOnly || db.path == ":memory:" || db.checkedAt.IsZero() || atomicfile.IsTemp(db.path) {
			return // a database being built or restored is renamed away: no record beside it
		}
		if ckErr != nil || db.closeErr != nil || db.sawCorrupt.Load() {
			forgetClean(db.path)
			return
		}
		recordClean(db.path, db.checkedAt)
	})
	return db.closeErr
}

func (db *DB) closeAll() error {
	var errs []error
	if db.r != nil && db.r != db.w {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}
