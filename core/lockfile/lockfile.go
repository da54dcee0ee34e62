package lockfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// Holder describes the process holding a lock.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Host    string    `json:"host"`
	Since   time.Time `json:"since"`
}

// HeldError is returned when another process holds the lock.
type HeldError struct {
	Path   string
	Holder Holder // zero if the holder could not be read
}

// ErrHeld matches any HeldError.
var ErrHeld = errors.New("lock is held by another process")

func (e *HeldError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return fmt.Sprintf("another Stocksync process is already running this job on the data folder (lock %s); wait for it to finish", e.Path)
	}
	return fmt.Sprintf("already running: %s (pid %d on %s, started %s; lock %s). Wait for it to finish, or stop that process",
		h.Command, h.PID, h.Host, h.Since.Local().Format("15:04:05"), e.Path)
}

func (e *HeldError) Is(target error) bool { return target == ErrHeld }

// errWouldBlock is what the platform's non-blocking lock call returns
// (wrapped) when another process holds a conflicting lock.
var errWouldBlock = errors.New("lock would block")

// Lock is a held lock. Release it when done; the kernel releases it if the
// process dies.
type Lock struct {
	f      *os.File
	shared bool // a Mark: nothing was written to the file
}

// How long TryAcquire looks again for a holder's record that is being
// written or cleared (at most holderRetries × holderRetryWait).
const (
	holderRetries   = 20
	holderRetryWait = 5 * time.Millisecond
)

// TryAcquire takes the lock at path without waiting for its holder, recording command as
// what holds it. If another process holds it, the error is a *HeldError.
func TryAcquire(path, command string) (*Lock, error) {
	f, err := openLockFile(path)
	if err != nil {
		if st, serr := os.Stat(path); serr == nil && st.IsDir() {
			return nil, fmt.Errorf("the lock file %s is a folder, not a file: move it away (mv %q %q)", path, path, path+".moved")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	for try := 0; ; try++ {
		err := tryLockExclusive(f)
		if err == nil {
			break
		}
		if !errors.Is(err, errWouldBlock) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		// The holder writes who it is just after taking the lock, and
		// clears it just before letting go: an empty record means one of
		// those instants. Look again briefly, so the refusal can say what
		// is running, or take the lock if it was let go.
		h := readHolder(path)
		if h.PID != 0 || try == holderRetries {
			f.Close()
			return nil, &HeldError{Path: path, Holder: h}
		}
		time.Sleep(holderRetryWait)
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Command: command, Host: host, Since: time.Now()})
	// Written in place, not atomically: the lock is on this inode, and readers
	// tolerate a torn record (they only show it).
	if err := f.Truncate(0); err == nil {
		f.WriteAt(append(b, '\n'), 0)
	}
	return &Lock{f: f}, nil
}

func readHolder(path string) Holder {
	var h Holder
	b, err := os.ReadFile(path)
	if err == nil {
		json.Unmarshal(b, &h)
	}
	return h
}

// Release gives the lock up. It is safe to call more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	if !l.shared {
		l.f.Truncate(0)
	}
	err := unlock(l)
	cerr := l.f.Close()
	l.f = nil
	return errors.Join(err, cerr)
}
