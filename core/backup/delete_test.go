package backup

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestDeleteRefusesTheNewestVerifiedUnlessForced(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	old := f.snapshot(t, false)
	newest := f.snapshot(t, false)
	for _, s := range []Info{old, newest} {
		if _, err := Verify(ctx, s.Path, VerifyOptions{Mark: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Delete(newest.Path, false); !errors.Is(err, ErrNewestVerified) {
		t.Fatalf("deleting the newest verified snapshot: %v, want ErrNewestVerified", err)
	} else if strings.Contains(err.Error(), "--") {
		t.Errorf("core's error names a command-line flag (the app shows it too): %v", err)
	}
	if _, err := os.Stat(newest.Path); err != nil {
		t.Fatal("the refused snapshot is gone")
	}
	if _, err := Delete(old.Path, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old.Path); err == nil {
		t.Error("the deleted snapshot is still there")
	}
	if _, err := Delete(newest.Path, true); err != nil {
		t.Fatalf("--force: %v", err)
	}
	if _, err := Delete(f.dir.Root, true); err == nil {
		t.Error("deleted a folder that is not a snapshot")
	}
	if _, err := os.Stat(f.dir.Root); err != nil {
		t.Error("the data folder is gone")
	}
	if l, _ := List(f.dest); len(l) != 0 {
		t.Errorf("%d snapshots left", len(l))
	}
}
