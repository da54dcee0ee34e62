//go:build linux

package backup

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/store"
	"golang.org/x/sys/unix"
)

// mountTmpfs mounts a size-limited tmpfs (root only) and unmounts it when the
// test ends. It skips the test, saying why, where mounting is not allowed.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a %s tmpfs to simulate the destination (needs root or CAP_SYS_ADMIN): %v", size, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount %s read-only: %v", dir, err)
	}
}

// growDB makes the database about 1.5 MB, larger than the small destination.
func growDB(t *testing.T, db *store.DB) {
	t.Helper()
	var files []store.Contribution
	for i := range 1500 {
		files = append(files, store.Contribution{ID: "big" + strconv.Itoa(i), BatchID: "b1", Status: "pending",
			Caption: strings.Repeat("a long caption ", 60), UpdatedAt: t0})
	}
	if _, err := db.WriteBatchContributions(context.Background(), "b1", "v2", files, t0); err != nil {
		t.Fatal(err)
	}
}

func TestDestinationFullOrReadOnly(t *testing.T) {
	tests := []struct {
		name  string
		dest  func(t *testing.T) string
		want  Reason
		words string
	}{
		{"full", func(t *testing.T) string { return mountTmpfs(t, "256k") }, ReasonFull, "is full"},
		{"read-only", func(t *testing.T) string {
			d := mountTmpfs(t, "4m")
			remountReadOnly(t, d)
			return d
		}, ReasonReadOnly, "is read-only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			growDB(t, f.db)
			dest := tt.dest(t)
			localBefore := dump(t, f.dir.DB(), store.LocalOnlyTables...)
			before := tree(t, f.dir.Root)
			_, err := Snapshot(context.Background(), SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: dest, WithThumbnails: true, Now: f.clk.Now, Record: f.db})
			var de *DestinationError
			if !errors.As(err, &de) || de.Reason != tt.want {
				t.Fatalf("got %v, want a %v DestinationError", err, tt.want)
			}
			if msg := err.Error(); !strings.Contains(msg, dest) || !strings.Contains(msg, tt.words) || strings.Contains(msg, "stocksync ") {
				t.Errorf("message %q does not name %s and say %q, or names a command (the frontends say what to do)", msg, dest, tt.words)
			}
			if left := entries(t, dest); len(left) != 0 {
				t.Errorf("destination holds %v after the failure, want nothing", left)
			}
			// The data folder is as it was (the history row aside).
			after := tree(t, f.dir.Root)
			for k := range after {
				if _, ok := before[k]; !ok && !isSidecar(k) {
					t.Errorf("%s appeared in the data folder", k)
				}
			}
			sameDump(t, "local-only rows", dump(t, f.dir.DB(), store.LocalOnlyTables...), localBefore)
			run, err := f.db.LastBackupRun(context.Background(), KindSnapshot, false)
			if err != nil || run.OK || !strings.Contains(run.Detail, tt.words) {
				t.Errorf("history %+v %v: want the failure recorded", run, err)
			}
		})
	}
}

// A snapshot on read-only media verifies: the copy is a self-contained
// rollback-journal database, opened immutable.
func TestVerifyOnReadOnlyMedia(t *testing.T) {
	f := newFixture(t)
	dest := mountTmpfs(t, "8m")
	info, err := Snapshot(context.Background(), SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: dest, WithThumbnails: true, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	remountReadOnly(t, dest)
	rep, err := Verify(context.Background(), info.Path, VerifyOptions{Mark: true})
	if err != nil || !rep.OK {
		t.Fatalf("%v %+v", err, rep.Findings)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Check != CheckRecord {
		t.Errorf("findings %+v: want one hint that the result could not be noted", rep.Findings)
	}
	if left := entries(t, info.Path); len(left) != 5 { // manifest, db, config, thumbnails.json, thumbnails/
		t.Errorf("snapshot folder holds %v", left)
	}
}
