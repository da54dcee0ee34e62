package thumbs

import (
	"context"
	"database/sql"
	"errors"
	"image"
	_ "image/jpeg"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

type fixture struct {
	srv    *espfake.Server
	client *esp.Client
	db     *store.DB
	dir    string
}

func newFixture(t *testing.T, opts espfake.Options) *fixture {
	t.Helper()
	opts.Mode = espfake.ModePartner // the partner API flow these tests sign in with
	srv := espfaketest.New(t, opts)
	cr := srv.Credentials()
	client, err := esp.New(esp.Config{APIRoot: srv.URL(), TokenURL: srv.TokenURL(), APIKey: cr.APIKey,
		APISecret: cr.APISecret, Username: cr.Username, Password: cr.Password, RequestsPerSecond: -1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "stocksync.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	os.MkdirAll(filepath.Join(dir, "thumbnails"), 0o700)
	return &fixture{srv, client, db, dir}
}

func (f *fixture) downloader() *Downloader {
	return &Downloader{DB: f.db, Fetch: f.client, Dir: filepath.Join(f.dir, "thumbnails"), Workers: 4}
}

func (f *fixture) sync(t *testing.T) {
	t.Helper()
	if _, err := (&syncer.Engine{DB: f.db, ESP: f.client}).Run(context.Background(), syncer.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestDrainDownloadsEveryThumbnail(t *testing.T) {
	f := newFixture(t, espfake.Options{Seed: 1, Batches: 3, ContributionsPerBatch: 5})
	f.sync(t)
	d := f.downloader()
	if err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, _ := f.db.Summary(context.Background())
	if s.ThumbnailsDone != 15 || s.ThumbnailsQueued != 0 || s.ThumbnailsFailed != 0 {
		t.Fatalf("summary %+v", s)
	}
	files, _ := f.db.ThumbnailFiles(context.Background())
	for name := range files {
		fh, err := os.Open(filepath.Join(f.dir, "thumbnails", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, format, err := image.Decode(fh); err != nil || format != "jpeg" {
			t.Errorf("%s: %s %v", name, format, err)
		}
		fh.Close()
	}
	if d.Stats().Done != 15 {
		t.Errorf("stats %+v", d.Stats())
	}
}

// The queue is in the database: a new downloader (after a restart) picks
// up exactly what the previous one left.
func TestResumesAfterRestart(t *testing.T) {
	f := newFixture(t, espfake.Options{Seed: 2, Batches: 4, ContributionsPerBatch: 10, Latency: 5 * time.Millisecond})
	f.sync(t)
	ctx, cancel := context.WithCancel(context.Background())
	first := f.downloader()
	first.Workers = 1
	first.Progress = func(s Stats) {
		if s.Done >= 7 {
			cancel()
		}
	}
	if err := first.Drain(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("first drain: %v", err)
	}
	s, _ := f.db.Summary(context.Background())
	if s.ThumbnailsDone < 7 || s.ThumbnailsQueued == 0 {
		t.Fatalf("after stop: %+v", s)
	}
	f.srv.ResetRequests()
	second := f.downloader()
	if err := second.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	s2, _ := f.db.Summary(context.Background())
	if s2.ThumbnailsDone != 40 || s2.ThumbnailsQueued != 0 {
		t.Fatalf("after resume: %+v", s2)
	}
	// Count distinct images: a request the first downloader cancelled in
	// flight can reach the server after the reset, and it is for a job
	// still queued, so it repeats a path; an image already done must never
	// be fetched again.
	paths := map[string]bool{}
	for _, r := range f.srv.Requests() {
		if r.Endpoint == esp.EndpointThumbnail {
			paths[r.Path] = true
		}
	}
	if len(paths) != s.ThumbnailsQueued {
		t.Errorf("resume downloaded %d images, want only the %d left", len(paths), s.ThumbnailsQueued)
	}
}

func queue(t *testing.T, db *store.DB, id, url string) {
	t.Helper()
	err := db.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO thumbnails (contribution_id, url, state, updated_at) VALUES (?, ?, 'queued', '')`, id, url)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Whatever IDs and URLs the server sends, nothing lands outside thumbnails/.
func TestHostileIDsAndURLsStayInside(t *testing.T) {
	jpeg := mustJPEG(t)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/html"):
			w.Header().Set("Content-Type", "image/jpeg") // lies
			w.Write([]byte("<html><body>Not found</body></html>"))
		default:
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpeg)
		}
	}))
	defer site.Close()
	f := newFixture(t, espfake.Options{Seed: 3, Batches: -1})
	hostile := map[string]string{
		"../../../../tmp/evil":    site.URL + "/a.jpg",
		"/etc/passwd":             site.URL + "/b.jpg",
		"a\x00b":                  site.URL + "/c.jpg",
		strings.Repeat("x", 5000): site.URL + "/d.jpg",
		"ok-but-html":             site.URL + "/html",
		"file-url":                "file:///etc/passwd",
		"weird-scheme":            "javascript:alert(1)",
		"dotdot-url":              site.URL + "/../../etc/passwd",
		"\u202eexe.jpg\u202d":     site.URL + "/e.jpg",
	}
	for id, u := range hostile {
		queue(t, f.db, id, u)
	}
	d := f.downloader()
	d.MaxAttempts = 1
	if err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(f.dir, "thumbnails")
	filepath.WalkDir(f.dir, func(p string, e fs.DirEntry, err error) error {
		if e.IsDir() || strings.HasPrefix(p, root+string(filepath.Separator)) {
			return nil
		}
		switch filepath.Base(p) {
		case "stocksync.db", "stocksync.db-wal", "stocksync.db-shm":
			return nil
		}
		t.Errorf("file written outside thumbnails/: %s", p)
		return nil
	})
	s, _ := f.db.Summary(context.Background())
	// "dotdot-url" is a path on the remote server (which answers with a JPEG):
	// it succeeds, and still lands under a hashed name inside thumbnails/.
	if s.ThumbnailsDone != 6 || s.ThumbnailsFailed != 3 {
		t.Errorf("done %d failed %d, want 6 and 3", s.ThumbnailsDone, s.ThumbnailsFailed)
	}
	if lastErr, err := f.db.ThumbnailError(context.Background(), "ok-but-html"); err != nil || !strings.Contains(lastErr, "not an image") {
		t.Errorf("html thumbnail error = %q, %v", lastErr, err)
	}
}

func TestFileNameIsHashOnly(t *testing.T) {
	for _, id := range []string{"../x", "/abs", "a/b", "", "\x00"} {
		n := FileName(id)
		if strings.Contains(n, "..") || filepath.IsAbs(n) || strings.Count(n, string(filepath.Separator)) != 1 || len(filepath.Base(n)) != 68 {
			t.Errorf("FileName(%q) = %q", id, n)
		}
	}
}

func mustJPEG(t *testing.T) []byte {
	t.Helper()
	f := newFixture(t, espfake.Options{Seed: 9, Batches: 1, ContributionsPerBatch: 1})
	f.sync(t)
	if err := f.downloader().Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	files, _ := f.db.ThumbnailFiles(context.Background())
	for name := range files {
		b, err := os.ReadFile(filepath.Join(f.dir, "thumbnails", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatal("no thumbnail")
	return nil
}

// Temporary files of a killed download are swept; fresh ones (another
// process's download in flight) and real thumbnails are left alone.
func TestDrainSweepsOldTempFiles(t *testing.T) {
	f := newFixture(t, espfake.Options{Seed: 6, Batches: -1})
	root := filepath.Join(f.dir, "thumbnails", "ab")
	os.MkdirAll(root, 0o700)
	old := filepath.Join(root, atomicfile.TempPrefix+"x.img-1")
	fresh := filepath.Join(root, atomicfile.TempPrefix+"y.img-2")
	keep := filepath.Join(root, "ab12.img")
	for _, p := range []string{old, fresh, keep} {
		os.WriteFile(p, []byte("x"), 0o600)
	}
	past := time.Now().Add(-2 * time.Hour)
	os.Chtimes(old, past, past)
	os.Chtimes(keep, past, past)
	if err := f.downloader().Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{old: false, fresh: true, keep: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: exists = %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}

// Release documents follow the thumbnails into releases/, named by a hash
// with the extension of what was found in them, and are fetched once.
func TestReleaseDocumentsDownloaded(t *testing.T) {
	f := newFixture(t, espfake.Options{Seed: 21, Batches: 12, ContributionsPerBatch: 1})
	f.sync(t)
	ctx := context.Background()
	rs, err := f.db.ListReleases(ctx, store.ReleaseFilter{})
	if err != nil || len(rs) == 0 {
		t.Fatalf("releases %v, %v", rs, err)
	}
	d := f.downloader()
	if err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if st := d.DocumentStats(); st.Done != len(rs) || st.Failed != 0 {
		t.Errorf("document stats %+v, want %d done", st, len(rs))
	}
	rs, _ = f.db.ListReleases(ctx, store.ReleaseFilter{})
	for _, r := range rs {
		if r.Document != store.DocDone || r.DocumentFile != filepath.ToSlash(DocFileName(r.ID, ".pdf")) {
			t.Fatalf("release %s: %q %q", r.ID, r.Document, r.DocumentFile)
		}
		b, err := os.ReadFile(filepath.Join(f.dir, ReleasesDirName, r.DocumentFile))
		if err != nil || !strings.HasPrefix(string(b), "%PDF-") || int64(len(b)) != r.DocumentBytes {
			t.Errorf("document of %s: %d bytes, %v", r.ID, len(b), err)
		}
	}
	before := f.client.Stats().Endpoints[esp.EndpointRelease].Requests
	if before < int64(len(rs)) {
		t.Errorf("%d document requests for %d releases", before, len(rs))
	}
	if err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if after := f.client.Stats().Endpoints[esp.EndpointRelease].Requests; after != before {
		t.Errorf("a second drain fetched %d documents again", after-before)
	}
	// A document deleted by hand is fetched again by the next downloader.
	gone := filepath.Join(f.dir, ReleasesDirName, rs[0].DocumentFile)
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	if err := f.downloader().Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(gone); err != nil {
		t.Errorf("deleted document not fetched again: %v", err)
	}
}

// An HTML page instead of a document (a sign-in page) is never saved.
func TestReleaseDocumentMustBeADocument(t *testing.T) {
	for _, c := range []struct {
		body []byte
		ok   bool
	}{
		{[]byte("%PDF-1.7\n..."), true},
		{[]byte("<!DOCTYPE html><html><body>Sign in</body></html>"), false},
		{[]byte("\xff\xd8\xff\xe0\x00\x10JFIF"), true},
		{[]byte("PK\x03\x04zip"), false},
	} {
		if _, err := docExt(c.body); (err == nil) != c.ok {
			t.Errorf("%q: err %v, want ok=%v", c.body[:8], err, c.ok)
		}
	}
}

// A download refused because the session expired waits for a new sign-in:
// it is neither failed for good nor charged an attempt.
func TestSignedOutDownloadsWait(t *testing.T) {
	err := &esp.Error{Endpoint: esp.EndpointRelease, Kind: esp.ErrSignedOut, Status: 401}
	if !temporary(err) || permanent(err) {
		t.Errorf("signed out: temporary=%v permanent=%v", temporary(err), permanent(err))
	}
}
