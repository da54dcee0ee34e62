package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrReadOnly matches a *ReadOnlyError.
var ErrReadOnly = errors.New("data folder is read-only")

// ReadOnlyError means the database cannot be written because its folder (or
// the disk under it) is read-only. Reading still works (OpenReadOnly).
type ReadOnlyError struct {
	Dir string
	Err error
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("the data folder %s is read-only (%v): Stocksync cannot save anything there. "+
		"Check the disk (macOS and Linux make a disk read-only after errors) or the folder's permissions; "+
		"nothing was changed", e.Dir, e.Err)
}

func (e *ReadOnlyError) Unwrap() []error { return []error{ErrReadOnly, e.Err} }

// writable reports why dir cannot be written, or nil: a read-only disk (it
// holds even for root, whom permission bits do not stop) or no permission.
// Other failures to ask are left for the write itself to report.
func writable(dir string) error {
	if err := CanWrite(dir); err != nil && isReadOnly(err) {
		return err
	}
	return nil
}

// ErrGone matches a *GoneError.
var ErrGone = errors.New("database was removed")

// GoneError means the database file was deleted, moved or replaced while
// this process had it open: whatever is written now is lost with it.
type GoneError struct{ Path string }

func (e *GoneError) Error() string {
	return fmt.Sprintf("the database %s was removed or replaced while Stocksync had it open (was the data folder "+
		"deleted or moved?); what was written since is gone with it. Put the folder back, or run the command again "+
		"to start a new one", e.Path)
}

func (e *GoneError) Is(target error) bool { return target == ErrGone }

// StillInPlace checks that the database path still names the file this DB
// opened. Long runs (a sync) call it so they never report success for work
// written into a deleted file.
func (db *DB) StillInPlace() error {
	if db.opened == nil {
		return nil
	}
	st, err := os.Stat(db.path)
	if err != nil || !os.SameFile(st, db.opened) {
		return &GoneError{Path: db.path}
	}
	return nil
}

func (db *DB) rememberFile() {
	if st, err := os.Stat(db.path); err == nil {
		db.opened = st
	}
}

func readOnlyCheck(path string) error {
	dir := filepath.Dir(path)
	if err := writable(dir); err != nil {
		return &ReadOnlyError{Dir: dir, Err: err}
	}
	return nil
}
