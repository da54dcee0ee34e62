package esp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// outcome is the result of one attempt.
type outcome struct {
	err          error
	transient    bool          // worth another attempt after a pause
	retryAfter   time.Duration // the server's Retry-After, if any
	unauthorized bool          // 401 on a call with a token: fetch a new token once
	refusedToken string        // the token the server refused
}

// retry runs attempt until it succeeds, fails for good, runs out of retries,
// or ctx ends. Pauses grow exponentially with jitter; a Retry-After is
// honoured as a minimum, and one longer than MaxRetryAfter ends the call.
func (c *Client) retry(ctx context.Context, endpoint string, attempt func(retry bool) outcome) error {
	retries := 0
	refreshed := false
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return c.fail(endpoint, fmt.Errorf("%s: %w", endpoint, err))
		}
		out := attempt(n > 0)
		switch {
		case out.err == nil:
			return nil
		case out.unauthorized && !refreshed:
			refreshed = true
			c.invalidate(out.refusedToken)
			continue
		case !out.transient || retries >= c.cfg.MaxRetries || out.retryAfter > c.cfg.MaxRetryAfter:
			return c.fail(endpoint, out.err)
		}
		wait := max(c.backoff(retries), out.retryAfter)
		retries++
		if err := sleep(ctx, wait); err != nil {
			return c.fail(endpoint, fmt.Errorf("%s: %w", endpoint, err))
		}
	}
}

func (c *Client) fail(endpoint string, err error) error {
	c.counts.add(endpoint, func(s *EndpointStats) { s.Failures++ })
	var e *Error
	if !errors.As(err, &e) && isContextErr(err) && !strings.HasPrefix(err.Error(), endpoint+":") {
		return fmt.Errorf("%s: %w", endpoint, err)
	}
	return err
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// backoff is the pause before retry number n (0-based): exponential, capped,
// with "equal jitter" (half fixed, half random) so that many clients spread
// out but none retries at once.
func (c *Client) backoff(n int) time.Duration {
	d := c.cfg.RetryBaseDelay << min(n, 20)
	if d <= 0 || d > c.cfg.RetryMaxDelay {
		d = c.cfg.RetryMaxDelay
	}
	half := d / 2
	return half + rand.N(half+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return min(d, 24*time.Hour), true
	}
	return 0, false
}

// isTransportError reports errors worth retrying that happen below HTTP:
// timeouts, refused or reset connections, bodies that break off.
func isTransportError(err error) bool {
	var ne net.Error
	switch {
	case errors.As(err, &ne):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return false
}
