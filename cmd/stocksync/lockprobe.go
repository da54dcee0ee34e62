package main

import (
	"path/filepath"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
)

// thumbnailsLock is the lock the thumbnail downloader holds while it runs
// (`thumbnails --wait` or the background one `sync` starts).
func thumbnailsLock(d datadir.Dir) string { return filepath.Join(d.Root, "thumbnails.lock") }

// lockHeld reports whether another process holds the lock at path, without
// creating or writing anything (status reads a read-only data folder too):
// a missing file is not held.
func lockHeld(path string) bool { return lockfile.Held(path) }
