package store

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrCorrupt means the database file is damaged or is not a database.
var ErrCorrupt = errors.New("database is damaged")

// CorruptError names the damaged file and what to do. Nothing is ever written
// to a file in this state: the user may still recover rows from it.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("database %s is damaged or is not a Stocksync database (%v). It was left untouched. "+
		"Restore it from a backup with `stocksync restore SNAPSHOT` (see `stocksync backup list`), "+
		"or move it away and run `stocksync sync` to fetch the server data again", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

// TooNewError means the database was written by a newer Stocksync.
type TooNewError struct {
	Path         string
	Found, Known int
}

func (e *TooNewError) Error() string {
	return fmt.Sprintf("database %s has schema version %d, but this Stocksync only knows versions up to %d: "+
		"install the newer Stocksync that wrote it (the database was not changed)", e.Path, e.Found, e.Known)
}

// ErrDuplicate is returned when a row that must be unique exists already.
var ErrDuplicate = errors.New("already exists")

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("not found")

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

func isCorrupt(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CORRUPT || c == sqlite3.SQLITE_NOTADB
}

func isUnique(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
