package esp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// request is one API call, before retries.
type request struct {
	endpoint string
	method   string
	url      string
	body     []byte // JSON, for PUT
	auth     bool   // send the credentials (only ever to the API's origin)
	accept   string
	maxBytes int64 // response body limit; 0 means Config.MaxResponseBytes
	// readFirst reads a 2xx body whole (within maxBytes) and frees the
	// request's in-flight slot before handle decodes it, so the next request
	// starts while this one is decoded. Only for bounded answers: list pages.
	readFirst bool
}

// errBodyTooLarge marks a response that passed the size limit.
var errBodyTooLarge = errors.New("response body over the size limit")

// errRedirectRefused marks redirects checkRedirect refused: not worth retrying.
var errRedirectRefused = errors.New("redirect refused")

// errStalled is the cause of an attempt abandoned because no byte came.
var errStalled = errors.New("stalled connection")

// do sends r with retries and hands a 2xx response body to handle, which
// decodes it. The body handle sees is limited in size and remembers whether
// the connection failed, so a body that breaks off is retried while a body
// that is complete but wrong is reported as malformed.
func (c *Client) do(ctx context.Context, r request, handle func(resp *http.Response, body io.Reader) error) error {
	return c.retry(ctx, r.endpoint, func(retry bool) outcome {
		return c.once(ctx, r, retry, handle)
	})
}

// watchdog cancels an attempt when no progress was made for d.
type watchdog struct {
	mu    sync.Mutex
	timer *time.Timer
	d     time.Duration
}

func newWatchdog(d time.Duration, cancel context.CancelCauseFunc) *watchdog {
	return &watchdog{d: d, timer: time.AfterFunc(d, func() { cancel(errStalled) })}
}

func (w *watchdog) kick() {
	w.mu.Lock()
	w.timer.Reset(w.d)
	w.mu.Unlock()
}

func (w *watchdog) stop() {
	w.mu.Lock()
	w.timer.Stop()
	w.mu.Unlock()
}

func (c *Client) once(ctx context.Context, r request, retry bool, handle func(*http.Response, io.Reader) error) outcome {
	var tok string
	partnerAuth := r.auth && !c.sessionMode()
	if partnerAuth {
		var err error
		if tok, err = c.token(ctx); err != nil {
			return outcome{err: err}
		}
	}
	release := func() {}
	if c.onAPI(r.url) {
		// The adaptive rate and window are waited for outside the
		// attempt's deadline: a slow rate is not a slow server.
		var err error
		if release, err = c.adapt.acquire(ctx); err != nil {
			return outcome{err: err}
		}
		defer release() // a no-op when readFirst released it already
	}
	tctx, cancelTimeout := context.WithTimeout(withTag(ctx, r.endpoint, retry), c.cfg.Timeout)
	defer cancelTimeout()
	actx, cancel := context.WithCancelCause(tctx)
	defer cancel(nil)
	wd := newWatchdog(c.cfg.StallTimeout, cancel)
	defer wd.stop()
	stalled := func() bool { return errors.Is(context.Cause(actx), errStalled) }

	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, r.url, body)
	if err != nil {
		return outcome{err: &Error{Endpoint: r.endpoint, Kind: ErrUnexpected, Message: "could not build the request", Err: scrubURLError(err)}}
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", r.accept)
	if r.auth {
		if c.sessionMode() {
			c.addSession(req)
		} else {
			req.Header.Set("Api-Key", c.cfg.APIKey)
			switch c.cfg.AuthScheme {
			case Token:
				req.Header.Set("Authorization", "Token token="+tok)
			default:
				req.Header.Set("Authorization", "Bearer "+tok)
			}
		}
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	wd.kick()
	c.logRequest(ctx, r, req, resp, err, time.Since(start))
	if err != nil {
		if ctx.Err() != nil {
			return outcome{err: ctx.Err()}
		}
		e := &Error{Endpoint: r.endpoint, Kind: ErrUnavailable, Err: scrubURLError(err)}
		if resp != nil { // a refused redirect: resp is the redirect (its body already closed)
			e.Status = resp.StatusCode
		}
		switch {
		case errors.Is(err, errSignInRedirect):
			e.Kind, e.Message, e.Err = ErrSignedOut, "ESP sent the request to its sign-in page", nil
			return outcome{err: e}
		case errors.Is(err, errRedirectRefused):
			e.Kind = ErrUnexpected
			return outcome{err: e}
		case stalled():
			e.Message, e.Err = fmt.Sprintf("no answer for %s (stalled connection)", c.cfg.StallTimeout), nil
		case errors.Is(err, context.DeadlineExceeded):
			e.Message = fmt.Sprintf("no complete answer within %s", c.cfg.Timeout)
		}
		return outcome{transient: !isCertificateError(err), err: e}
	}
	defer func() {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}()
	if r.auth {
		c.keepCookies(resp)
	}

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if r.auth && strings.Contains(r.accept, "json") && isHTML(resp.Header.Get("Content-Type")) {
			c.adapt.succeeded(time.Now())
			return outcome{err: &Error{Endpoint: r.endpoint, Kind: ErrSignedOut, Status: resp.StatusCode,
				Message: "ESP answered with a web page where data belongs (the session has ended)"}}
		}
		limit := r.maxBytes
		if limit <= 0 {
			limit = c.cfg.MaxResponseBytes
		}
		tr := &trackingReader{r: resp.Body, left: limit, progress: wd.kick}
		herr := c.handleBody(r, resp, tr, release, handle)
		switch {
		case herr == nil:
			c.adapt.succeeded(time.Now())
			return outcome{}
		case tr.err == errBodyTooLarge:
			return outcome{err: &Error{Endpoint: r.endpoint, Kind: ErrTooLarge, Status: resp.StatusCode,
				Message: fmt.Sprintf("more than %d bytes", limit)}}
		case tr.err != nil:
			if ctx.Err() != nil {
				return outcome{err: ctx.Err()}
			}
			e := &Error{Endpoint: r.endpoint, Kind: ErrUnavailable, Status: resp.StatusCode,
				Message: "the response broke off", Err: scrubURLError(tr.err)}
			if stalled() {
				e.Message, e.Err = fmt.Sprintf("the response stalled: no data for %s", c.cfg.StallTimeout), nil
			}
			return outcome{transient: true, err: e}
		}
		var e *Error
		if errors.As(herr, &e) {
			return outcome{err: e}
		}
		if r.auth && !isJSON(resp.Header.Get("Content-Type")) && tr.first == '<' {
			return outcome{err: &Error{Endpoint: r.endpoint, Kind: ErrSignedOut, Status: resp.StatusCode,
				Message: "ESP answered with a web page where data belongs (the session has ended)"}}
		}
		return outcome{err: malformed(r.endpoint, "%s", c.redact(herr.Error(), tok))}
	}

	msg, fields := "", map[string][]string(nil)
	tr := &trackingReader{r: resp.Body, left: 64 << 10, progress: wd.kick}
	b, rerr := io.ReadAll(tr)
	if rerr == nil || tr.err == errBodyTooLarge {
		msg, fields = modeledErrorBody(b)
		msg, fields = c.redact(msg, tok), c.redactFields(fields, tok)
	}
	e := &Error{Endpoint: r.endpoint, Status: resp.StatusCode, Message: msg}
	if isThrottle(resp.StatusCode, resp.Header, b) {
		c.adapt.throttled(time.Now())
		e.Kind = ErrRateLimited
		e.Message = throttleMessage(resp.Header, msg)
		if !isJSON(resp.Header.Get("Content-Type")) && e.Message == msg {
			e.Message = ""
		}
		e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		return outcome{err: e, throttled: true, retryAfter: e.RetryAfter}
	}
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		if c.sessionMode() {
			e.Kind = ErrSignedOut
			return outcome{err: e}
		}
		e.Kind = ErrBadCredentials
		return outcome{err: e, unauthorized: partnerAuth, refusedToken: tok}
	case code == http.StatusForbidden:
		e.Kind = ErrForbidden
	case code == http.StatusNotFound:
		e.Kind = ErrNotFound
	case code == http.StatusUnprocessableEntity:
		e.Kind, e.Fields = ErrValidation, fields
	case code >= 500:
		e.Kind = ErrUnavailable
		if !isJSON(resp.Header.Get("Content-Type")) {
			e.Message = "" // an HTML error page from a proxy says nothing useful
		}
		e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		return outcome{err: e, transient: true, retryAfter: e.RetryAfter}
	default:
		e.Kind = ErrUnexpected
	}
	return outcome{err: e}
}

// onAPI reports whether rawURL is on the API's origin.
func (c *Client) onAPI(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && c.sameOrigin(u)
}

func isJSON(contentType string) bool {
	return strings.Contains(strings.ToLower(contentType), "json")
}

func isHTML(contentType string) bool {
	return strings.Contains(strings.ToLower(contentType), "text/html")
}

// trackingReader enforces the size limit, records the first read error
// (which tells a body that broke off from one that was complete but wrong)
// and reports progress to the stall watchdog.
type trackingReader struct {
	r        io.Reader
	left     int64
	err      error
	progress func()
	first    byte // the body's first byte that is not white space (0: none yet)
}

func (t *trackingReader) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	if t.left <= 0 {
		var one [1]byte
		n, err := t.r.Read(one[:])
		if n > 0 {
			t.err = errBodyTooLarge
			return 0, t.err
		}
		if err != nil && err != io.EOF {
			t.err = err
		}
		if err == nil {
			return 0, nil
		}
		return 0, err
	}
	if int64(len(p)) > t.left {
		p = p[:t.left]
	}
	n, err := t.r.Read(p)
	if n > 0 && t.progress != nil {
		t.progress()
	}
	for i := 0; t.first == 0 && i < n; i++ {
		if c := p[i]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			t.first = c
		}
	}
	t.left -= int64(n)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

// handleBody hands the 2xx body to handle. For a readFirst request the body
// is read whole first (tr keeps the size limit and the stall watchdog fed),
// then the in-flight slot is released and the bytes decoded. A body that
// cannot be read whole (too large, broke off) is decoded as far as it goes,
// as a streamed one is, so its outcome does not change.
func (c *Client) handleBody(r request, resp *http.Response, tr *trackingReader, release func(), handle func(*http.Response, io.Reader) error) error {
	if !r.readFirst {
		return handle(resp, tr)
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 { // keep ordinary pages' buffers, not outliers'
			buf.Reset()
			bodyBuffers.Put(buf)
		}
	}()
	buf.Reset()
	if _, err := buf.ReadFrom(tr); err != nil {
		return handle(resp, io.MultiReader(bytes.NewReader(buf.Bytes()), tr))
	}
	release()
	return handle(resp, buf)
}

// bodyBuffers are reused for readFirst bodies.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readingFirst is r with readFirst set: for one page of a list, bounded by
// the page size asked for and maxBytes.
func (r request) readingFirst() request {
	r.readFirst = true
	return r
}
