package logfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRotatesBySizeAndKeepsN(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Logs", "Stocksync", "Stocksync.log")
	l, err := Open(path, Options{MaxBytes: 10, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"aaaa\n", "bbbb\n", "cccc\n", "dddd\n", "eeee\n", "ffff\n", "gggg\n"} {
		if _, err := l.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// Two lines a file; only two old files are kept: "aaaa bbbb" went.
	for name, want := range map[string]string{
		path: "gggg\n", path + ".1": "eeee\nffff\n", path + ".2": "cccc\ndddd\n",
	} {
		if got := read(t, name); got != want {
			t.Errorf("%s = %q, want %q", filepath.Base(name), got, want)
		}
	}
	if _, err := os.Stat(path + ".3"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s.3 exists (err %v): Keep is 2", filepath.Base(path), err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v, want 0600", fi.Mode().Perm())
	}
	if _, err := l.Write([]byte("late\n")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("write after Close: %v, want os.ErrClosed", err)
	}
}

func TestOpenAppendsAndRotatesAnOversizedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path, Options{MaxBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	l.Write([]byte("new\n"))
	l.Close()
	if got := read(t, path); got != "old\nnew\n" {
		t.Errorf("appended log = %q", got)
	}
	// Relaunched with a smaller bound: the file is rotated at open.
	l, err = Open(path, Options{MaxBytes: 4})
	if err != nil {
		t.Fatal(err)
	}
	l.Write([]byte("x\n"))
	l.Close()
	if got, old := read(t, path), read(t, path+".1"); got != "x\n" || old != "old\nnew\n" {
		t.Errorf("after rotation at open: %q and %q", got, old)
	}
}

func TestALineLargerThanMaxIsWrittenWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	l, err := Open(path, Options{MaxBytes: 4})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("z", 20) + "\n"
	if n, err := l.Write([]byte(long)); err != nil || n != len(long) {
		t.Fatalf("Write = %d, %v", n, err)
	}
	l.Close()
	if got := read(t, path); got != long {
		t.Errorf("log = %q, want the whole line", got)
	}
}

func TestRotationThatCannotRenameKeepsWriting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	l, err := Open(path, Options{MaxBytes: 4, Keep: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Write([]byte("one\n"))
	// NAME.1 is a non-empty folder: the rename fails.
	if err := os.MkdirAll(filepath.Join(path+".1", "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Write([]byte("two\n")); err != nil {
		t.Fatalf("a failed rotation failed the write: %v", err)
	}
	if got := read(t, path); got != "one\ntwo\n" {
		t.Errorf("log = %q, want both lines", got)
	}
}

func TestOpenRefusesAnEmptyPath(t *testing.T) {
	if _, err := Open("", Options{}); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}
