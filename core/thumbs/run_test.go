package thumbs

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/clock/clocktest"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// Run on the clock seam: a download refused by an outage stays queued and
// is retried once RetryPause has passed on Downloader.Clock (one timer, no
// real waiting); a thumbnail that is not an image fails for good; OnError
// hears of both; with the queue empty Run arms no timer at all.
func TestRunRetriesAfterPauseOnClockAndReportsErrors(t *testing.T) {
	jpeg := mustJPEG(t)
	var up atomic.Bool
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/html"):
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte("<html><body>Not found</body></html>"))
		case !up.Load():
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		default:
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpeg)
		}
	}))
	defer site.Close()
	f := newFixture(t, espfake.Options{Seed: 4, Batches: -1})
	queue(t, f.db, "busy", site.URL+"/busy.jpg")
	queue(t, f.db, "html", site.URL+"/html")

	fake := clocktest.New(time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC))
	armed := make(chan time.Duration, 8)
	fake.OnArm(func(d time.Duration) { armed <- d })
	var mu sync.Mutex
	var errs []error
	done := make(chan Stats, 8)
	d := f.downloader()
	d.Clock = fake
	d.OnError = func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	d.Progress = func(s Stats) { done <- s }
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		d.Run(ctx, make(chan struct{}))
	}()
	if got := <-armed; got != RetryPause {
		t.Fatalf("Run armed a timer of %v, want RetryPause (%v)", got, RetryPause)
	}
	mu.Lock()
	var busy, html *JobError
	for _, err := range errs {
		var je *JobError
		if !errors.As(err, &je) {
			t.Errorf("OnError got %T %v, want *JobError", err, err)
			continue
		}
		switch je.ContributionID {
		case "busy":
			busy = je
		case "html":
			html = je
		}
	}
	mu.Unlock()
	if busy == nil || busy.Final || !errors.Is(busy, esp.ErrUnavailable) || busy.Kind != KindThumbnail {
		t.Errorf("outage: OnError got %+v, want a thumbnail JobError, not final, ErrUnavailable", busy)
	}
	if html == nil || !html.Final || !strings.Contains(html.Error(), "not an image") {
		t.Errorf("not an image: OnError got %+v, want a final JobError", html)
	}
	s, _ := f.db.Summary(context.Background())
	if s.ThumbnailsQueued != 1 || s.ThumbnailsFailed != 1 {
		t.Fatalf("after the outage: queued %d failed %d, want 1 and 1", s.ThumbnailsQueued, s.ThumbnailsFailed)
	}

	for len(done) > 0 { // the first round's two jobs, reported before the timer was armed
		<-done
	}
	up.Store(true)
	fake.Advance(RetryPause - time.Second)
	select {
	case st := <-done:
		t.Fatalf("retried before RetryPause had passed: %+v", st)
	default:
	}
	fake.Advance(time.Second)
	for st := range done {
		if st.Done == 1 {
			break
		}
	}
	cancel()
	<-stopped
	s, _ = f.db.Summary(context.Background())
	if s.ThumbnailsDone != 1 || s.ThumbnailsQueued != 0 {
		t.Errorf("after the retry: done %d queued %d, want 1 and 0", s.ThumbnailsDone, s.ThumbnailsQueued)
	}
	select {
	case d := <-armed:
		t.Errorf("Run armed a %v timer with the queue empty", d)
	default:
	}
}

// A thumbnail recorded as downloaded whose file is gone (deleted, or its
// rename undone by a power cut: thumbnails are saved without a folder fsync)
// is fetched again by the next downloader, and OnError says so.
func TestMissingThumbnailIsFetchedAgain(t *testing.T) {
	f := newFixture(t, espfake.Options{Seed: 5, Batches: 1, ContributionsPerBatch: 3})
	f.sync(t)
	if err := f.downloader().Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	files, _ := f.db.ThumbnailFiles(context.Background())
	var gone string
	for name := range files {
		gone = name
		break
	}
	if err := os.Remove(filepath.Join(f.dir, "thumbnails", filepath.FromSlash(gone))); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetRequests()
	d := f.downloader()
	var reported []error
	d.OnError = func(err error) { reported = append(reported, err) }
	if err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "thumbnails", filepath.FromSlash(gone))); err != nil {
		t.Errorf("the missing thumbnail was not fetched again: %v", err)
	}
	if got := f.srv.Counts()[esp.EndpointThumbnail]; got != 1 {
		t.Errorf("%d thumbnails downloaded, want only the missing one", got)
	}
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), "queued again: 1") {
		t.Errorf("OnError got %v, want one report of the missing thumbnail", reported)
	}
}
