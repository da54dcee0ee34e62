//go:build linux

package backup

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// The dry run's copy of the database goes in the data folder; when that
// disk is full the dry run still works, from a copy in the system's
// temporary folder (a full disk is when a user most wants to look before
// restoring). A real full file system: a small tmpfs, so root only.
func TestPreviewOnFullDisk(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	f := newFixture(t)
	snap := f.snapshot(t, false)
	f.close(t)
	st, err := os.Stat(f.dir.DB())
	if err != nil {
		t.Fatal(err)
	}
	mnt := t.TempDir()
	size := st.Size() + 256<<10
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.FormatInt(size, 10), "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	live := f.dir
	live.Root = filepath.Join(mnt, "data")
	if err := os.CopyFS(live.Root, os.DirFS(f.dir.Root)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	want, err := Restore(ctx, live, snap.Path, RestoreOptions{LocalOnly: true, DryRun: true, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	// Fill the disk.
	fill, err := os.Create(filepath.Join(mnt, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	for {
		if _, err := fill.Write(buf); err != nil {
			break
		}
	}
	fill.Close()
	t.Setenv("TMPDIR", t.TempDir())
	got, err := Restore(ctx, live, snap.Path, RestoreOptions{LocalOnly: true, DryRun: true, Now: f.clk.Now})
	if err != nil {
		t.Fatalf("dry run on a full disk: %v", err)
	}
	if !reflect.DeepEqual(got.LocalOnly, want.LocalOnly) || len(got.Changes) != len(want.Changes) {
		t.Errorf("dry run on a full disk: %+v, want %+v", got.LocalOnly, want.LocalOnly)
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Errorf("left in the temporary folder: %v", left)
	}
}
