package esp

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// limitTransport wraps the one HTTP transport with the cross-cutting limits:
// at most MaxInFlight requests under way (a slot is held until the response
// body is closed), a rate limiter per host, and request counting.
type limitTransport struct {
	base   http.RoundTripper
	slots  chan struct{}
	rps    float64
	burst  int
	counts *counters
	// apiHost is rate-limited by the client's adaptive controller instead.
	apiHost string

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

func newLimitTransport(base http.RoundTripper, maxInFlight int, rps float64, counts *counters, apiHost string) *limitTransport {
	return &limitTransport{
		apiHost:  apiHost,
		base:     base,
		slots:    make(chan struct{}, maxInFlight),
		rps:      rps,
		burst:    maxInFlight,
		counts:   counts,
		limiters: map[string]*rate.Limiter{},
	}
}

func (t *limitTransport) limiter(host string) *rate.Limiter {
	if t.rps < 0 || host == t.apiHost {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.limiters[host]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(t.rps), t.burst)
		t.limiters[host] = l
	}
	return l
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		closeRequestBody(req)
		return nil, ctx.Err()
	}
	release := sync.OnceFunc(func() { <-t.slots })
	if l := t.limiter(req.URL.Host); l != nil {
		if err := l.Wait(ctx); err != nil {
			release()
			closeRequestBody(req)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, context.DeadlineExceeded
		}
	}
	tag := tagOf(ctx)
	t.counts.add(tag.endpoint, func(s *EndpointStats) {
		s.Requests++
		if tag.retry {
			s.Retries++
		}
	})
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release, bodyErr: tag.bodyErr, counts: t.counts, retry: tag.retry}
	return resp, nil
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

type releasingBody struct {
	io.ReadCloser
	release func()
	bodyErr *bodyError
	counts  *counters // body bytes read, responses read to the end
	retry   bool      // a retry's body bytes are not counted: it repeats what ESP sent before
	ended   atomic.Bool
}

func (b *releasingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && !b.retry {
		b.counts.bodyBytes.Add(int64(n))
	}
	if err == io.EOF && !b.ended.Swap(true) {
		b.counts.responses.Add(1)
	}
	if err != nil && err != io.EOF {
		b.bodyErr.set(err)
	}
	return n, err
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
