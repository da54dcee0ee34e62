//go:build linux

package store

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Opening a database on a full disk is ErrDiskFull, said once: SQLite
// cannot allocate the -shm index and reported "disk I/O error (4874)" of no
// kind, under a doubled "open database PATH:" prefix (found by a breaker
// with a full tmpfs). A real full file system: a small tmpfs, so root only.
func TestOpenOnFullDisk(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	path := filepath.Join(mnt, "stocksync.db")
	db, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + "-shm")
	os.Remove(path + CheckedSuffix)
	fill, err := os.Create(filepath.Join(mnt, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(fill, io.LimitReader(zeroReader{}, 4<<20)) // until the disk is full
	fill.Close()

	_, err = Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("open on a full disk: %v; want ErrDiskFull", err)
	}
	if n := strings.Count(err.Error(), "open database"); n != 1 {
		t.Errorf("%q says \"open database\" %d times, want once", err, n)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }
