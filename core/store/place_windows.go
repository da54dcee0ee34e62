//go:build windows

package store

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"

	"github.com/stocksync/stocksync/core/atomicfile"
)

// CanWrite reports whether this process may write path (a file or a folder):
// nil if it may, else the reason. Windows has no access(2), so it tries: a
// file is opened for writing (nothing is written), a folder gets a temporary
// file (atomicfile.TempPrefix, so watchers ignore it) that is removed at once.
// A read-only file attribute or permissions give an error matching
// fs.ErrPermission, a write-protected disk windows.ERROR_WRITE_PROTECT, a
// missing path fs.ErrNotExist.
func CanWrite(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		if st.Mode().Perm()&0o200 == 0 { // the read-only attribute: Windows refuses writes to it
			return &os.PathError{Op: "open", Path: path, Err: windows.ERROR_ACCESS_DENIED}
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		return f.Close()
	}
	f, err := os.CreateTemp(path, atomicfile.TempPrefix+"probe-")
	if err != nil {
		return err
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// isReadOnly reports whether err (from CanWrite) means the path is read-only
// rather than that it could not be asked about.
func isReadOnly(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, windows.ERROR_WRITE_PROTECT)
}
