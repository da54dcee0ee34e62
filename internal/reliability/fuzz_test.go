package reliability

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/thumbs"
)

// Fuzz targets over whole HTTP answers, through the real client on
// loopback: they reach every decoder of server data the package fuzzers
// reach one by one, plus the token response, the status and error-body
// handling, and the thumbnail checks. Seed corpora live in
// testdata/fuzz/<name>; run one with e.g.
//
//	go test ./internal/reliability -run '^$' -fuzz '^FuzzClientResponse$' -fuzztime 60s

// fuzzCalls are the client calls a fuzz input can be the answer to.
var fuzzCalls = []string{esp.EndpointToken, esp.EndpointBatchesList, esp.EndpointBatchesGet, esp.EndpointContributionsList,
	esp.EndpointContributionsGet, esp.EndpointContributionUpdate, esp.EndpointReleasesList, esp.EndpointThumbnail}

// answer is what the fuzz server sends for the endpoint under test.
type answer struct {
	mu       sync.Mutex
	endpoint string
	status   int
	body     []byte
}

func (a *answer) set(endpoint string, status int, body []byte) {
	a.mu.Lock()
	a.endpoint, a.status, a.body = endpoint, status, body
	a.mu.Unlock()
}

func (a *answer) get() (string, int, []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.endpoint, a.status, a.body
}

func fuzzServer(tb testing.TB, a *answer) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		endpoint, status, body := a.get()
		var this string
		p := r.URL.Path
		switch {
		case p == "/oauth2/token":
			this = esp.EndpointToken
		case strings.HasPrefix(p, "/thumbs/"):
			this = esp.EndpointThumbnail
		case strings.HasSuffix(p, "/releases"):
			this = esp.EndpointReleasesList
		case strings.HasSuffix(p, "/contributions"):
			this = esp.EndpointContributionsList
		case strings.Contains(p, "/contributions/") && r.Method == http.MethodPut:
			this = esp.EndpointContributionUpdate
		case strings.Contains(p, "/contributions/"):
			this = esp.EndpointContributionsGet
		case strings.HasSuffix(p, "/submission_batches"):
			this = esp.EndpointBatchesList
		default:
			this = esp.EndpointBatchesGet
		}
		if this != endpoint {
			// Everything else answers properly: only the endpoint under test misbehaves.
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"fuzz-token","token_type":"bearer","expires_in":3600,"refresh_token":"fuzz-refresh"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(status)
		w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func fuzzClient(tb testing.TB, root string) *esp.Client {
	c, err := esp.New(esp.Config{APIRoot: root + "/esp", TokenURL: root + "/oauth2/token", APIKey: "k", APISecret: "s",
		Username: "u", Password: "p", RequestsPerSecond: -1, MaxRetries: -1, Timeout: 5 * time.Second,
		MaxRetryAfter: time.Millisecond, MaxResponseBytes: 1 << 20,
		// A 429 or an over-the-limit 403 is waited out (up to 15 minutes by
		// default): here one answer is the whole test, so give up at once
		// (make reliability's fuzzing hung on a 429 to the batch list).
		MaxThrottleWait: time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func fuzzStatus(s uint16) int {
	if s < 100 || s > 599 || (s >= 100 && s < 200) {
		return 200
	}
	return int(s)
}

// FuzzClientResponse serves any status and body as the answer to one call:
// the client never panics, an error is always an *esp.Error that names the
// endpoint, and what it returns keeps the decoders' guarantees.
func FuzzClientResponse(f *testing.F) {
	f.Add(byte(1), uint16(200), []byte(`{"items":[{"id":"1","contributions_count":2}],"meta":{"total_items":1}}`))
	f.Add(byte(3), uint16(200), []byte(`[{"id":"1","keywords":["a",{"term":"b"}],"reviews":[{"outcome":"accepted"}]}]`))
	f.Add(byte(0), uint16(200), []byte(`{"access_token":"x","token_type":"bearer","expires_in":"soon"}`))
	f.Add(byte(5), uint16(422), []byte(`{"headline":["is too long"]}`))
	f.Add(byte(7), uint16(200), []byte("\xff\xd8\xff\xe0garbage"))
	a := &answer{}
	srv := fuzzServer(f, a)
	client := fuzzClient(f, srv.URL)
	f.Fuzz(func(t *testing.T, sel byte, status uint16, body []byte) {
		endpoint := fuzzCalls[int(sel)%len(fuzzCalls)]
		a.set(endpoint, fuzzStatus(status), body)
		ctx := context.Background()
		var err error
		switch endpoint {
		case esp.EndpointToken:
			err = client.VerifyCredentials(ctx)
		case esp.EndpointBatchesList:
			var bs []esp.Batch
			if bs, _, err = client.ListBatchesPage(ctx, 1, 100); err == nil {
				for _, b := range bs {
					checkFuzzBatch(t, b)
				}
			}
		case esp.EndpointBatchesGet:
			var b esp.Batch
			if b, err = client.GetBatch(ctx, "1"); err == nil {
				checkFuzzBatch(t, b)
			}
		case esp.EndpointContributionsList:
			var cs []esp.Contribution
			if cs, err = client.ListContributionsPage(ctx, "1", 1, 200); err == nil {
				for _, c := range cs {
					checkFuzzContribution(t, c)
				}
			}
		case esp.EndpointContributionsGet:
			var c esp.Contribution
			if c, err = client.GetContribution(ctx, "1", "2"); err == nil {
				checkFuzzContribution(t, c)
			}
		case esp.EndpointContributionUpdate:
			h := "title"
			var c esp.Contribution
			if c, err = client.UpdateContribution(ctx, "1", "2", esp.ContributionUpdate{Headline: &h}); err == nil {
				checkFuzzContribution(t, c)
			}
		case esp.EndpointReleasesList:
			_, err = client.ListReleases(ctx, "1")
		case esp.EndpointThumbnail:
			var buf strings.Builder
			var n int64
			n, _, err = client.DownloadThumbnail(ctx, srv.URL+"/thumbs/1.jpg", &buf, 64<<10)
			if err == nil && (n != int64(buf.Len()) || n > 64<<10) {
				t.Fatalf("thumbnail: %d bytes reported, %d written, limit %d", n, buf.Len(), 64<<10)
			}
			if err != nil && buf.Len() != 0 {
				t.Fatalf("thumbnail failed (%v) but %d bytes were written", err, buf.Len())
			}
		}
		if err == nil {
			return
		}
		var ee *esp.Error
		if !errors.As(err, &ee) {
			t.Fatalf("%s: error of type %T, not *esp.Error: %v", endpoint, err, err)
		}
		if !strings.Contains(err.Error(), ee.Endpoint) || ee.Endpoint == "" || ee.Kind == nil {
			t.Fatalf("%s: the error does not name its endpoint and kind: %v", endpoint, err)
		}
	})
}

func checkFuzzBatch(t *testing.T, b esp.Batch) {
	if b.ID == "" {
		t.Fatalf("decoded a batch without id: %+v", b)
	}
	for _, n := range []int{b.ContributionsCount, b.SubmittedCount, b.AwaitingReviewCount, b.ReviewedCount,
		b.RevisableCount, b.ProcessedCount, b.RejectedCount, b.PendingCount} {
		if n < 0 {
			t.Fatalf("negative count: %+v", b)
		}
	}
}

func checkFuzzContribution(t *testing.T, c esp.Contribution) {
	if c.ID == "" || c.ImageWidth < 0 || c.ImageHeight < 0 {
		t.Fatalf("decoded a contribution without id or with a negative size: %+v", c)
	}
}

var thumbName = regexp.MustCompile(`^[0-9a-f]{2}/[0-9a-f]{64}\.img$`)

// FuzzThumbnailBody serves any body as a thumbnail to the real downloader
// writing into a real thumbnails folder: nothing is written anywhere but
// under a hashed name inside it, and a thumbnail marked done is on disk and
// starts like an image.
func FuzzThumbnailBody(f *testing.F) {
	f.Add([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("<html><body>Sign in</body></html>"))
	f.Add([]byte{})
	a := &answer{}
	srv := fuzzServer(f, a)
	client := fuzzClient(f, srv.URL)
	root := f.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(root, "stocksync.db"), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := db.UpsertBatchList(ctx, []store.Batch{{ID: "1", ServerVersion: "v"}}, now); err != nil {
		f.Fatal(err)
	}
	dir := filepath.Join(root, "thumbnails")
	var n int
	f.Fuzz(func(t *testing.T, body []byte) {
		n++
		a.set(esp.EndpointThumbnail, 200, body)
		id := fmt.Sprintf("f%d", n%7)
		file := store.Contribution{ID: id, BatchID: "1", Status: "pending", UpdatedAt: now.Add(time.Duration(n) * time.Second),
			ThumbnailURL: fmt.Sprintf("%s/thumbs/%d.jpg", srv.URL, n)}
		if _, err := db.WriteBatchContributions(ctx, "1", fmt.Sprint(n), []store.Contribution{file}, now); err != nil {
			t.Fatal(err)
		}
		d := &thumbs.Downloader{DB: db, Fetch: client, Dir: dir, Workers: 1, MaxAttempts: 1}
		if err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(root)
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), "stocksync.db") && e.Name() != "thumbnails" {
				t.Fatalf("written outside the thumbnails folder: %s", e.Name())
			}
		}
		filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
			if err == nil && !de.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				if !thumbName.MatchString(filepath.ToSlash(rel)) {
					t.Fatalf("unexpected file in the thumbnails folder: %s", rel)
				}
			}
			return nil
		})
		name, err := db.ThumbnailFile(ctx, id)
		if err != nil || name == "" {
			return
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatalf("thumbnail %s marked done but not on disk: %v", id, err)
		}
		if !strings.HasPrefix(http.DetectContentType(b), "image/") {
			t.Fatalf("thumbnail %s saved but is %s", id, http.DetectContentType(b))
		}
	})
}
