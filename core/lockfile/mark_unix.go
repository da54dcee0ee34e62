//go:build unix

package lockfile

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Mark holds a shared lock on path (a temporary file or folder being
// written) until Release, so that cleaners (InUse) leave it alone; the
// kernel drops it when the process dies, which is what tells a cleaner the
// temporary is a leftover.
func Mark(path string) (*Lock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mark %s in use: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("mark %s in use: %w", path, err)
	}
	return &Lock{f: f, shared: true}, nil
}

// InUse reports whether a process holds a lock on path (Mark or
// TryAcquire). A path that cannot be opened is not in use.
func InUse(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return errors.Is(err, unix.EWOULDBLOCK)
	}
	unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return false
}

// CreateMarked runs create (which makes one temporary file or folder in
// parent and returns its path) and marks the result in use (Mark), while
// holding a shared lock on parent itself: a cleaner (LockForCleaning) never
// sees the temporary between its creation and its mark.
func CreateMarked(parent string, create func() (string, error)) (string, *Lock, error) {
	d, err := os.Open(parent)
	if err != nil {
		return "", nil, err
	}
	defer d.Close()
	if err := unix.Flock(int(d.Fd()), unix.LOCK_SH); err != nil {
		return "", nil, fmt.Errorf("lock %s: %w", parent, err)
	}
	defer unix.Flock(int(d.Fd()), unix.LOCK_UN)
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

// LockForCleaning holds an exclusive lock on the folder dir while a cleaner
// looks for unmarked temporaries in it (see CreateMarked). Call the
// returned function to let go. A folder that cannot be locked gives a no-op.
func LockForCleaning(dir string) func() {
	d, err := os.Open(dir)
	if err != nil {
		return func() {}
	}
	if err := unix.Flock(int(d.Fd()), unix.LOCK_EX); err != nil {
		d.Close()
		return func() {}
	}
	return func() {
		unix.Flock(int(d.Fd()), unix.LOCK_UN)
		d.Close()
	}
}

// Held reports whether another process holds the lock at path (TryAcquire),
// without creating or writing anything: a missing file is not held. Unlike
// InUse it only asks for a shared lock, so two processes probing at once do
// not see each other.
func Held(path string) bool {
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

func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}

// tryLockExclusive takes flock(2)'s exclusive lock on f without waiting.
func tryLockExclusive(f *os.File) error {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return fmt.Errorf("%w: %w", errWouldBlock, err)
	}
	return err
}

// unlock lets go of l's flock (a TryAcquire or a Mark alike).
func unlock(l *Lock) error { return unix.Flock(int(l.f.Fd()), unix.LOCK_UN) }
