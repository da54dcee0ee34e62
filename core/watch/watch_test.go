package watch

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// timeout bounds every wait: reaching it is a failure, not a measurement.
const timeout = 10 * time.Second

func newDir(t *testing.T) datadir.Dir {
	t.Helper()
	d := datadir.Dir{Root: filepath.Join(t.TempDir(), "data")}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	return d
}

func start(t *testing.T, d datadir.Dir, opt Options) *Watcher {
	t.Helper()
	if opt.Debounce == 0 {
		opt.Debounce = 20 * time.Millisecond
	}
	w, err := New(d, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// expect returns the next event of kind want. LocalDataChanged events on the
// way are skipped unless that is what is wanted; any other kind fails.
func expect(t *testing.T, w *Watcher, want Kind) Event {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				t.Fatalf("events closed while waiting for %v", want)
			}
			if ev.Kind == want {
				return ev
			}
			if ev.Kind != LocalDataChanged {
				t.Fatalf("got %v while waiting for %v", ev, want)
			}
		case <-deadline:
			t.Fatalf("no %v event within %v", want, timeout)
		}
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDatabaseEvents(t *testing.T) {
	tests := []struct {
		name   string
		before func(t *testing.T, d datadir.Dir) // runs before watching
		act    func(t *testing.T, d datadir.Dir)
		kind   Kind
		reason string
	}{
		{"create", nil, func(t *testing.T, d datadir.Dir) { write(t, d.DB(), "new") }, LocalDataChanged, ""},
		{"modify", func(t *testing.T, d datadir.Dir) { write(t, d.DB(), "old") }, func(t *testing.T, d datadir.Dir) {
			f, err := os.OpenFile(d.DB(), os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("more")
			f.Close()
		}, LocalDataChanged, ""},
		{"modify the write-ahead log", func(t *testing.T, d datadir.Dir) { write(t, d.DB(), "old") }, func(t *testing.T, d datadir.Dir) {
			write(t, d.DB()+"-wal", "frames")
		}, LocalDataChanged, ""},
		{"delete", func(t *testing.T, d datadir.Dir) { write(t, d.DB(), "old") }, func(t *testing.T, d datadir.Dir) {
			if err := os.Remove(d.DB()); err != nil {
				t.Fatal(err)
			}
		}, DatabaseGone, ReasonDeleted},
		{"move away", func(t *testing.T, d datadir.Dir) { write(t, d.DB(), "old") }, func(t *testing.T, d datadir.Dir) {
			if err := os.Rename(d.DB(), d.DB()+".bak"); err != nil {
				t.Fatal(err)
			}
		}, DatabaseGone, ReasonMoved},
		{"move out of the folder", func(t *testing.T, d datadir.Dir) { write(t, d.DB(), "old") }, func(t *testing.T, d datadir.Dir) {
			if err := os.Rename(d.DB(), filepath.Join(t.TempDir(), "elsewhere.db")); err != nil {
				t.Fatal(err)
			}
		}, DatabaseGone, ReasonMoved},
		{"replaced by another file", func(t *testing.T, d datadir.Dir) { write(t, d.DB(), "old") }, func(t *testing.T, d datadir.Dir) {
			other := filepath.Join(d.Root, "other.db")
			write(t, other, "another database")
			if err := os.Rename(other, d.DB()); err != nil {
				t.Fatal(err)
			}
		}, DatabaseGone, ReasonReplaced},
		{"settings saved", nil, func(t *testing.T, d datadir.Dir) {
			if err := atomicfile.WriteFile(d.Config(), []byte("{}"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, LocalDataChanged, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDir(t)
			if tt.before != nil {
				tt.before(t, d)
			}
			w := start(t, d, Options{})
			tt.act(t, d)
			ev := expect(t, w, tt.kind)
			if ev.Reason != tt.reason {
				t.Errorf("reason %q, want %q", ev.Reason, tt.reason)
			}
			wantPath := d.Root
			if tt.kind == DatabaseGone {
				wantPath = d.DB()
			}
			if ev.Path != wantPath {
				t.Errorf("path %q, want %q", ev.Path, wantPath)
			}
		})
	}
}

// Writes through SQLite, the way the app and the CLI write, are noticed.
func TestSQLiteWritesAreChanges(t *testing.T) {
	d := newDir(t)
	ctx := context.Background()
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := start(t, d, Options{})
	if _, err := db.AddPendingUpload(ctx, store.PendingUpload{Path: "/p/a.jpg"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if ev := expect(t, w, LocalDataChanged); ev.Changes < 1 {
		t.Errorf("event %v counts no changes", ev)
	}
}

// Our own temporary files, the thumbnail cache, the safety snapshots and
// unrelated files never count: after all of them, one settings save is
// exactly one change.
func TestIgnoredChurn(t *testing.T) {
	d := newDir(t)
	write(t, d.DB(), "db")
	w := start(t, d, Options{})
	write(t, filepath.Join(d.Root, atomicfile.TempPrefix+"snapshot-1.db"), "staging")
	os.Remove(filepath.Join(d.Root, atomicfile.TempPrefix+"snapshot-1.db"))
	write(t, filepath.Join(d.Thumbnails(), "ab.jpg"), "thumb")
	os.Mkdir(filepath.Join(d.Snapshots(), "stocksync-20261122T101500Z"), 0o700)
	write(t, filepath.Join(d.Snapshots(), "stocksync-20261122T101500Z", "stocksync.db"), "copy")
	write(t, d.Lock(), `{"pid":1}`)
	write(t, d.DB()+"-shm", "index")
	os.Chmod(d.DB(), 0o600)
	write(t, filepath.Join(filepath.Dir(d.Root), "sibling.txt"), "not ours")
	if err := atomicfile.WriteFile(d.Config(), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	ev := expect(t, w, LocalDataChanged)
	if ev.Changes != 1 {
		t.Errorf("event %v: want exactly the one settings save", ev)
	}
}

func TestFolderDeletedAndRecreated(t *testing.T) {
	d := newDir(t)
	write(t, d.DB(), "db")
	w := start(t, d, Options{})
	if err := os.RemoveAll(d.Root); err != nil {
		t.Fatal(err)
	}
	// The database goes first (RemoveAll empties the folder), then the folder.
	if ev := expect(t, w, DatabaseGone); ev.Reason != ReasonDeleted {
		t.Errorf("database: %v", ev)
	}
	if ev := expect(t, w, FolderGone); ev.Reason != ReasonDeleted || ev.Path != d.Root {
		t.Errorf("folder: %v", ev)
	}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	expect(t, w, FolderBack)
	// Watching resumed inside the new folder.
	write(t, d.DB(), "fresh")
	expect(t, w, LocalDataChanged)
	if err := os.Remove(d.DB()); err != nil {
		t.Fatal(err)
	}
	expect(t, w, DatabaseGone)
}

func TestFolderMovedAndBack(t *testing.T) {
	d := newDir(t)
	write(t, d.DB(), "db")
	w := start(t, d, Options{})
	moved := d.Root + "-moved"
	if err := os.Rename(d.Root, moved); err != nil {
		t.Fatal(err)
	}
	if ev := expect(t, w, FolderGone); ev.Reason != ReasonMoved {
		t.Errorf("folder: %v", ev)
	}
	// The moved folder is no longer ours: writes there are not reported.
	write(t, filepath.Join(moved, datadir.DBName), "written after the move")
	if err := os.Rename(moved, d.Root); err != nil {
		t.Fatal(err)
	}
	expect(t, w, FolderBack)
	if err := atomicfile.WriteFile(d.Config(), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ev := expect(t, w, LocalDataChanged); ev.Changes != 1 {
		t.Errorf("event %v: want exactly the settings save", ev)
	}
}

func TestFolderMissingAtStart(t *testing.T) {
	d := datadir.Dir{Root: filepath.Join(t.TempDir(), "data")}
	w := start(t, d, Options{})
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	expect(t, w, FolderBack)
	if _, err := New(datadir.Dir{Root: filepath.Join(t.TempDir(), "no", "such", "data")}, Options{}); err == nil {
		t.Error("missing parent folder: want an error")
	}
}

func TestCloseEndsEvents(t *testing.T) {
	d := newDir(t)
	w := start(t, d, Options{})
	write(t, d.DB(), "db") // a pending change is dropped, not delivered after Close
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for range w.Events() {
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
