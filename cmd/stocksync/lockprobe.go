package main

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/stocksync/stocksync/core/datadir"
)

// thumbnailsLock is the lock the thumbnail downloader holds while it runs
// (`thumbnails --wait` or the background one `sync` starts).
func thumbnailsLock(d datadir.Dir) string { return filepath.Join(d.Root, "thumbnails.lock") }

// lockHeld reports whether another process holds the lock at path, without
// creating or writing anything (status reads a read-only data folder too):
// a missing file is not held.
func lockHeld(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
	if err == nil {
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		return false
	}
	return errors.Is(err, unix.EWOULDBLOCK)
}
