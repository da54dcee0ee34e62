package backup

import (
	"context"
	"testing"
)

// The snapshot offered when the database cannot be used: a verified one
// before a newer unverified one; none when the folders hold none.
func TestNewestRestorable(t *testing.T) {
	f := newFixture(t)
	if _, found := NewestRestorable(f.dir); found {
		t.Fatal("found a snapshot in empty folders")
	}
	older := f.snapshot(t, false)
	if _, err := Verify(context.Background(), older.Path, VerifyOptions{Mark: true}); err != nil {
		t.Fatal(err)
	}
	newer := f.snapshot(t, false) // not verified
	got, found := NewestRestorable(f.dir)
	if !found || got.Path != older.Path {
		t.Errorf("NewestRestorable = %s, %v; want the verified %s over the newer unverified %s", got.Path, found, older.Path, newer.Path)
	}
	if _, err := Verify(context.Background(), newer.Path, VerifyOptions{Mark: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := NewestRestorable(f.dir); got.Path != newer.Path {
		t.Errorf("both verified: got %s, want the newer %s", got.Path, newer.Path)
	}
	if _, found := newestRestorableIn(f.dir, ""); found {
		t.Error("without the backup folder, a snapshot was found in an empty snapshots/")
	}
}
