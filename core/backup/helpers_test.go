package backup

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

var t0 = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

// clock is an injected clock that moves one second per call, so every
// snapshot gets its own name.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { c.t = c.t.Add(time.Second); return c.t }

// fixture is a data folder with a database holding server and local rows,
// settings and thumbnails.
type fixture struct {
	dir  datadir.Dir
	db   *store.DB
	dest string
	clk  *clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	root := filepath.Join(t.TempDir(), "data")
	f := &fixture{dir: datadir.Dir{Root: root}, dest: t.TempDir(), clk: &clock{t: t0}}
	if err := f.dir.Ensure(); err != nil {
		t.Fatal(err)
	}
	f.open(t)
	fillDB(t, f.db, 20)
	c := config.Default()
	c.Backup.Destination = f.dest
	if err := config.Save(f.dir.Config(), c); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		writeThumb(t, f.dir, fmt.Sprintf("%02x/t%d.jpg", i, i), []byte(strings.Repeat("jpeg"+strconv.Itoa(i), 300)))
	}
	return f
}

func (f *fixture) open(t *testing.T) {
	t.Helper()
	db, err := store.Open(context.Background(), f.dir.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.db = db
	t.Cleanup(func() { db.Close() })
}

func (f *fixture) close(t *testing.T) {
	t.Helper()
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) snapshot(t *testing.T, thumbs bool) Info {
	t.Helper()
	info, err := Snapshot(context.Background(), SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: f.dest, WithThumbnails: thumbs, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func writeThumb(t *testing.T, d datadir.Dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(d.Thumbnails(), filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// fillDB adds n files in one batch and local-only rows of every kind.
func fillDB(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.UpsertBatchList(ctx, []store.Batch{{ID: "b1", Name: "Batch one", ServerVersion: "v1"}}, t0); err != nil {
		t.Fatal(err)
	}
	var files []store.Contribution
	for i := range n {
		files = append(files, store.Contribution{ID: "c" + strconv.Itoa(i), BatchID: "b1", Status: "pending",
			Headline: "Headline " + strconv.Itoa(i), Keywords: []string{"a", "b"}, UpdatedAt: t0,
			ThumbnailURL: "https://example.test/t/" + strconv.Itoa(i)})
	}
	if _, err := db.WriteBatchContributions(ctx, "b1", "v1", files, t0); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		p := store.PendingUpload{Path: fmt.Sprintf("/Users/ann/Pictures/new-%d.jpg", i), Title: "Title ünïcode " + strconv.Itoa(i),
			Description: "A description\nwith two lines", Keywords: []string{"sea", "boat"}, MediaType: "image", Size: int64(1000 + i)}
		if _, err := db.AddPendingUpload(ctx, p, t0.Add(time.Duration(i)*time.Millisecond+123456789)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		if err := db.SetLocalPath(ctx, "c"+strconv.Itoa(i), "/Users/ann/Pictures/c"+strconv.Itoa(i)+".jpg", t0); err != nil {
			t.Fatal(err)
		}
	}
	h, kw := "Local headline", []string{"x"}
	if _, err := db.PutLocalEdit(ctx, store.LocalEdit{ContributionID: "c1", Headline: &h, Keywords: &kw}, t0); err != nil {
		t.Fatal(err)
	}
	caption := "Only a caption"
	if _, err := db.PutLocalEdit(ctx, store.LocalEdit{ContributionID: "c2", Caption: &caption}, t0); err != nil {
		t.Fatal(err)
	}
}

// dump returns every row of the tables as text, in primary-key order:
// equal dumps mean byte-for-byte equal rows.
func dump(t *testing.T, path string, tables ...string) map[string][]string {
	t.Helper()
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	keys := map[string]string{
		"pending_uploads": "id", "local_paths": "contribution_id", "local_edits": "contribution_id",
		"batches": "id", "contributions": "id", "reviews": "contribution_id, seq", "thumbnails": "contribution_id", "sync_runs": "id",
	}
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := c.Query("SELECT * FROM " + table + " ORDER BY " + keys[table])
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprintf("%#v", vals))
		}
		rows.Close()
	}
	return out
}

var serverTables = []string{"batches", "contributions", "reviews", "thumbnails"}

func sameDump(t *testing.T, what string, got, want map[string][]string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s differ:\n got %v\nwant %v", what, got, want)
	}
}

// tree lists every file under root with its size and content hash.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		if fi.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		sum, _, _ := hashFile(p)
		out[rel] = sum
		return nil
	})
	return out
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
