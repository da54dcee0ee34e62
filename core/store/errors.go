package store

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrCorrupt means the database file is damaged or is not a database.
var ErrCorrupt = errors.New("database is damaged")

// CorruptError names the database file that is not a usable Stocksync
// database and why (Problem). Nothing is ever written to a file in this
// state: the user may still recover rows from it. Every command except
// check, restore and backup list refuses to run on it.
type CorruptError struct {
	Path    string
	Problem Problem // ProblemDamaged when unset
	Err     error
}

// Kind is e.Problem, ProblemDamaged when unset.
func (e *CorruptError) Kind() Problem {
	if e.Problem == "" {
		return ProblemDamaged
	}
	return e.Problem
}

func (e *CorruptError) Error() string {
	what := "is damaged or is not a Stocksync database"
	switch e.Kind() {
	case ProblemEmpty:
		what = "is empty (0 bytes): its data was lost"
	case ProblemNotSQLite:
		what = "is not a database"
	case ProblemForeign:
		what = "is another application's database, not Stocksync's"
	case ProblemIntegrity:
		what = "has damaged pages"
	}
	return fmt.Sprintf("database %s %s (%v); it was left untouched", e.Path, what, e.Err)
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

// What a *NotFoundError did not find.
const (
	NotFoundPendingUpload = "pending upload" // pending_uploads.id
	NotFoundFile          = "file"           // contributions.id (ESP's contribution ID)
)

// NotFoundError names the row asked for that does not exist: What is
// NotFoundPendingUpload or NotFoundFile, ID its ID as the user gave it.
// errors.Is(err, ErrNotFound) holds. The text states the fact only; the
// frontends say where to find IDs.
type NotFoundError struct {
	What string
	ID   string
}

func (e *NotFoundError) Error() string {
	if e.What == NotFoundFile {
		return fmt.Sprintf("file %s is not in the local portfolio", e.ID)
	}
	return fmt.Sprintf("there is no %s %s", e.What, e.ID)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// isDiskFull reports SQLite's own "disk full" and its failure to grow the
// -shm index (SQLITE_IOERR_SHMSIZE, which is what opening a WAL database on a
// full disk gives: the index cannot be allocated).
func isDiskFull(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code()&0xff == sqlite3.SQLITE_FULL || se.Code() == sqlite3.SQLITE_IOERR_SHMSIZE
}

func isCorrupt(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CORRUPT || c == sqlite3.SQLITE_NOTADB
}

func problemOf(err error) Problem {
	if sqliteCode(err) == sqlite3.SQLITE_NOTADB {
		return ProblemNotSQLite
	}
	return ProblemDamaged
}

func isUnique(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// CorruptionOf returns err as a *CorruptError for the database at path when
// it is SQLite's "damaged" or "not a database" (met while reading a file that
// opened, e.g. read-only without a full check), else nil.
func CorruptionOf(path string, err error) *CorruptError {
	var ce *CorruptError
	if errors.As(err, &ce) {
		return ce
	}
	if isCorrupt(err) {
		return &CorruptError{Path: path, Problem: problemOf(err), Err: err}
	}
	return nil
}
