//go:build windows

package lockfile

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// On Windows the lock of TryAcquire is LockFileEx on one byte far past the
// end of the lock file: Windows byte-range locks are mandatory, so locking
// the record itself would stop a refused process from reading who holds it.
// Like flock, the lock goes with the handle when the process dies.
//
// Marks (Mark, InUse, CreateMarked, LockForCleaning) apply to folders too,
// where byte-range locks do not exist; they use sharing modes instead: a mark
// is a handle open for reading that shares everything (so the marked file or
// folder can still be written, renamed and deleted), and a cleaner asks for a
// handle for reading that does not share reading, which Windows refuses while
// another reading handle is open (and which, sharing writing and deleting,
// does not stop writers, renames or deletes; only other readers of the folder
// wait for the moment of cleaning).
const (
	lockOffsetHigh = 0x40000000 // the byte at 2^62
	shareAll       = windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE
)

// How long a creator (CreateMarked) and a cleaner (LockForCleaning) wait for
// the other's handle on a folder.
const (
	creatorRetries  = 200
	cleanerRetries  = 20
	folderRetryWait = 10 * time.Millisecond
)

// open opens path (a file or a folder) with the given access and sharing.
func open(path string, access, share, disposition uint32) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, access, share, nil, disposition,
		windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

func openLockFile(path string) (*os.File, error) {
	return open(path, windows.GENERIC_READ|windows.GENERIC_WRITE, shareAll, windows.OPEN_ALWAYS)
}

func lockRange(f *os.File, flags uint32) error {
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return fmt.Errorf("%w: %w", errWouldBlock, err)
	}
	return err
}

// tryLockExclusive takes the exclusive byte-range lock on f without waiting.
func tryLockExclusive(f *os.File) error { return lockRange(f, windows.LOCKFILE_EXCLUSIVE_LOCK) }

// unlock lets go of l's byte-range lock; a mark holds none (its handle is
// the mark, and Release closes it).
func unlock(l *Lock) error {
	if l.shared {
		return nil
	}
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	return windows.UnlockFileEx(windows.Handle(l.f.Fd()), 0, 1, 0, ol)
}

// Held reports whether another process holds the lock at path (TryAcquire),
// without creating or writing anything: a missing file is not held.
func Held(path string) bool {
	f, err := open(path, windows.GENERIC_READ, shareAll, windows.OPEN_EXISTING)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := lockRange(f, 0); err != nil {
		return errors.Is(err, errWouldBlock)
	}
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
	return false
}

// Mark holds path (a temporary file or folder being written) open until
// Release, so that cleaners (InUse) leave it alone; the handle closes when
// the process dies, which is what tells a cleaner the temporary is a leftover.
func Mark(path string) (*Lock, error) {
	f, err := open(path, windows.GENERIC_READ, shareAll, windows.OPEN_EXISTING)
	if err != nil {
		return nil, fmt.Errorf("mark %s in use: %w", path, err)
	}
	return &Lock{f: f, shared: true}, nil
}

// openAlone opens path for reading without sharing reading: it fails with a
// sharing violation while another reading handle (a mark, a lock, a creator)
// is open on it. It must ask for read access itself: Windows checks sharing
// only for handles that read, write or delete, not for attribute-only ones.
func openAlone(path string) (*os.File, error) {
	return open(path, windows.GENERIC_READ, windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, windows.OPEN_EXISTING)
}

// InUse reports whether a process holds path open as a mark or a lock (Mark
// or TryAcquire). A path that cannot be opened for another reason is not in
// use. Any other program reading it (an editor, a virus scanner) counts as
// in use too: a cleaner then leaves it for next time.
func InUse(path string) bool {
	f, err := openAlone(path)
	if err != nil {
		return errors.Is(err, windows.ERROR_SHARING_VIOLATION)
	}
	f.Close()
	return false
}

// CreateMarked runs create (which makes one temporary file or folder in
// parent and returns its path) and marks the result in use (Mark), while
// holding parent open: a cleaner (LockForCleaning) never sees the temporary
// between its creation and its mark.
func CreateMarked(parent string, create func() (string, error)) (string, *Lock, error) {
	var d *os.File
	for try := 0; ; try++ {
		var err error
		d, err = open(parent, windows.GENERIC_READ, shareAll, windows.OPEN_EXISTING)
		if err == nil {
			break
		}
		if !errors.Is(err, windows.ERROR_SHARING_VIOLATION) || try == creatorRetries {
			return "", nil, fmt.Errorf("lock %s: %w", parent, err)
		}
		time.Sleep(folderRetryWait) // a cleaner holds the folder alone
	}
	defer d.Close()
	p, err := create()
	if err != nil {
		return "", nil, err
	}
	mark, err := Mark(p)
	if err != nil {
		return p, nil, err
	}
	return p, mark, nil
}

// LockForCleaning holds the folder dir so that no creator (CreateMarked)
// opens it while a cleaner looks for unmarked temporaries in it. Call the
// returned function to let go. A folder that cannot be held within a fraction
// of a second (another program, such as a watcher, keeps it open for reading)
// gives a no-op, as on a system without locks.
func LockForCleaning(dir string) func() {
	for try := 0; try <= cleanerRetries; try++ {
		d, err := openAlone(dir)
		if err == nil {
			return func() { d.Close() }
		}
		if !errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
			break
		}
		time.Sleep(folderRetryWait)
	}
	return func() {}
}
