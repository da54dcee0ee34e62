//go:build unix

package store

import (
	"errors"

	"golang.org/x/sys/unix"
)

// CanWrite reports whether this process may write path (a file or a folder),
// without writing anything: nil if it may, else the reason (access(2) with
// W_OK: unix.EROFS for a read-only disk, unix.EACCES for permissions,
// unix.ENOENT for a missing path).
func CanWrite(path string) error { return unix.Access(path, unix.W_OK) }

// isReadOnly reports whether err (from CanWrite) means the path is read-only
// rather than that it could not be asked about.
func isReadOnly(err error) bool { return errors.Is(err, unix.EROFS) || errors.Is(err, unix.EACCES) }
