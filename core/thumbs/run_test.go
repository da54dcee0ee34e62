package thumbs

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
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
