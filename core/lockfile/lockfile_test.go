package lockfile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecondAcquireRefusedWithHolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sync.lock")
	l, err := TryAcquire(p, "stocksync sync")
	if err != nil {
		t.Fatal(err)
	}
	_, err = TryAcquire(p, "stocksync sync")
	var he *HeldError
	if !errors.As(err, &he) || !errors.Is(err, ErrHeld) {
		t.Fatalf("err = %v, want HeldError", err)
	}
	if he.Holder.PID != os.Getpid() || he.Holder.Command != "stocksync sync" {
		t.Errorf("holder = %+v", he.Holder)
	}
	if !strings.Contains(err.Error(), "already running: stocksync sync") || !strings.Contains(err.Error(), p) {
		t.Errorf("message %q", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := TryAcquire(p, "again")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
	l2.Release() // idempotent
}

// A lock held by a killed process is free at once: flock is released by the kernel.
func TestLockOfKilledProcessIsFree(t *testing.T) {
	if os.Getenv("LOCKFILE_CHILD") != "" {
		if _, err := TryAcquire(os.Getenv("LOCKFILE_CHILD"), "child"); err != nil {
			os.Exit(3)
		}
		os.Stdout.Write([]byte("locked\n"))
		select {}
	}
	p := filepath.Join(t.TempDir(), "sync.lock")
	cmd := exec.Command(os.Args[0], "-test.run=TestLockOfKilledProcessIsFree")
	cmd.Env = append(os.Environ(), "LOCKFILE_CHILD="+p)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child did not lock: %q %v", buf, err)
	}
	if _, err := TryAcquire(p, "parent"); !errors.Is(err, ErrHeld) {
		t.Fatalf("while child holds it: err = %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := TryAcquire(p, "parent")
	if err != nil {
		t.Fatalf("after kill: %v", err)
	}
	l.Release()
}

func TestCreateMarkedIsInUseUntilReleased(t *testing.T) {
	dir := t.TempDir()
	p, mark, err := CreateMarked(dir, func() (string, error) { return os.MkdirTemp(dir, "x-") })
	if err != nil {
		t.Fatal(err)
	}
	if !InUse(p) {
		t.Error("a marked folder is not in use")
	}
	unlock := LockForCleaning(dir)
	unlock()
	mark.Release()
	if InUse(p) {
		t.Error("a released folder is still in use")
	}
}

func TestHeldProbesWithoutCreating(t *testing.T) {
	p := filepath.Join(t.TempDir(), "thumbnails.lock")
	if Held(p) {
		t.Error("a missing lock is held")
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Held created the lock file: %v", err)
	}
	l, err := TryAcquire(p, "stocksync thumbnails")
	if err != nil {
		t.Fatal(err)
	}
	if !Held(p) {
		t.Error("an acquired lock is not held")
	}
	l.Release()
	if Held(p) {
		t.Error("a released lock is still held")
	}
}
