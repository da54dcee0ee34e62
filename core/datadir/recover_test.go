package datadir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/lockfile"
)

func lookupEnv(home string, vars map[string]string) Env {
	e := envOf("linux", home, vars)
	e.LookupEnv = func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	return e
}

// An empty value never means the default folder, and ~ is the home folder
// (issue 12, items 1 and 14: STOCKSYNC_DATA_DIR='~/x' made a literal ./~/x).
func TestResolveEmptyAndTilde(t *testing.T) {
	for _, v := range []string{"", "  ", "\t"} {
		_, err := Resolve("", lookupEnv("/home/ann", map[string]string{EnvDataDir: v}))
		var ee *EmptyValueError
		if !errors.As(err, &ee) || ee.Name != EnvDataDir {
			t.Errorf("%s=%q: err = %v, want an EmptyValueError naming the variable", EnvDataDir, v, err)
		}
	}
	var ee *EmptyValueError
	if _, err := Resolve("   ", lookupEnv("/home/ann", nil)); !errors.As(err, &ee) {
		t.Errorf("--data-dir of spaces: err = %v, want an EmptyValueError", err)
	}
	for in, want := range map[string]string{"~/x": "/home/ann/x", "~": "/home/ann", "~/a/../b": "/home/ann/b"} {
		got, err := Resolve("", lookupEnv("/home/ann", map[string]string{EnvDataDir: in}))
		if err != nil || got != want {
			t.Errorf("%s=%q: %q, %v; want %q", EnvDataDir, in, got, err, want)
		}
		if got, err := Resolve(in, lookupEnv("/home/ann", nil)); err != nil || got != want {
			t.Errorf("--data-dir %q: %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Resolve("~bob/x", lookupEnv("/home/ann", nil)); err == nil {
		t.Error("~bob/x: want an error, not a folder named ~bob")
	}
}

func TestFinishSwitchIsIdempotentAtEveryStep(t *testing.T) {
	for step := 0; step <= 2; step++ {
		d := Dir{Root: t.TempDir()}
		write := func(p, s string) {
			if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write(d.DB(), "old db")
		write(d.DB()+"-wal", "old wal")
		write(d.Config(), "old config")
		newDB, newCfg := filepath.Join(d.Root, ".stocksync-tmp-restore-1.db"), filepath.Join(d.Root, ".stocksync-tmp-restore-1.json")
		write(newDB, "new db")
		write(newCfg, "new config")
		in := Intent{What: "restore of x", Swaps: []Swap{{From: newDB, To: d.DB(), DropSidecars: true}, {From: newCfg, To: d.Config()}}}
		if err := d.BeginSwitch(in); err != nil {
			t.Fatal(err)
		}
		// A crash after `step` swaps.
		for i := 0; i < step; i++ {
			s := in.Swaps[i]
			if s.DropSidecars {
				os.Remove(s.To + "-wal")
			}
			os.Rename(s.From, s.To)
		}
		r, err := d.Recover()
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if r.Completed != in.What {
			t.Errorf("step %d: completed %q", step, r.Completed)
		}
		for p, want := range map[string]string{d.DB(): "new db", d.Config(): "new config"} {
			if b, _ := os.ReadFile(p); string(b) != want {
				t.Errorf("step %d: %s = %q, want %q", step, p, b, want)
			}
		}
		for _, gone := range []string{d.Intent(), d.DB() + "-wal", newDB, newCfg} {
			if _, err := os.Lstat(gone); err == nil {
				t.Errorf("step %d: %s still exists", step, gone)
			}
		}
	}
}

// Leftover temporary folders are removed at the next start, not after 24 h;
// one a live process is writing is kept (issue 12, item 12).
func TestRecoverRemovesLeftoversNotLiveTemps(t *testing.T) {
	d := Dir{Root: t.TempDir()}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	dead := filepath.Join(d.Snapshots(), ".stocksync-tmp-snapshot-123")
	live := filepath.Join(d.Snapshots(), ".stocksync-tmp-snapshot-456")
	deadFile := filepath.Join(d.Root, ".stocksync-tmp-restore-9.db")
	for _, p := range []string{dead, live} {
		os.MkdirAll(filepath.Join(p, "thumbnails"), 0o700)
		os.Chtimes(p, old, old)
	}
	os.WriteFile(deadFile, []byte("x"), 0o600)
	os.Chtimes(deadFile, old, old)
	mark, err := lockfile.Mark(live)
	if err != nil {
		t.Fatal(err)
	}
	defer mark.Release()
	// While another process holds the data folder's lock, nothing is touched.
	held, err := lockfile.TryAcquire(d.Lock(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := d.Recover(); err != nil || len(r.Removed) != 0 {
		t.Errorf("with the lock held: removed %v, %v", r.Removed, err)
	}
	held.Release()
	r, err := d.Recover()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Removed) != 2 {
		t.Errorf("removed %v, want the dead folder and file", r.Removed)
	}
	for _, p := range []string{dead, deadFile} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
	if _, err := os.Lstat(live); err != nil {
		t.Errorf("the live temporary folder was removed: %v", err)
	}
}

// Containment is decided by identity, not spelling (issue 12, item 2).
func TestContainsByIdentity(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	os.MkdirAll(filepath.Join(data, "snapshots"), 0o700)
	other := filepath.Join(root, "other")
	os.MkdirAll(other, 0o700)
	link := filepath.Join(root, "link")
	os.Symlink(data, link)
	linkSub := filepath.Join(root, "linksub")
	os.Symlink(filepath.Join(data, "snapshots"), linkSub)
	for p, want := range map[string]bool{
		data: true, filepath.Join(data, "x", "y"): true, link: true, filepath.Join(link, "new"): true,
		filepath.Join(linkSub, "new", "deeper"): true, data + "/../data/./snapshots": true,
		other: false, filepath.Join(other, "data"): false, root: false, data + "-2": false,
	} {
		if got := Contains(data, p); got != want {
			t.Errorf("Contains(data, %s) = %v, want %v", p, got, want)
		}
	}
}

// The -journal of a temporary database that a live process is writing is
// not a leftover of its own: removing it broke a concurrent backup's
// VACUUM INTO with "disk I/O error (5898)" (TestConcurrentProcesses).
func TestSidecarsOfLiveTemporaryDatabasesAreKept(t *testing.T) {
	d := Dir{Root: t.TempDir()}
	stage, mark, err := lockfile.CreateMarked(d.Root, func() (string, error) {
		f, err := os.CreateTemp(d.Root, ".stocksync-tmp-snapshot-*.db")
		if err != nil {
			return "", err
		}
		return f.Name(), f.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(stage+"-journal", []byte("j"), 0o600)
	orphan := filepath.Join(d.Root, ".stocksync-tmp-snapshot-9.db-journal")
	os.WriteFile(orphan, []byte("j"), 0o600)
	d.Recover()
	if _, err := os.Stat(stage + "-journal"); err != nil {
		t.Errorf("the live temporary database's journal was removed: %v", err)
	}
	if _, err := os.Stat(orphan); err == nil {
		t.Error("an orphan journal was kept")
	}
	mark.Release()
	d.Recover()
	for _, p := range []string{stage, stage + "-journal"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left after its writer ended", p)
		}
	}
}
