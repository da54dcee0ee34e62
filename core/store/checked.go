package store

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
)

// CheckedSuffix names the record beside the database (stocksync.db-checked)
// that lets a writable Open skip SQLite's quick_check: written by Close after
// a clean shutdown, it holds the identity of the file as it was left (device,
// inode, size, modification and change times) and when quick_check last found
// it healthy. A missing, unreadable or stale record only costs a check.
const CheckedSuffix = "-checked"

// RecheckAfter is how long a database that was closed cleanly and not
// touched since is opened without quick_check; past it the next writable
// Open checks it again (damage that changes no file time: a failing disk).
const RecheckAfter = 24 * time.Hour

// checkedRecord is the JSON in the CheckedSuffix file.
type checkedRecord struct {
	Version   int       `json:"v"`
	File      fileIdent `json:"file"`
	CheckedAt time.Time `json:"checked_at"`
}

const checkedVersion = 1

// fileIdent is what identifies one state of a file: any write (ours or
// another program's), a replacement by rename, or a restore changes it.
type fileIdent struct {
	Dev     uint64 `json:"dev"`
	Inode   uint64 `json:"ino"`
	Size    int64  `json:"size"`
	ModNano int64  `json:"mtime_ns"`
	ChgNano int64  `json:"ctime_ns"`
}

// cleanSince reports whether the database at path may be opened without
// quick_check, and when it was last checked: the record beside it must name
// this very file state, quick_check must have passed within RecheckAfter
// (by now), and no WAL with content may lie beside it (a WAL left with
// frames means the last writer did not close cleanly).
func cleanSince(path string, now time.Time) (time.Time, bool) {
	b, err := os.ReadFile(path + CheckedSuffix)
	if err != nil {
		return time.Time{}, false
	}
	var rec checkedRecord
	if json.Unmarshal(b, &rec) != nil || rec.Version != checkedVersion {
		return time.Time{}, false
	}
	if age := now.Sub(rec.CheckedAt); age < 0 || age >= RecheckAfter {
		return time.Time{}, false
	}
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 || err != nil && !errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, false
	}
	id, ok := fileState(path)
	if !ok || id != rec.File {
		return time.Time{}, false
	}
	return rec.CheckedAt, true
}

// recordClean writes the record for the database at path as it is now,
// after the last connection closed: only when no WAL with content is left
// (another process still writing, or a checkpoint that could not finish).
// Best effort: a record that cannot be written means a check next time.
func recordClean(path string, checkedAt time.Time) {
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 || err != nil && !errors.Is(err, fs.ErrNotExist) {
		forgetClean(path)
		return
	}
	id, ok := fileState(path)
	if !ok {
		forgetClean(path)
		return
	}
	b, _ := json.Marshal(checkedRecord{Version: checkedVersion, File: id, CheckedAt: checkedAt.UTC()})
	if writeUnsynced(path+CheckedSuffix, b) != nil {
		forgetClean(path)
	}
}

// writeUnsynced replaces path with data through a temporary file and a
// rename, without fsync: a record lost or left empty by a power cut is
// unreadable or names another file state, which only costs a check, and the
// two fsyncs took a millisecond of every sync's close.
func writeUnsynced(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), atomicfile.TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// forgetClean removes the record, so the next writable Open checks.
func forgetClean(path string) { os.Remove(path + CheckedSuffix) }
