package backup

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/store"
)

func TestSnapshotContents(t *testing.T) {
	f := newFixture(t)
	info := f.snapshot(t, false)
	if got, want := info.Name, "stocksync-20261122T101501Z"; got != want {
		t.Errorf("name %q, want %q", got, want)
	}
	if got, want := info.Path, filepath.Join(f.dest, info.Name); got != want {
		t.Errorf("path %q, want %q", got, want)
	}
	m, err := ReadManifest(info.Path)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range m.Files {
		paths = append(paths, e.Path)
	}
	if got, want := paths, []string{ConfigName, DBName}; !equalStrings(got, want) {
		t.Errorf("files %v, want %v (no thumbnails by default)", got, want)
	}
	if m.Kind != KindSnapshot || m.SchemaVersion != store.KnownVersion() || m.ThumbnailsIncluded || !m.Created.Equal(t0.Add(time.Second)) {
		t.Errorf("manifest header %+v", m)
	}
	wantRows := map[string]int64{"batches": 1, "contributions": 20, "pending_uploads": 3, "local_paths": 4, "local_edits": 2, "thumbnails": 20}
	for table, n := range wantRows {
		if m.Tables[table] != n {
			t.Errorf("manifest counts %d rows in %s, want %d", m.Tables[table], table, n)
		}
	}
	if got := info.LocalOnly; got["pending_uploads"] != 3 || got["local_paths"] != 4 || got["local_edits"] != 2 {
		t.Errorf("info local-only counts %v", got)
	}
	for _, e := range m.Files {
		sum, n, err := hashFile(filepath.Join(info.Path, e.Path))
		if err != nil || sum != e.SHA256 || n != e.Size {
			t.Errorf("%s: hash %s size %d err %v; manifest %s %d", e.Path, sum, n, err, e.SHA256, e.Size)
		}
	}
	// The copy is byte-identical config and a rollback-journal database.
	cfg, _ := os.ReadFile(f.dir.Config())
	if got, _ := os.ReadFile(filepath.Join(info.Path, ConfigName)); string(got) != string(cfg) {
		t.Error("config.json copy differs")
	}
	sameDump(t, "local-only rows", dump(t, filepath.Join(info.Path, DBName), store.LocalOnlyTables...), dump(t, f.dir.DB(), store.LocalOnlyTables...))
	// Nothing left behind: no staging file in the data folder, no temp folder in the destination.
	for _, dir := range []string{f.dir.Root, f.dest} {
		for _, n := range entries(t, dir) {
			if atomicfile.IsTemp(n) {
				t.Errorf("%s left in %s", n, dir)
			}
		}
	}
	rep, err := Verify(context.Background(), info.Path, VerifyOptions{})
	if err != nil || !rep.OK {
		t.Fatalf("fresh snapshot does not verify: %v %+v", err, rep.Findings)
	}
}

func TestSnapshotWhileWriting(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var werr error
	started := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Each transaction adds a pending upload and a local path together:
		// a consistent copy has as many new ones of each.
		for i := 0; ctx.Err() == nil; i++ {
			if i == 10 {
				close(started)
			}
			err := f.db.Write(ctx, func(tx *sql.Tx) error {
				ts := t0.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)
				if _, err := tx.Exec(`INSERT INTO pending_uploads (path, added_at, updated_at) VALUES (?, ?, ?)`, "/w/"+strconv.Itoa(i), ts, ts); err != nil {
					return err
				}
				_, err := tx.Exec(`INSERT INTO local_paths (contribution_id, path, updated_at) VALUES (?, ?, ?)`, "w"+strconv.Itoa(i), "/w", ts)
				return err
			})
			if err != nil && ctx.Err() == nil {
				werr = err
				return
			}
		}
	}()
	<-started
	var infos []Info
	for range 3 {
		infos = append(infos, f.snapshot(t, true))
	}
	cancel()
	wg.Wait()
	if werr != nil {
		t.Fatal(werr)
	}
	for _, info := range infos {
		rep, err := Verify(context.Background(), info.Path, VerifyOptions{})
		if err != nil || !rep.OK {
			t.Fatalf("%s: %v %+v", info.Name, err, rep.Findings)
		}
		m, _ := ReadManifest(info.Path)
		// The fixture has 3 pending uploads and 4 local paths to start with.
		if up, lp := m.Tables["pending_uploads"]-3, m.Tables["local_paths"]-4; up != lp || up < 10 {
			t.Errorf("%s: %d new pending uploads but %d new local paths: not one committed state", info.Name, up, lp)
		}
	}
}

func TestSnapshotNamesDoNotCollide(t *testing.T) {
	f := newFixture(t)
	fixed := func() time.Time { return t0 }
	var names []string
	for range 3 {
		info, err := Snapshot(context.Background(), SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: f.dest, Now: fixed})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, info.Name)
	}
	want := []string{"stocksync-20261122T101500Z", "stocksync-20261122T101500Z-2", "stocksync-20261122T101500Z-3"}
	if !equalStrings(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
	list, err := List(f.dest)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].Name != want[2] {
		t.Errorf("list %v: want 3, newest (the -3) first", list)
	}
}

func TestSnapshotThumbnailsLinkedWhenUnchanged(t *testing.T) {
	f := newFixture(t)
	first := f.snapshot(t, true)
	if first.Written.FilesLinked != 0 {
		t.Errorf("first snapshot linked %d files, want 0", first.Written.FilesLinked)
	}
	// Only a verified snapshot is linked from.
	if again := f.snapshot(t, true); again.Written.FilesLinked != 0 {
		t.Errorf("snapshot after an unverified one linked %d files, want 0", again.Written.FilesLinked)
	}
	first = f.snapshot(t, true)
	verifyOK(t, first.Path)
	second := f.snapshot(t, true)
	// The database is identical (nothing changed), and so are config.json,
	// the 5 thumbnails and their list: all linked, only the manifest written.
	if got, want := second.Written.FilesLinked, 8; got != want {
		t.Errorf("second snapshot linked %d files, want %d (db, config, thumbnails.json, 5 thumbnails)", got, want)
	}
	if second.Written.FilesCopied != 0 {
		t.Errorf("second snapshot copied %d files, want 0", second.Written.FilesCopied)
	}
	m1, _ := ReadManifest(first.Path)
	if mf, _ := os.Stat(filepath.Join(second.Path, ManifestName)); second.Written.BytesWritten != mf.Size() {
		t.Errorf("second snapshot wrote %d bytes, want only its manifest (%d)", second.Written.BytesWritten, mf.Size())
	}
	for _, e := range m1.Files {
		a, _ := os.Stat(filepath.Join(first.Path, e.Path))
		b, _ := os.Stat(filepath.Join(second.Path, e.Path))
		if !os.SameFile(a, b) {
			t.Errorf("%s is not hard-linked", e.Path)
		}
	}
	// One thumbnail changes (atomically, as the downloader writes), one is added.
	later := time.Now().Add(time.Hour)
	writeThumb(t, f.dir, "00/t0.jpg", []byte("a different image"))
	os.Chtimes(filepath.Join(f.dir.Thumbnails(), "00", "t0.jpg"), later, later)
	writeThumb(t, f.dir, "09/new.jpg", []byte("new"))
	if err := f.db.SetLocalPath(context.Background(), "c9", "/x", t0); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, second.Path)
	third := f.snapshot(t, true)
	// t0.jpg, new.jpg and the thumbnail list are copied; the changed
	// database is moved in from its staging copy (same volume here).
	if got, want := [2]int{third.Written.FilesCopied, third.Written.FilesMoved}, [2]int{3, 1}; got != want {
		t.Errorf("third snapshot copied, moved %v files, want %v", got, want)
	}
	if rep, err := Verify(context.Background(), third.Path, VerifyOptions{}); err != nil || !rep.OK {
		t.Fatalf("third snapshot: %v %+v", err, rep.Findings)
	}
	// List counts the thumbnails from the manifest's summary, without reading their list.
	os.Remove(filepath.Join(third.Path, ThumbsManifestName))
	list, err := List(f.dest)
	if err != nil {
		t.Fatal(err)
	}
	if l := list[0]; l.Name != third.Name || l.Files != third.Files || l.Size != third.Size || l.Files != 9 {
		t.Errorf("listed %d files, %d bytes; snapshot had %d, %d (want 9 files)", l.Files, l.Size, third.Files, third.Size)
	}
	// A later snapshot without thumbnails does not carry them.
	fourth := f.snapshot(t, false)
	if fourth.ThumbnailsIncluded || fourth.Files != 2 {
		t.Errorf("snapshot without thumbnails: %+v", fourth)
	}
}

func TestSnapshotErrorsLeaveNothing(t *testing.T) {
	f := newFixture(t)
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, []byte("x"), 0o600)
	tests := []struct {
		name string
		dest string
		want Reason
	}{
		{"missing", filepath.Join(t.TempDir(), "not-mounted"), ReasonMissing},
		{"file", file, ReasonNotFolder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tree(t, f.dir.Root)
			_, err := Snapshot(context.Background(), SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: tt.dest, Now: f.clk.Now})
			var de *DestinationError
			if !errors.As(err, &de) || de.Reason != tt.want {
				t.Fatalf("got %v, want a DestinationError (%v)", err, tt.want)
			}
			if de.Dest != tt.dest {
				t.Errorf("error names %q, want %q", de.Dest, tt.dest)
			}
			if _, err := os.Stat(filepath.Join(tt.dest)); tt.want == ReasonMissing && err == nil {
				t.Error("the missing destination was created")
			}
			sameTree(t, f.dir.Root, before)
		})
	}
	if _, err := Snapshot(context.Background(), SnapshotOptions{DataDir: f.dir, DB: f.db}); err == nil {
		t.Error("no destination: want an error")
	}
}

func TestSnapshotRecordsRuns(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	info, err := Snapshot(ctx, SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: f.dest, Now: f.clk.Now, Record: f.db})
	if err != nil {
		t.Fatal(err)
	}
	run, err := f.db.LastBackupRun(ctx, KindSnapshot, true)
	if err != nil || run.Path != info.Path || !run.OK {
		t.Errorf("recorded %+v, %v; want an ok run for %s", run, err, info.Path)
	}
	missing := filepath.Join(t.TempDir(), "gone")
	if _, err := Snapshot(ctx, SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: missing, Now: f.clk.Now, Record: f.db}); err == nil {
		t.Fatal("want an error")
	}
	run, err = f.db.LastBackupRun(ctx, KindSnapshot, false)
	if err != nil || run.OK || run.Path != missing || run.Detail == "" {
		t.Errorf("recorded %+v, %v; want the failure with its reason", run, err)
	}
}

// sameTree fails if root's files differ from before, ignoring the files
// SQLite keeps beside an open database.
func sameTree(t *testing.T, root string, before map[string]string) {
	t.Helper()
	after := tree(t, root)
	for k, v := range before {
		if isSidecar(k) {
			continue
		}
		if after[k] != v {
			t.Errorf("%s changed in the data folder", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok && !isSidecar(k) {
			t.Errorf("%s appeared in the data folder", k)
		}
	}
}

func isSidecar(p string) bool {
	ext := filepath.Ext(p)
	return ext == ".db-wal" || ext == ".db-shm"
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func verifyOK(t *testing.T, dir string) {
	t.Helper()
	rep, err := Verify(context.Background(), dir, VerifyOptions{Mark: true})
	if err != nil || !rep.OK {
		t.Fatalf("%s does not verify: %v %+v", dir, err, rep.Findings)
	}
}
