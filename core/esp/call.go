package esp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// request is one API call, before retries.
type request struct {
	endpoint string
	method   string
	url      string
	body     []byte // JSON, for PUT
	auth     bool   // send Api-Key and the token (only ever to the API's origin)
	accept   string
	maxBytes int64 // response body limit; 0 means Config.MaxResponseBytes
}

// errBodyTooLarge marks a response that passed the size limit.
var errBodyTooLarge = errors.New("response body over the size limit")

// errRedirectRefused marks redirects checkRedirect refused: not worth retrying.
var errRedirectRefused = errors.New("redirect refused")

// do sends r with retries and hands a 2xx response body to handle, which
// decodes it. The body handle sees is limited in size and remembers whether
// the connection failed, so a body that breaks off is retried while a body
// that is complete but wrong is reported as malformed.
func (c *Client) do(ctx context.Context, r request, handle func(resp *http.Response, body io.Reader) error) error {
	return c.retry(ctx, r.endpoint, func(retry bool) outcome {
		return c.once(ctx, r, retry, handle)
	})
}

func (c *Client) once(ctx context.Context, r request, retry bool, handle func(*http.Response, io.Reader) error) outcome {
	var tok string
	if r.auth {
		var err error
		if tok, err = c.token(ctx); err != nil {
			return outcome{err: err}
		}
	}
	actx, cancel := context.WithTimeout(withTag(ctx, r.endpoint, retry), c.cfg.Timeout)
	defer cancel()
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
		req.Header.Set("Api-Key", c.cfg.APIKey)
		switch c.cfg.AuthScheme {
		case Token:
			req.Header.Set("Authorization", "Token token="+tok)
		default:
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	c.logRequest(ctx, r, req, resp, err, time.Since(start))
	if err != nil {
		if ctx.Err() != nil {
			return outcome{err: ctx.Err()}
		}
		e := &Error{Endpoint: r.endpoint, Kind: ErrUnavailable, Err: scrubURLError(err)}
		if errors.Is(err, errRedirectRefused) {
			e.Kind = ErrUnexpected
			return outcome{err: e}
		}
		if errors.Is(err, context.DeadlineExceeded) {
			e.Message = fmt.Sprintf("no complete answer within %s", c.cfg.Timeout)
		}
		return outcome{transient: true, err: e}
	}
	defer func() {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}()

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		limit := r.maxBytes
		if limit <= 0 {
			limit = c.cfg.MaxResponseBytes
		}
		tr := &trackingReader{r: resp.Body, left: limit}
		herr := handle(resp, tr)
		switch {
		case herr == nil:
			return outcome{}
		case tr.err == errBodyTooLarge:
			return outcome{err: &Error{Endpoint: r.endpoint, Kind: ErrTooLarge, Status: resp.StatusCode,
				Message: fmt.Sprintf("more than %d bytes", limit)}}
		case tr.err != nil:
			if ctx.Err() != nil {
				return outcome{err: ctx.Err()}
			}
			return outcome{transient: true, err: &Error{Endpoint: r.endpoint, Kind: ErrUnavailable, Status: resp.StatusCode,
				Message: "the response broke off", Err: scrubURLError(tr.err)}}
		}
		var e *Error
		if errors.As(herr, &e) {
			return outcome{err: e}
		}
		return outcome{err: malformed(r.endpoint, "%s", c.redact(herr.Error(), tok))}
	}

	msg, fields := "", map[string][]string(nil)
	if b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10)); err == nil {
		msg, fields = modeledErrorBody(b)
		msg, fields = c.redact(msg, tok), c.redactFields(fields, tok)
	}
	e := &Error{Endpoint: r.endpoint, Status: resp.StatusCode, Message: msg}
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		e.Kind = ErrBadCredentials
		return outcome{err: e, unauthorized: r.auth, refusedToken: tok}
	case code == http.StatusForbidden:
		e.Kind = ErrForbidden
	case code == http.StatusNotFound:
		e.Kind = ErrNotFound
	case code == http.StatusUnprocessableEntity:
		e.Kind, e.Fields = ErrValidation, fields
	case code == http.StatusTooManyRequests, code >= 500:
		e.Kind = ErrUnavailable
		if code == http.StatusTooManyRequests {
			e.Kind = ErrRateLimited
		}
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

func isJSON(contentType string) bool {
	return bytes.Contains([]byte(contentType), []byte("json"))
}

// trackingReader enforces the size limit and records the first read error,
// which tells a body that broke off from one that was complete but wrong.
type trackingReader struct {
	r    io.Reader
	left int64
	err  error
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
	t.left -= int64(n)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}
