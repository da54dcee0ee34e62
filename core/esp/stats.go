package esp

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
)

// Endpoint names, as used in Stats and in espfake's request counts.
const (
	EndpointToken              = "token"
	EndpointBatchesList        = "batches.list"
	EndpointBatchesGet         = "batches.get"
	EndpointContributionsList  = "contributions.list"
	EndpointContributionsGet   = "contributions.get"
	EndpointContributionUpdate = "contributions.update"
	EndpointContributionSubmit = "contributions.submit"
	EndpointReleasesList       = "releases.list"
	EndpointThumbnail          = "thumbnail"
)

// EndpointStats counts the HTTP requests sent to one endpoint.
type EndpointStats struct {
	Requests int64 // requests sent, retries included
	Retries  int64 // requests that were retries of an earlier attempt
	Failures int64 // calls that ended in an error
}

// Stats is a copy of the client's request counts.
type Stats struct {
	Endpoints map[string]EndpointStats
	Requests  int64
	Retries   int64
	Failures  int64
	// Responses counts HTTP responses read to their end (any status: a
	// 429 is an answer too); BodyBytes counts the response body bytes read
	// by first attempts (a retry's body repeats what ESP sent before, so a
	// body that breaks off at the same place each time adds nothing).
	// Together they are what came back from ESP, which is how a sync tells
	// a slow ESP from a silent one.
	Responses int64
	BodyBytes int64
}

// EndpointNames returns the endpoints with counts, sorted.
func (s Stats) EndpointNames() []string {
	names := make([]string, 0, len(s.Endpoints))
	for k := range s.Endpoints {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

type counters struct {
	mu sync.Mutex
	m  map[string]*EndpointStats
	// responses and bodyBytes are totals kept without the lock: bodyBytes
	// grows on every body read.
	responses atomic.Int64
	bodyBytes atomic.Int64
}

func (c *counters) add(endpoint string, f func(*EndpointStats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*EndpointStats{}
	}
	s := c.m[endpoint]
	if s == nil {
		s = &EndpointStats{}
		c.m[endpoint] = s
	}
	f(s)
}

func (c *counters) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := Stats{Endpoints: make(map[string]EndpointStats, len(c.m)),
		Responses: c.responses.Load(), BodyBytes: c.bodyBytes.Load()}
	for k, v := range c.m {
		out.Endpoints[k] = *v
		out.Requests += v.Requests
		out.Retries += v.Retries
		out.Failures += v.Failures
	}
	return out
}

// Stats returns the request counts so far.
func (c *Client) Stats() Stats { return c.counts.snapshot() }

// The endpoint name and attempt number travel with each request's context,
// so the transport (which also carries x/oauth2's token requests) can count.
type requestTagKey struct{}

type requestTag struct {
	endpoint string
	retry    bool
	// bodyErr records a failed read of the response body. x/oauth2 hides
	// such errors in its message; this tells a token response that broke
	// off (worth retrying) from one that was wrong.
	bodyErr *bodyError
}

type bodyError struct {
	mu  sync.Mutex
	err error
}

func (b *bodyError) set(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
}

func (b *bodyError) get() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func withTag(ctx context.Context, endpoint string, retry bool) context.Context {
	return context.WithValue(ctx, requestTagKey{}, requestTag{endpoint, retry, &bodyError{}})
}

func tagOf(ctx context.Context) requestTag {
	t, _ := ctx.Value(requestTagKey{}).(requestTag)
	if t.endpoint == "" {
		t.endpoint = "other"
	}
	if t.bodyErr == nil {
		t.bodyErr = &bodyError{}
	}
	return t
}
