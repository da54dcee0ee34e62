package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestStillInPlace(t *testing.T) {
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
