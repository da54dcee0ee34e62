package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestStillInPlace(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not let an open database file be moved or replaced")
	}
	db := openTemp(t)
	if err := db.StillInPlace(); err != nil {
		t.Fatalf("fresh database: %v", err)
	}
	moved := db.Path() + ".moved"
	if err := os.Rename(db.Path(), moved); err != nil {
		t.Fatal(err)
	}
	if err := db.StillInPlace(); !errors.Is(err, ErrGone) {
		t.Fatalf("after a move: %v, want ErrGone", err)
	}
	// A different file at the same path is not the one we write to either.
	os.WriteFile(db.Path(), nil, 0o600)
	if err := db.StillInPlace(); !errors.Is(err, ErrGone) {
		t.Fatalf("after a replace: %v, want ErrGone", err)
	}
}

func TestReadOnlyFolderSaysSo(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes through permission bits; internal/reliability tests a real read-only mount")
	}
	if runtime.GOOS == "windows" {
		t.Skip("a folder is made read-only with access control lists on Windows; TestCanWrite covers a read-only file")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(dir, 0o700)
	p := filepath.Join(dir, "stocksync.db")
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	_, err = Open(ctx, p, Options{})
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("err = %v, want ErrReadOnly", err)
	}
	ro, err := OpenReadOnly(ctx, p)
	if err != nil {
		t.Fatalf("reading a read-only folder: %v", err)
	}
	if _, err := ro.Summary(ctx); err != nil {
		t.Fatal(err)
	}
	ro.Close()
}

func TestCanWrite(t *testing.T) {
	dir := t.TempDir()
	if err := CanWrite(dir); err != nil {
		t.Errorf("a new folder: %v", err)
	}
	if err := CanWrite(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing path: %v, want ErrNotExist", err)
	}
	p := filepath.Join(dir, "stocksync.db")
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CanWrite(p); err != nil {
		t.Errorf("a writable file: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("asking left files behind: %v", entries)
	}
	if got, _ := os.ReadFile(p); string(got) != "x" {
		t.Errorf("asking changed the file: %q", got)
	}
	if os.Geteuid() == 0 {
		t.Skip("root writes through permission bits")
	}
	os.Chmod(p, 0o400)
	defer os.Chmod(p, 0o600)
	if err := CanWrite(p); err == nil || !isReadOnly(err) {
		t.Errorf("a read-only file: %v, want a read-only error", err)
	}
}
