package check

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// layout checks what every other command needs before it can run: the
// subfolders are folders, the database and settings are files, the folder
// can be written, and no restore was left half-done.
func (c *checker) layout(context.Context) string {
	for _, sub := range []struct{ path, what string }{
		{c.dir.Thumbnails(), "thumbnail cache"},
		{c.dir.Snapshots(), "safety snapshot folder"},
	} {
		st, err := os.Lstat(sub.path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// Created by the next command that needs it.
		case err != nil:
			c.add(Finding{Severity: Error, Kind: KindUnreadable, Path: sub.path}, "cannot read the %s %s: %v", sub.what, sub.path, err)
		case st.Mode()&fs.ModeSymlink != 0:
			c.add(Finding{Severity: Warning, Kind: KindSubfolderIsLink, Path: sub.path},
				"the %s %s is a link, not a folder inside the data folder", sub.what, sub.path)
		case !st.IsDir():
			c.add(Finding{Severity: Error, Kind: KindSubfolderIsFile, Path: sub.path},
				"the %s %s is a file, not a folder: sync, list and backup cannot run", sub.what, sub.path)
		}
	}
	for _, f := range []struct{ path, what string }{
		{c.dir.DB(), "database"},
		{c.dir.Config(), "settings file"},
		{c.dir.Lock(), "lock file"},
	} {
		if st, err := os.Stat(f.path); err == nil && st.IsDir() {
			c.add(Finding{Severity: Error, Kind: KindFileIsFolder, Path: f.path},
				"the %s %s is a folder, not a file", f.what, f.path)
		}
	}
	if err := store.CanWrite(c.dir.Root); err != nil {
		c.add(Finding{Severity: Warning, Kind: KindReadOnly, Path: c.dir.Root},
			"the data folder %s is read-only (%v): listing and backing up work, syncing and editing cannot save", c.dir.Root, err)
	}
	if _, err := os.Lstat(c.dir.Intent()); err == nil {
		c.add(Finding{Severity: Error, Kind: KindRestoreInterrupted, Path: c.dir.Intent()},
			"a restore was interrupted and is not complete yet (%s)", c.dir.Intent())
	}
	var left int
	for _, dir := range []string{c.dir.Root, c.dir.Snapshots()} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if atomicfile.IsTemp(e.Name()) {
				left++
			}
		}
	}
	if left > 0 {
		c.add(Finding{Severity: Hint, Kind: KindLeftovers, Count: left},
			"%d temporary files or folders left by an interrupted command", left)
	}
	return ""
}

// backups checks the configured backup destination is usable.
func (c *checker) backups(context.Context) string {
	cfg, err := config.Load(c.dir.Config())
	if err != nil {
		return "settings unreadable"
	}
	dest := cfg.Backup.Destination
	if dest == "" {
		return "no backup destination set"
	}
	st, err := os.Stat(dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.add(Finding{Severity: Warning, Kind: KindDestinationGone, Path: dest},
			"the backup destination %s is not there (is the drive connected?)", dest)
	case err != nil:
		c.add(Finding{Severity: Warning, Kind: KindDestinationUnreadable, Path: dest}, "cannot read the backup destination %s: %v", dest, err)
	case !st.IsDir():
		c.add(Finding{Severity: Error, Kind: KindDestinationIsFile, Path: dest}, "the backup destination %s is a file, not a folder", dest)
	default:
		if datadir.Contains(c.dir.Root, dest) {
			c.add(Finding{Severity: Error, Kind: KindDestinationInData, Path: dest},
				"the backup destination %s is the data folder or inside it: a backup there is lost with the data", dest)
		} else if datadir.Contains(dest, c.dir.Root) {
			c.add(Finding{Severity: Error, Kind: KindDestinationHoldsData, Path: dest},
				"the backup destination %s holds the data folder %s: backups are refused there", dest, c.dir.Root)
		}
	}
	return ""
}
