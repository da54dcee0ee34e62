package esp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
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
	throttled    bool          // ESP asked to slow down: always worth another attempt
	retryAfter   time.Duration // the server's Retry-After, if any
	unauthorized bool          // 401 on a call with a token: fetch a new token once
	refusedToken string        // the token the server refused
}

// retry runs attempt until it succeeds, fails for good, or ctx ends.
//
// Throttling (outcome.throttled) is waited out with jittered pauses for up
// to MaxThrottleWait in all; it never counts as a failure. Other transient
// failures are retried at most MaxRetries times and for at most GiveUpAfter
// since the first attempt; pauses grow exponentially with jitter, and a
// Retry-After is honoured as a minimum (one longer than MaxRetryAfter ends
// the call).
func (c *Client) retry(ctx context.Context, endpoint string, attempt func(retry bool) outcome) error {
	retries, throttles := 0, 0
	refreshed := false
	begin := time.Now()
	var throttledFor time.Duration
	var firstThrottle time.Time
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return c.fail(endpoint, err)
		}
		out := attempt(n > 0)
		var wait time.Duration
		switch {
		case out.err == nil:
			return nil
		case out.unauthorized && !refreshed:
			refreshed = true
			c.invalidate(out.refusedToken)
			continue
		case out.throttled:
			if throttles == 0 {
				firstThrottle = time.Now()
			}
			wait = c.adapt.throttleWait(throttles, out.retryAfter, c.cfg.RetryBaseDelay, c.cfg.RetryMaxDelay)
			throttles++
			throttledFor = time.Since(firstThrottle)
			if out.retryAfter > c.cfg.MaxRetryAfter || throttledFor+wait > c.cfg.MaxThrottleWait {
				return c.fail(endpoint, out.err)
			}
		case !out.transient || retries >= c.cfg.MaxRetries || out.retryAfter > c.cfg.MaxRetryAfter:
			return c.fail(endpoint, out.err)
		default:
			wait = max(c.backoff(retries), out.retryAfter)
			retries++
			if time.Since(begin)-throttledFor+wait > c.cfg.GiveUpAfter {
				return c.fail(endpoint, giveUp(out.err, time.Since(begin)))
			}
		}
		if err := sleep(ctx, wait); err != nil {
			return c.fail(endpoint, err)
		}
	}
}

// giveUp notes on err how long the call kept trying.
func giveUp(err error, spent time.Duration) error {
	var e *Error
	if errors.As(err, &e) {
		cp := *e
		note := fmt.Sprintf("ESP stopped answering; gave up after %s", spent.Round(time.Second))
		if cp.Message == "" {
			cp.Message = note
		} else {
			cp.Message += "; " + note
		}
		return &cp
	}
	return err
}

func (c *Client) fail(endpoint string, err error) error {
	c.counts.add(endpoint, func(s *EndpointStats) { s.Failures++ })
	var e *Error
	var ce *cancelled
	if isContextErr(err) && !errors.As(err, &e) && !errors.As(err, &ce) {
		return &cancelled{endpoint: endpoint, err: err}
	}
	return err
}

// cancelled is a call ended by its context, naming the endpoint.
type cancelled struct {
	endpoint string
	err      error
}

func (c *cancelled) Error() string { return c.endpoint + ": " + c.err.Error() }
func (c *cancelled) Unwrap() error { return c.err }

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
// timeouts, refused or reset connections, bodies that break off. It looks
// only at error types and values (errors.Is/As), never at error text. A
// certificate ESP's server does not pass is not worth retrying: it stays
// the same until someone changes it.
func isTransportError(err error) bool {
	var ne net.Error
	switch {
	case isCertificateError(err):
		return false
	case errors.As(err, &ne):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return false
}

// isCertificateError reports a TLS certificate that could not be verified.
func isCertificateError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}
