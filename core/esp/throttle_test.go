package esp_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/session"
)

// syncAll lists every batch and its files, as a sync does, and checks that
// every file the server holds came back.
func syncAll(t testing.TB, srv *espfake.Server, c *esp.Client) {
	t.Helper()
	batches, err := c.ListBatches(ctx(t.(*testing.T)), 0)
	if err != nil {
		t.Fatalf("list batches: %v", err)
	}
	got := 0
	for _, b := range batches {
		files, err := c.ListContributions(ctx(t.(*testing.T)), b.ID, b.ContributionsCount, 0)
		if err != nil {
			t.Fatalf("batch %s: %v", b.ID, err)
		}
		got += len(files)
	}
	want := 0
	for _, b := range srv.Portfolio().Batches {
		want += len(b.Contributions)
	}
	if len(batches) != len(srv.BatchIDs()) || got != want {
		t.Fatalf("synced %d batches, %d files; the server has %d, %d", len(batches), got, len(srv.BatchIDs()), want)
	}
}

func throttledCount(srv *espfake.Server) (throttled, total int) {
	for _, r := range srv.Requests() {
		total++
		if r.Fault == "throttled" {
			throttled++
		}
	}
	return
}

// issue #10 "done when": 100 batches against --throttle-qps 5 with 403
// throttling complete with every file.
func TestThrottled403HundredBatchesComplete(t *testing.T) {
	if testing.Short() {
		t.Skip("about 20 s at 5 requests per second")
	}
	srv := espfaketest.New(t, espfake.Options{Seed: 50, Batches: 100, ContributionsPerBatch: 1, ContributionsPerBatchMax: 3,
		ThrottleQPS: 5, ThrottleStyle: espfake.Throttle403, NoThumbnails: true})
	// The client starts at its polite default of 20 requests/s, four times the limit.
	c := sessionClient(t, srv, srv.NewSession(), func(cfg *esp.Config) {
		cfg.RequestsPerSecond = 0
		cfg.RetryBaseDelay, cfg.RetryMaxDelay = esp.DefaultRetryBaseDelay, esp.DefaultRetryMaxDelay
	})
	syncAll(t, srv, c)
	thr, total := throttledCount(srv)
	if thr == 0 {
		t.Fatalf("no request was throttled (%d requests): the test did not test throttling", total)
	}
	throttled, rps := c.Throttle()
	if !throttled || rps >= esp.DefaultRequestsPerSecond {
		t.Errorf("Throttle() = %v, %v; want throttled and a rate below %v", throttled, rps, esp.DefaultRequestsPerSecond)
	}
	t.Logf("%d of %d requests throttled; learned rate %.2f/s", thr, total, rps)
}

func TestThrottled429WithoutRetryAfterAndMixed(t *testing.T) {
	for _, style := range []espfake.ThrottleStyle{espfake.Throttle429, espfake.ThrottleMixed} {
		t.Run(fmt.Sprint(style), func(t *testing.T) {
			srv := espfaketest.New(t, espfake.Options{Seed: 51, Batches: 30, ContributionsPerBatch: 2, ThrottleQPS: 40, ThrottleStyle: style, NoThumbnails: true})
			c := sessionClient(t, srv, srv.NewSession(), func(cfg *esp.Config) { cfg.RequestsPerSecond = 200 })
			syncAll(t, srv, c)
			if thr, _ := throttledCount(srv); thr == 0 {
				t.Error("no request was throttled")
			}
		})
	}
}

// A 403 that is not about a rate limit is a real refusal: it stops, with
// the server's words, and is not retried.
func TestReal403StillStops(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Seed: 52, Batches: 1, ContributionsPerBatch: 1})
	b := srv.Portfolio().Batches[0]
	srv2 := espfaketest.New(t, espfake.Options{Seed: 52, Batches: 1, ContributionsPerBatch: 1, ForbiddenTypes: []string{b.Type}})
	c := sessionClient(t, srv2, srv2.NewSession(), nil)
	_, err := c.GetBatch(ctx(t), b.ID)
	var e *esp.Error
	if !errors.Is(err, esp.ErrForbidden) || !errors.As(err, &e) || !strings.Contains(e.Message, "not permitted") {
		t.Fatalf("err = %v, want ErrForbidden with the server's message", err)
	}
	if n := srv2.Counts()[esp.EndpointBatchesGet]; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if thr, _ := c.Throttle(); thr {
		t.Error("a real 403 counted as throttling")
	}
}

// The learned rate seeds the next run: InitialRate starts there.
func TestInitialRateSeedsTheAdaptiveRate(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Seed: 53, Batches: 1, ContributionsPerBatch: 1})
	c := sessionClient(t, srv, srv.NewSession(), func(cfg *esp.Config) { cfg.RequestsPerSecond = 20; cfg.InitialRate = 4.5 })
	if thr, rps := c.Throttle(); thr || rps != 4.5 {
		t.Errorf("Throttle() = %v, %v; want false, 4.5", thr, rps)
	}
	c = sessionClient(t, srv, srv.NewSession(), func(cfg *esp.Config) { cfg.RequestsPerSecond = 3; cfg.InitialRate = 9 })
	if _, rps := c.Throttle(); rps != 3 {
		t.Errorf("a seed above the ceiling gave %v, want the ceiling 3", rps)
	}
}

// issue #12 item 10: a connection that stops sending mid-body is abandoned
// after StallTimeout and retried; a server that never answers fails with
// ErrUnavailable and a message saying so, instead of hanging.
func TestStalledBodyIsDetected(t *testing.T) {
	hold := make(chan struct{})
	calls := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		io.WriteString(w, `[{"id":"1",`)
		w.(http.Flusher).Flush()
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	}))
	defer hs.Close()
	defer close(hold)
	s := session.Session{BearerToken: "t"}
	c, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1, MaxRetries: 2,
		StallTimeout: 100 * time.Millisecond, Timeout: time.Minute, RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListContributions(ctx(t), "1", 0, 0)
	var e *esp.Error
	if !errors.Is(err, esp.ErrUnavailable) || !errors.As(err, &e) || !strings.Contains(e.Message, "stalled") {
		t.Fatalf("err = %v, want ErrUnavailable naming the stall", err)
	}
	if calls != 3 {
		t.Errorf("%d attempts, want 3 (1 + 2 retries)", calls)
	}
}

// The push requests obey the same rules: a stalled PUT is abandoned too.
func TestStalledPushIsDetected(t *testing.T) {
	hold := make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select { // never answers
		case <-hold:
		case <-r.Context().Done():
		}
	}))
	defer hs.Close()
	defer close(hold) // before Close, which waits for the handler
	s := session.Session{BearerToken: "t"}
	c, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1, MaxRetries: 1,
		StallTimeout: 100 * time.Millisecond, Timeout: time.Minute, RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h := "new"
	_, err = c.UpdateContribution(ctx(t), "1", "2", esp.ContributionUpdate{Headline: &h})
	if !errors.Is(err, esp.ErrUnavailable) || !strings.Contains(err.Error(), "stalled") {
		t.Fatalf("err = %v, want ErrUnavailable naming the stall", err)
	}
}

// issue #12 item 10: a server that keeps failing is given up on after
// GiveUpAfter with a message saying so, however many retries are allowed.
func TestGiveUpAfter(t *testing.T) {
	calls := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer hs.Close()
	s := session.Session{BearerToken: "t"}
	c, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1, MaxRetries: 1000,
		GiveUpAfter: 200 * time.Millisecond, RetryBaseDelay: 20 * time.Millisecond, RetryMaxDelay: 40 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.GetBatch(ctx(t), "1")
	took := time.Since(start)
	if !errors.Is(err, esp.ErrUnavailable) || !strings.Contains(err.Error(), "ESP stopped answering; gave up after") {
		t.Fatalf("err = %v", err)
	}
	// It gives up only when the next pause (at most 40 ms) would end past
	// the 200 ms, and every pause is at least 10 ms: it kept trying for over
	// 160 ms, in at most 21 attempts, whatever the machine's speed. (The
	// count of attempts is not a bound: a first attempt slower than 160 ms
	// on a loaded machine rightly gives up after it.)
	if took < 160*time.Millisecond {
		t.Errorf("gave up after %s, want over 160 ms (GiveUpAfter 200 ms less a pause)", took)
	}
	if calls < 1 || calls > 21 {
		t.Errorf("%d attempts, want 1 to 21", calls)
	}
}
