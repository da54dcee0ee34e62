package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"sort"
	"strings"

	sqlite3 "modernc.org/sqlite/lib"
)

// LocalOnlyTables are the tables whose rows exist nowhere but in this
// database. Backups exist for them; restore --local-only merges them.
var LocalOnlyTables = []string{"pending_uploads", "local_paths", "local_edits"}

// ErrDiskFull means a write failed because the disk (or a quota) is full.
var ErrDiskFull = errors.New("disk is full")

// ErrInUse means another connection still has the database open.
var ErrInUse = errors.New("database is in use by another process")

// InUseError names the database another connection (another process, or a
// *DB this process did not close) still has open; errors.Is(err, ErrInUse)
// holds. SQLite does not say which process it is.
type InUseError struct{ Path string }

func (e *InUseError) Error() string { return "database " + e.Path + " is in use by another process" }

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// CopyTo writes a consistent, self-contained copy of the database to dst with
// VACUUM INTO, through a connection of its own so writers are never held up.
// dst must not exist or be an empty file. The copy uses a rollback journal,
// not WAL, so it can be opened read-only anywhere. It is not fsynced: the
// caller decides where the copy ends up and syncs it there.
func (db *DB) CopyTo(ctx context.Context, dst string) error {
	// query_only (the reader pool) refuses VACUUM INTO; mode=ro does not, and
	// it can never write the source.
	src := dsn(db.path, true)
	if readOnlyCheck(db.path) != nil {
		// A read-only disk: nobody can change the file, and SQLite could not
		// make the WAL index a plain read-only connection needs.
		src += "&immutable=1"
	}
	c, err := sql.Open("sqlite", src)
	if err != nil {
		return fmt.Errorf("copy database %s: %w", db.path, err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return copyErr(db.path, dst, err)
	}
	// VACUUM INTO writes a rollback-journal file today; make sure of it, since
	// a WAL-mode copy could not be opened on read-only media.
	mode, err := journalModeOf(dst)
	if err != nil {
		return fmt.Errorf("copy database %s to %s: %w", db.path, dst, err)
	}
	if mode != "delete" {
		cc, err := sql.Open("sqlite", "file:"+(&url.URL{Path: dst}).EscapedPath())
		if err != nil {
			return fmt.Errorf("copy database %s to %s: %w", db.path, dst, err)
		}
		_, err = cc.ExecContext(ctx, "PRAGMA journal_mode=DELETE")
		cc.Close()
		if err != nil {
			return copyErr(db.path, dst, err)
		}
	}
	return nil
}

// journalModeOf reads the file format bytes of a database header: 1 is a
// rollback journal, 2 is WAL.
func journalModeOf(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var hdr [20]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return "", fmt.Errorf("read database header: %w", err)
	}
	if hdr[18] == 2 || hdr[19] == 2 {
		return "wal", nil
	}
	return "delete", nil
}

func copyErr(src, dst string, err error) error {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("copy database %s to %s: %w (%v)", src, dst, ErrDiskFull, err)
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return &CorruptError{Path: src, Err: err}
	}
	return fmt.Errorf("copy database %s to %s: %w", src, dst, err)
}

// Inspection is what Inspect found in a database file.
type Inspection struct {
	SchemaVersion int
	JournalMode   string           // "delete" or "wal", from the file header
	Integrity     []string         // PRAGMA integrity_check problems; empty when the file is sound
	Counts        map[string]int64 // rows per table
	LocalOnly     map[string]string
}

// Inspect opens the database file at path strictly read-only (immutable: no
// locks, no journal, works on read-only media), and reports its schema
// version, its integrity problems when integrity is true, the rows in every
// table and a digest of every local-only table. A file that is not a
// database, or too damaged to read, gives a *CorruptError.
func Inspect(ctx context.Context, path string, integrity bool) (Inspection, error) {
	var in Inspection
	if _, err := os.Stat(path); err != nil {
		return in, fmt.Errorf("inspect database %s: %w", path, err)
	}
	mode, err := journalModeOf(path)
	if err != nil {
		return in, &CorruptError{Path: path, Err: err}
	}
	in.JournalMode = mode
	c, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return in, fmt.Errorf("inspect database %s: %w", path, err)
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	wrap := func(what string, err error) error {
		if isCorrupt(err) {
			return &CorruptError{Path: path, Err: err}
		}
		return fmt.Errorf("inspect database %s: %s: %w", path, what, err)
	}
	if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&in.SchemaVersion); err != nil {
		return in, wrap("schema version", err)
	}
	if integrity {
		rows, err := c.QueryContext(ctx, "PRAGMA integrity_check(100)")
		if err != nil {
			return in, wrap("integrity check", err)
		}
		for rows.Next() {
			var msg string
			if err := rows.Scan(&msg); err != nil {
				rows.Close()
				return in, wrap("integrity check", err)
			}
			if msg != "ok" {
				in.Integrity = append(in.Integrity, msg)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return in, wrap("integrity check", err)
		}
	}
	if in.Counts, err = tableCounts(ctx, c); err != nil {
		return in, wrap("count rows", err)
	}
	if in.LocalOnly, err = localOnlyDigest(ctx, c, in.Counts); err != nil {
		return in, wrap("read local-only rows", err)
	}
	return in, nil
}

// TableCounts counts the rows of every table in one read transaction.
func (db *DB) TableCounts(ctx context.Context) (map[string]int64, error) {
	c, err := db.r.Conn(ctx)
	if err != nil {
		return nil, db.wrapErr("count rows", err)
	}
	defer c.Close()
	out, err := inTx(ctx, c, func() (map[string]int64, error) { return tableCounts(ctx, c) })
	if err != nil {
		return nil, db.wrapErr("count rows", err)
	}
	return out, nil
}

// LocalOnlyDigest returns, for every local-only table, a SHA-256 over all its
// rows in primary-key order and all their column values with their types:
// equal digests mean byte-for-byte equal rows.
func (db *DB) LocalOnlyDigest(ctx context.Context) (map[string]string, error) {
	c, err := db.r.Conn(ctx)
	if err != nil {
		return nil, db.wrapErr("read local-only rows", err)
	}
	defer c.Close()
	out, err := inTx(ctx, c, func() (map[string]string, error) { return localOnlyDigest(ctx, c, nil) })
	if err != nil {
		return nil, db.wrapErr("read local-only rows", err)
	}
	return out, nil
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// inTx runs fn inside one read transaction on c, so several queries see the
// same state.
func inTx[T any](ctx context.Context, c *sql.Conn, fn func() (T, error)) (T, error) {
	var zero T
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		return zero, err
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	return fn()
}

func tableNames(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func tableCounts(ctx context.Context, q querier) (map[string]int64, error) {
	names, err := tableNames(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		if err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteIdent(n)).Scan(&c); err != nil {
			return nil, fmt.Errorf("table %s: %w", n, err)
		}
		out[n] = c
	}
	return out, nil
}

// orderColumns is the primary key of table (ordering by rowid would not do:
// VACUUM renumbers rowids of tables without an INTEGER PRIMARY KEY), or every
// column if it has none.
func orderColumns(ctx context.Context, q querier, table string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT name, pk FROM pragma_table_info(?) ORDER BY pk, cid", table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all, pk []string
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		all = append(all, name)
		if n > 0 {
			pk = append(pk, name)
		}
	}
	if len(pk) == 0 {
		return all, rows.Err()
	}
	return pk, rows.Err()
}

// localOnlyDigest hashes each local-only table that exists. counts, when
// given, says which tables exist.
func localOnlyDigest(ctx context.Context, q querier, counts map[string]int64) (map[string]string, error) {
	out := map[string]string{}
	for _, t := range LocalOnlyTables {
		if counts != nil {
			if _, ok := counts[t]; !ok {
				continue
			}
		}
		d, err := tableDigest(ctx, q, t)
		if errors.Is(err, errNoTable) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", t, err)
		}
		out[t] = d
	}
	return out, nil
}

var errNoTable = errors.New("no such table")

func tableDigest(ctx context.Context, q querier, table string) (string, error) {
	order, err := orderColumns(ctx, q, table)
	if err != nil {
		return "", err
	}
	if len(order) == 0 {
		return "", errNoTable
	}
	quoted := make([]string, len(order))
	for i, c := range order {
		quoted[i] = quoteIdent(c)
	}
	rows, err := q.QueryContext(ctx, "SELECT * FROM "+quoteIdent(table)+" ORDER BY "+strings.Join(quoted, ", "))
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	// Columns are hashed by name in a fixed order, so the digest does not
	// depend on the order a migration happened to add them in.
	idx := make([]int, len(cols))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return cols[idx[a]] < cols[idx[b]] })
	h := sha256.New()
	for _, i := range idx {
		writeField(h, 't', []byte(cols[i]))
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var num [8]byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		h.Write([]byte{'\n'})
		for _, i := range idx {
			switch v := vals[i].(type) {
			case nil:
				writeField(h, 'n', nil)
			case int64:
				binary.BigEndian.PutUint64(num[:], uint64(v))
				writeField(h, 'i', num[:])
			case float64:
				binary.BigEndian.PutUint64(num[:], math.Float64bits(v))
				writeField(h, 'f', num[:])
			case string:
				writeField(h, 's', []byte(v))
			case []byte:
				writeField(h, 'b', v)
			default:
				writeField(h, 'x', fmt.Append(nil, v))
			}
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func writeField(h interface{ Write([]byte) (int, error) }, tag byte, b []byte) {
	var hdr [9]byte
	hdr[0] = tag
	binary.BigEndian.PutUint64(hdr[1:], uint64(len(b)))
	h.Write(hdr[:])
	h.Write(b)
}

// Quiesce prepares the database at path to be replaced by another file: it
// checkpoints the write-ahead log into the main file and closes, so that
// stocksync.db alone holds every committed transaction and the -wal file is
// gone or empty. If another connection (another process, or a *DB this
// process forgot to close) still has the database open, it returns an error
// wrapping ErrInUse and changes nothing that matters. A missing database is
// not an error.
func Quiesce(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := probe(ctx, path, migrationFS); err != nil {
		return err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(2000)")
	c, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("prepare database %s: %w", path, err)
	}
	c.SetMaxOpenConns(1)
	var busy, logFrames, done int
	err = c.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done)
	cerr := c.Close()
	if err != nil {
		if sqliteCode(err) == sqlite3.SQLITE_BUSY || sqliteCode(err) == sqlite3.SQLITE_LOCKED {
			return &InUseError{Path: path}
		}
		return (&DB{path: path}).wrapErr("checkpoint", err)
	}
	if cerr != nil {
		return fmt.Errorf("prepare database %s: %w", path, cerr)
	}
	if busy != 0 {
		return &InUseError{Path: path}
	}
	// The last connection to close deletes the -wal file; if it is still
	// there, another connection has the database open and may write to it
	// after it has been replaced.
	if _, err := os.Lstat(path + "-wal"); err == nil {
		return &InUseError{Path: path}
	}
	return nil
}
