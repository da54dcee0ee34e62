package reliability

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
	"github.com/stocksync/stocksync/core/thumbs"
)

// Regression tests for bugs the campaign found in other packages. Each
// names the file, the cause and the fix; docs/RELIABILITY.md lists them.
// They run in-process (real loopback server, real SQLite) with fast retries,
// so they take milliseconds; the fault matrix shows the same bugs through
// the CLI.

// inproc is a synced database and a client with fast retries.
type inproc struct {
	srv    *espfake.Server
	px     *proxy
	client *esp.Client
	db     *store.DB
	dir    string
}

func newInproc(t *testing.T, opts espfake.Options, viaProxy bool) *inproc {
	t.Helper()
	opts.Mode = espfake.ModePartner // the partner API flow these tests sign in with
	ip := &inproc{srv: espfaketest.New(t, opts), dir: t.TempDir()}
	cr := ip.srv.Credentials()
	root, tok := ip.srv.URL(), ip.srv.TokenURL()
	if viaProxy {
		ip.px = newProxy(t, ip.srv)
		root, tok = ip.px.apiURL()+"/esp", ip.px.apiURL()+"/oauth2/token"
	}
	var err error
	ip.client, err = esp.New(esp.Config{APIRoot: root, TokenURL: tok, APIKey: cr.APIKey, APISecret: cr.APISecret,
		Username: cr.Username, Password: cr.Password, RequestsPerSecond: -1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ip.db, err = store.Open(context.Background(), filepath.Join(ip.dir, "stocksync.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ip.db.Close() })
	ip.sync(t)
	return ip
}

func (ip *inproc) sync(t *testing.T) {
	t.Helper()
	if _, err := (&syncer.Engine{DB: ip.db, ESP: ip.client}).Run(context.Background(), syncer.Options{}); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

func (ip *inproc) drain(t *testing.T) thumbs.Stats {
	t.Helper()
	d := &thumbs.Downloader{DB: ip.db, Fetch: ip.client, Dir: filepath.Join(ip.dir, "thumbnails")}
	if err := d.Drain(context.Background()); err != nil {
		t.Fatalf("drain: %v", err)
	}
	return d.Stats()
}

// Bug: core/thumbs/thumbs.go (Downloader.finish: final := … j.Attempts+1 >=
// maxAttempts …) marks a job "failed" for good after three attempts in one
// Drain, whatever the error, and nothing ever queues a failed job again
// (core/store/thumbs.go has no such query; only a changed URL requeues).
// So a laptop that drops off Wi-Fi, or ESP's image host answering 503 for a
// minute, during the background download leaves those thumbnails missing
// forever. Fix: treat ErrUnavailable and ErrRateLimited (and connection
// errors) as temporary — keep the job queued with a later not-before time —
// or requeue failed jobs whose error was temporary at the start of each
// Drain (a store query such as `UPDATE thumbnails SET state='queued',
// attempts=0 WHERE state='failed' AND <temporary>`).
func TestThumbnailsRetriedAfterOutage(t *testing.T) {
	ip := newInproc(t, espfake.Options{Seed: 3, Batches: 2, ContributionsPerBatch: 4}, false)
	ip.srv.AddFault(espfake.Fault{Endpoint: esp.EndpointThumbnail, Kind: espfake.FaultUnavailable, Probability: 1})
	ip.drain(t)
	ip.srv.ClearFaults() // the outage is over
	ip.drain(t)
	s, err := ip.db.Summary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.ThumbnailsDone, 8; got != want || s.ThumbnailsFailed != 0 {
		t.Errorf("after the outage ended and the queue was drained again: %d thumbnails done, %d failed; want %d done, 0 failed",
			s.ThumbnailsDone, s.ThumbnailsFailed, want)
	}
}

// Bug: core/thumbs/thumbs.go (Downloader.download) accepts a body as an
// image when http.DetectContentType recognises its first bytes, so a
// thumbnail whose body is cut short or garbled after a valid JPEG header is
// saved and marked done — a broken image the app shows for good, since a
// done job is never fetched again. Fix: decode the image (image.Decode with
// image/jpeg, image/png, image/gif registered; x/image for webp and bmp, or
// refuse those) before writing, and treat a failed decode like a non-image.
func TestThumbnailNotWholeImageNotSaved(t *testing.T) {
	ip := newInproc(t, espfake.Options{Seed: 4, Batches: 1, ContributionsPerBatch: 3}, true)
	whole := jpegBytes(t)
	ip.px.setThumbBody(func(string) ([]byte, string, bool) {
		return append(bytes.Clone(whole[:len(whole)/2]), "<!-- garbled -->"...), "image/jpeg", true
	})
	st := ip.drain(t)
	entries := 0
	filepath.WalkDir(filepath.Join(ip.dir, "thumbnails"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			entries++
		}
		return nil
	})
	if st.Done != 0 || entries != 0 {
		t.Errorf("garbled JPEG bodies: %d thumbnails marked done, %d files saved; want none", st.Done, entries)
	}
}

// Bug: core/store (WriteBatchContributions / UpsertBatchList mark files removed but
// leave their queued thumbnail jobs, and NextThumbnails does not skip removed
// files) — so thumbnails of files removed from ESP are still fetched, fail
// with 404 and are counted as failed in the status forever ("25 failed").
// Fix: delete (or skip, and leave out of Summary) the queued thumbnail jobs
// of removed files: in NextThumbnails `JOIN contributions c … WHERE
// c.removed_at = ”`, and the same condition in Summary's thumbnail counts.
func TestThumbnailsOfRemovedFiles(t *testing.T) {
	ip := newInproc(t, espfake.Options{Seed: 5, Batches: 3, ContributionsPerBatch: 4}, false)
	if err := ip.srv.RemoveBatch(ip.srv.BatchIDs()[0]); err != nil {
		t.Fatal(err)
	}
	ip.sync(t)
	st := ip.drain(t)
	s, err := ip.db.Summary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Failed != 0 || s.ThumbnailsFailed != 0 {
		t.Errorf("after a batch was removed on ESP: %d downloads failed, status shows %d failed thumbnails; want 0 (the files are gone, not failing)",
			st.Failed, s.ThumbnailsFailed)
	}
}

// jpegBytes is a real 64×48 JPEG.
func jpegBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Bug: core/esp (decodeContributionList / decodeBatchList, reached through
// ListContributionsPage and ListBatchesPage) keeps every item of a page,
// however many more than the page_size asked for, until MaxResponseBytes
// (32 MiB) is reached. A small item decodes to a Contribution about thirty
// times its JSON size, and up to 16 batches are fetched at once, so one
// oversized answer per batch drove `stocksync sync` to 6.2 GB of memory
// (TestHostileServerData, "a 40 MB file list") and a 40 MB batch list to
// 1 GB, before the limit stopped them. Fix: stop decoding a page at
// page_size+1 items with ErrMalformed ("ESP sent more items than asked
// for"), and give list pages a limit sized for a page (a few MiB) rather
// than 32 MiB.
func TestPageHoldsAtMostPageSize(t *testing.T) {
	ip := newInproc(t, espfake.Options{Seed: 6, Batches: 1, ContributionsPerBatch: 3}, true)
	ctx := context.Background()
	ip.px.setHuge(esp.EndpointContributionsList, 1<<20)
	ip.px.setHuge(esp.EndpointBatchesList, 1<<20)
	files, err := ip.client.ListContributionsPage(ctx, ip.srv.BatchIDs()[0], 1, 200)
	if err == nil && len(files) > 200 {
		t.Errorf("ListContributionsPage(page size 200) over a 1 MiB answer: %d files, no error; want at most 200 or ErrMalformed", len(files))
	}
	batches, _, err := ip.client.ListBatchesPage(ctx, 1, 100)
	if err == nil && len(batches) > 100 {
		t.Errorf("ListBatchesPage(page size 100) over a 1 MiB answer: %d batches, no error; want at most 100 or ErrMalformed", len(batches))
	}
}

// Bug: core/esp (the error path of Client.once / the modeled error-body
// decoder) copies the server's error message into Error.Message verbatim.
// A server or proxy that repeats the request's headers in its error text
// (debug pages do) thus puts the access token into the error — which
// `stocksync sync` prints and stores in the database's sync history
// (TestSecretsNeverWritten, "a server that echoes…"). Fix: before building
// an *Error, replace every occurrence of the client's own secrets (current
// access and refresh tokens, API key, API secret, password) in server text
// with "[redacted]".
func TestServerMessagesCarryNoToken(t *testing.T) {
	ip := newInproc(t, espfake.Options{Seed: 7, Batches: 1, ContributionsPerBatch: 2}, true)
	ip.px.addFault(esp.EndpointBatchesList, faultEcho, 0)
	_, _, err := ip.client.ListBatchesPage(context.Background(), 1, 10)
	if err == nil {
		t.Fatal("want an error from a 500")
	}
	for _, tok := range ip.px.seenTokens() {
		if strings.Contains(err.Error(), tok) {
			t.Errorf("the error carries an access token the server echoed: %.200s…", err)
		}
	}
	if cr := ip.srv.Credentials(); strings.Contains(err.Error(), cr.APIKey) {
		t.Errorf("the error carries the API key the server echoed")
	}
}

// Bug: cmd/stocksync/thumbnails.go (`thumbnails --wait`) prints
// "Thumbnails: 0 downloaded (0 bytes), 0 failed." and exits 0 when ESP's
// image host is down: since core/thumbs leaves jobs queued through an outage
// (rightly), the command finishes with the whole queue still waiting and
// never says so or why. Fix: after Drain, count what is still queued and
// failed; if anything is, print e.g. "4 thumbnails could not be downloaded
// (thumbnail: ESP is unavailable (HTTP 503)); they are tried again by the
// next sync or `stocksync thumbnails --wait`" with the first error of each
// kind (store has it in thumbnails.last_error), and exit 3.
func TestThumbnailsWaitReportsOutage(t *testing.T) {
	e := newEnv(t, envOptions{server: espfake.Options{Seed: 8, Batches: 1, ContributionsPerBatch: 4}})
	e.mustRun("sync", "--json", "--no-thumbnails")
	e.srv.AddFault(espfake.Fault{Endpoint: esp.EndpointThumbnail, Kind: espfake.FaultUnavailable, Probability: 1})
	r := e.run("thumbnails", "--wait")
	out := strings.ToLower(r.stdout + r.stderr)
	if r.code == 0 || !containsAny(out, []string{"unavailable", "503"}) {
		t.Errorf("thumbnails --wait during an outage of the image host: exit %d, output %q; want a non-zero exit and the cause",
			r.code, lastLine(r.stdout)+" "+lastLine(r.stderr))
	}
}
