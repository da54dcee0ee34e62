package esp_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// Every fault is either retried to success (when it passes) or returned as
// the right typed error (when it persists).
func TestFaults(t *testing.T) {
	tests := []struct {
		kind       espfake.FaultKind
		retried    bool  // a passing fault is retried to success
		persistent error // the error when the fault never passes
	}{
		{espfake.FaultInternalError, true, esp.ErrUnavailable},
		{espfake.FaultUnavailable, true, esp.ErrUnavailable},
		{espfake.FaultRateLimited, true, esp.ErrRateLimited},
		{espfake.FaultReset, true, esp.ErrUnavailable},
		{espfake.FaultTimeout, true, esp.ErrUnavailable},
		{espfake.FaultTruncated, true, esp.ErrUnavailable},
		{espfake.FaultHTMLError, true, esp.ErrUnavailable},
		{espfake.FaultTokenExpired, true, esp.ErrBadCredentials},
		{espfake.FaultMalformedJSON, false, esp.ErrMalformed},
		{espfake.FaultWrongTypes, false, esp.ErrMalformed},
	}
	endpoints := []string{esp.EndpointBatchesList, esp.EndpointContributionsList, esp.EndpointContributionsGet,
		esp.EndpointBatchesGet, esp.EndpointReleasesList, esp.EndpointToken, esp.EndpointThumbnail}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			for _, ep := range endpoints {
				if ep == esp.EndpointToken && tt.kind == espfake.FaultTokenExpired {
					continue // a 401 from the token endpoint is a refusal, tested elsewhere
				}
				timeout := 500 * time.Millisecond
				if tt.kind == espfake.FaultTimeout {
					timeout = 100 * time.Millisecond
				}
				if (ep == esp.EndpointThumbnail || ep == esp.EndpointToken) && (tt.kind == espfake.FaultMalformedJSON || tt.kind == espfake.FaultWrongTypes) {
					continue // not JSON decoders
				}
				for _, persistent := range []bool{false, true} {
					if ep == esp.EndpointThumbnail && tt.kind == espfake.FaultTokenExpired {
						continue // thumbnails carry no token
					}
					n := 2
					if tt.kind == espfake.FaultTokenExpired {
						n = 1 // a fresh token is fetched once per call
					}
					f := espfake.Fault{Endpoint: ep, Kind: tt.kind, Count: n}
					if persistent {
						f = espfake.Fault{Endpoint: ep, Kind: tt.kind, Probability: 1}
					}
					// Two throttles in a row must be waited out however slow
					// the machine (under -race and load, 300 ms was too short:
					// a timed test); persistent throttling must end soon.
					throttleWait := 10 * time.Second
					if persistent {
						throttleWait = 300 * time.Millisecond
					}
					srv, c := pair(t, espfake.Options{Seed: 20, Batches: 6, ContributionsPerBatch: 3, Faults: []espfake.Fault{f}},
						func(c *esp.Config) { c.Timeout = timeout; c.MaxRetries = 2; c.MaxThrottleWait = throttleWait })
					err := callEndpoint(t, srv, c, ep)
					want := error(nil)
					if persistent || !tt.retried {
						want = tt.persistent
					}
					if (want == nil && err != nil) || (want != nil && !errors.Is(err, want)) {
						t.Errorf("%s persistent=%v: err = %v, want %v", ep, persistent, err, want)
					}
					var e *esp.Error
					if err != nil && errors.As(err, &e) && e.Endpoint != ep {
						t.Errorf("%s: error names endpoint %q", ep, e.Endpoint)
					}
				}
			}
		})
	}
}

func callEndpoint(t *testing.T, srv *espfake.Server, c *esp.Client, ep string) error {
	t.Helper()
	p := srv.Portfolio()
	b := p.Batches[0]
	for _, x := range p.Batches {
		if len(x.Releases) > len(b.Releases) && len(x.Contributions) > 0 {
			b = x
		}
	}
	switch ep {
	case esp.EndpointBatchesList:
		_, err := c.ListBatches(ctx(t), 2)
		return err
	case esp.EndpointBatchesGet:
		_, err := c.GetBatch(ctx(t), b.ID)
		return err
	case esp.EndpointContributionsList:
		_, err := c.ListContributions(ctx(t), b.ID, b.ContributionsCount, 2)
		return err
	case esp.EndpointContributionsGet:
		_, err := c.GetContribution(ctx(t), b.ID, b.Contributions[0].ID)
		return err
	case esp.EndpointReleasesList:
		_, err := c.ListReleases(ctx(t), b.ID)
		return err
	case esp.EndpointToken:
		return c.VerifyCredentials(ctx(t))
	case esp.EndpointThumbnail:
		_, _, err := c.DownloadThumbnail(ctx(t), b.Contributions[0].ThumbnailURL, &strings.Builder{}, 0)
		return err
	}
	t.Fatalf("no call for %s", ep)
	return nil
}

func TestWrongTypesNamesTheField(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 21, Batches: 1, ContributionsPerBatch: 1,
		Faults: []espfake.Fault{{Endpoint: esp.EndpointBatchesGet, Kind: espfake.FaultWrongTypes, Count: 1}}}, nil)
	_, err := c.GetBatch(ctx(t), srv.BatchIDs()[0])
	var e *esp.Error
	if !errors.As(err, &e) || e.Kind != esp.ErrMalformed {
		t.Fatalf("err = %v, want ErrMalformed", err)
	}
	if !strings.Contains(e.Message, `"`) || e.Endpoint != esp.EndpointBatchesGet {
		t.Errorf("message %q does not name a field of %s", e.Message, e.Endpoint)
	}
}

func TestUpdateRetriedAfterServerError(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 22, Batches: 1, ContributionsPerBatch: 5, StatusMix: espfake.StatusMix{Pending: 1},
		Faults: []espfake.Fault{{Endpoint: esp.EndpointContributionUpdate, Kind: espfake.FaultUnavailable, Count: 1}}}, nil)
	b := srv.Portfolio().Batches[0]
	h := "New title"
	got, err := c.UpdateContribution(ctx(t), b.ID, b.Contributions[0].ID, esp.ContributionUpdate{Headline: &h})
	if err != nil || got.Headline != h {
		t.Fatalf("update = %q, %v", got.Headline, err)
	}
	if st := c.Stats().Endpoints[esp.EndpointContributionUpdate]; st.Requests != 2 || st.Retries != 1 {
		t.Errorf("stats = %+v, want 2 requests, 1 retry", st)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	srv, c := pair(t, espfake.Options{Seed: 23, Batches: 1, ContributionsPerBatch: 1,
		Faults: []espfake.Fault{{Endpoint: esp.EndpointBatchesGet, Kind: espfake.FaultRateLimited, Count: 1, RetryAfter: time.Second}}}, nil)
	if _, err := c.GetBatch(ctx(t), srv.BatchIDs()[0]); err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for _, r := range srv.Requests() {
		if r.Endpoint == esp.EndpointBatchesGet {
			times = append(times, r.Time)
		}
	}
	if len(times) != 2 || times[1].Sub(times[0]) < time.Second {
		t.Errorf("retry came %v after the 429, want at least 1s (requests %d)", times[len(times)-1].Sub(times[0]), len(times))
	}
}

func TestRetryAfterTooLongFailsAtOnce(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 24, Batches: 1, ContributionsPerBatch: 1,
		Faults: []espfake.Fault{{Kind: espfake.FaultRateLimited, Count: 1, RetryAfter: 3600 * time.Second}}},
		func(c *esp.Config) { c.MaxRetryAfter = time.Minute })
	srv.ResetRequests()
	_, err := c.GetBatch(ctx(t), srv.BatchIDs()[0])
	var e *esp.Error
	if !errors.As(err, &e) || e.Kind != esp.ErrRateLimited || e.RetryAfter != time.Hour {
		t.Errorf("err = %v, want ErrRateLimited with RetryAfter 1h", err)
	}
}

// The server's rate limit passes its burst (3: the token request and two
// batches) and refuses the next request with a 429. At one request per
// 1000 s the outcome does not depend on how fast the requests come (at 5 a
// second with a burst of 2, a machine loaded enough to space the requests
// 130 ms apart would see none refused).
func TestServerRateLimitKnob(t *testing.T) {
	t.Parallel()
	srv, c := pair(t, espfake.Options{Seed: 25, Batches: 4, ContributionsPerBatch: 1, RateLimit: 0.001, RateBurst: 3},
		func(c *esp.Config) { c.MaxRetries = -1 })
	ids := srv.BatchIDs()
	for _, id := range ids[:2] {
		if _, err := c.GetBatch(ctx(t), id); err != nil {
			t.Fatalf("within the burst: %v", err)
		}
	}
	_, err := c.GetBatch(ctx(t), ids[2])
	var e *esp.Error
	if !errors.As(err, &e) || e.Kind != esp.ErrRateLimited || e.RetryAfter <= 0 {
		t.Errorf("third request: err = %v, want ErrRateLimited with a Retry-After", err)
	}
	var statuses []int
	for _, r := range srv.Requests() {
		if r.Endpoint == esp.EndpointBatchesGet {
			statuses = append(statuses, r.Status)
		}
	}
	if want := []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests}; !slices.Equal(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
}

func TestCancellation(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 26, Batches: 30, ContributionsPerBatch: 1, Latency: 10 * time.Second}, nil)
	_ = srv
	cctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var err error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err = c.ListBatches(cctx, 5)
	}()
	time.Sleep(50 * time.Millisecond) // let the call get under way; it is cancelled wherever it is
	cancel()
	wg.Wait()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestPerRequestTimeout(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 27, Batches: 1, ContributionsPerBatch: 1},
		func(c *esp.Config) { c.Timeout = 100 * time.Millisecond; c.MaxRetries = -1 })
	if err := c.VerifyCredentials(ctx(t)); err != nil {
		t.Fatal(err)
	}
	srv.SetLatency(5 * time.Second)
	_, err := c.GetBatch(ctx(t), srv.BatchIDs()[0])
	if !errors.Is(err, esp.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want ErrUnavailable caused by the deadline", err)
	}
}

func TestOversizeBody(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 28, Batches: 1, ContributionsPerBatch: 50},
		func(c *esp.Config) { c.MaxResponseBytes = 4096 })
	b := srv.Portfolio().Batches[0]
	_, err := c.ListContributionsPage(ctx(t), b.ID, 1, 50)
	var e *esp.Error
	if !errors.Is(err, esp.ErrTooLarge) || !errors.As(err, &e) || e.Endpoint != esp.EndpointContributionsList {
		t.Errorf("err = %v, want ErrTooLarge for contributions.list", err)
	}
	if got := srv.Counts()[esp.EndpointContributionsList]; got != 1 {
		t.Errorf("oversize response was requested %d times, want 1 (not retried)", got)
	}
}

// inFlight is a transport that records the most requests under way at once.
type inFlight struct {
	mu       sync.Mutex
	now, max int
}

func (f *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.now++
	f.max = max(f.max, f.now)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.now--; f.mu.Unlock() }()
	return http.DefaultTransport.RoundTrip(r)
}

func TestConcurrencyBoundAndStats(t *testing.T) {
	track := &inFlight{}
	srv, c := pair(t, espfake.Options{Seed: 29, Batches: 40, ContributionsPerBatch: 3, Latency: 5 * time.Millisecond},
		func(c *esp.Config) { c.MaxInFlight = 3; c.HTTPClient = &http.Client{Transport: track} })
	batches, err := c.ListBatches(ctx(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, b := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ListContributions(ctx(t), b.ID, b.ContributionsCount, 2); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if track.max > 3 {
		t.Errorf("%d requests in flight at once, want at most 3", track.max)
	}
	st := c.Stats()
	counts := srv.Counts()
	for _, ep := range []string{esp.EndpointToken, esp.EndpointBatchesList, esp.EndpointContributionsList} {
		if got, want := st.Endpoints[ep].Requests, int64(counts[ep]); got != want {
			t.Errorf("%s: client counted %d requests, server saw %d", ep, got, want)
		}
	}
	if got, want := st.Endpoints[esp.EndpointBatchesList].Requests, int64(10); got != want {
		t.Errorf("batch list requests = %d, want %d", got, want)
	}
	if st.Requests != st.Endpoints[esp.EndpointToken].Requests+st.Endpoints[esp.EndpointBatchesList].Requests+st.Endpoints[esp.EndpointContributionsList].Requests {
		t.Errorf("total %d is not the sum of endpoints %+v", st.Requests, st.Endpoints)
	}
}
