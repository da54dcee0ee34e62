package logfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Defaults for Options.
const (
	DefaultMaxBytes = 4 << 20 // 4 MiB a file
	DefaultKeep     = 3       // NAME.1 … NAME.3
)

// Options size the rotation.
type Options struct {
	// MaxBytes is the size (bytes) past which the file is rotated before
	// the next write; ≤ 0 means DefaultMaxBytes.
	MaxBytes int64
	// Keep is how many rotated files (NAME.1 … NAME.Keep) are kept; ≤ 0
	// means DefaultKeep.
	Keep int
}

// File is an append-only log file that rotates by size. It is safe for
// concurrent use; each Write lands whole in one file.
type File struct {
	path string
	opt  Options

	mu   sync.Mutex
	f    *os.File
	size int64
}

// Open opens (creating) the log file at path for appending, with its
// folder (mode 0700; the file is 0600: a log names the user's files). A
// file already past MaxBytes is rotated first.
func Open(path string, opt Options) (*File, error) {
	if path == "" {
		return nil, errors.New("logfile: no path")
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Keep <= 0 {
		opt.Keep = DefaultKeep
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the log folder: %w", err)
	}
	l := &File{path: path, opt: opt}
	if err := l.open(); err != nil {
		return nil, err
	}
	if l.size >= opt.MaxBytes {
		l.rotate()
	}
	return l, nil
}

func (l *File) open() error {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open the log file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open the log file: %w", err)
	}
	l.f, l.size = f, fi.Size()
	return nil
}

// Path is the current log file's path.
func (l *File) Path() string { return l.path }

// Write appends p, rotating first when p would take the file past
// MaxBytes (a file holding nothing yet takes p whatever its size).
func (l *File) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, os.ErrClosed
	}
	if l.size > 0 && l.size+int64(len(p)) > l.opt.MaxBytes {
		l.rotate()
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

// rotate shifts NAME.i to NAME.i+1 (dropping the oldest), NAME to NAME.1,
// and starts a new NAME. When a step fails the current file stays open and
// keeps growing: losing log lines is worse than a large file.
func (l *File) rotate() {
	for i := l.opt.Keep - 1; i >= 1; i-- {
		_ = os.Rename(l.old(i), l.old(i+1)) // a missing NAME.i is normal
	}
	if err := os.Rename(l.path, l.old(1)); err != nil {
		return
	}
	prev := l.f
	if err := l.open(); err != nil {
		// Keep writing to the renamed file rather than nowhere.
		l.f = prev
		return
	}
	prev.Close()
}

func (l *File) old(i int) string { return fmt.Sprintf("%s.%d", l.path, i) }

// Sync flushes the file to disk.
func (l *File) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return os.ErrClosed
	}
	return l.f.Sync()
}

// Close closes the file; later writes fail with os.ErrClosed.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
