package esp

import (
	"context"
	"errors"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// tokenState is the current access token. Read and written under tokMu.
type tokenState struct {
	access  string
	refresh string
	expiry  time.Time // zero: the server gave no lifetime
	margin  time.Duration
}

func (t tokenState) validAt(now time.Time) bool {
	if t.access == "" {
		return false
	}
	return t.expiry.IsZero() || now.Add(t.margin).Before(t.expiry)
}

// VerifyCredentials signs in afresh with the configured username, password,
// API key and secret. A refusal is an *Error of kind ErrBadCredentials.
//
// With a browser session there is nothing to sign in to: it asks for the
// first batch instead, so a session that no longer works gives ErrSignedOut.
func (c *Client) VerifyCredentials(ctx context.Context) error {
	if c.sessionMode() {
		_, _, err := c.ListBatchesPage(ctx, 1, 1)
		return err
	}
	c.tokMu.Lock()
	c.tok = tokenState{}
	c.tokMu.Unlock()
	_, err := c.token(ctx)
	return err
}

// token returns a valid access token, fetching one if needed. One fetch runs
// at a time; concurrent callers wait for it and share its result.
func (c *Client) token(ctx context.Context) (string, error) {
	if tok, ok := c.currentToken(); ok {
		return tok, nil
	}
	select {
	case c.tokenTurn <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.tokenTurn }()
	if tok, ok := c.currentToken(); ok {
		return tok, nil
	}
	c.tokMu.Lock()
	refresh := c.tok.refresh
	c.tokMu.Unlock()

	var tok *oauth2.Token
	var err error
	if refresh != "" {
		tok, err = c.fetchToken(ctx, func(ctx context.Context) (*oauth2.Token, error) {
			return c.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: refresh}).Token()
		})
		if errors.Is(err, ErrBadCredentials) {
			// The refresh token is no longer accepted: sign in again.
			tok, err = nil, nil
		}
	}
	if tok == nil && err == nil {
		tok, err = c.fetchToken(ctx, func(ctx context.Context) (*oauth2.Token, error) {
			return c.oauth.PasswordCredentialsToken(ctx, c.cfg.Username, c.cfg.Password)
		})
	}
	if err != nil {
		return "", err
	}
	if tok.AccessToken == "" {
		return "", malformed(EndpointToken, "no access_token in the token response")
	}
	st := tokenState{access: tok.AccessToken, refresh: tok.RefreshToken}
	if st.refresh == "" {
		st.refresh = refresh
	}
	if tok.ExpiresIn > 0 {
		life := time.Duration(tok.ExpiresIn) * time.Second
		st.expiry = c.cfg.Now().Add(life)
		// Renew a little early, but never so early that a short-lived token
		// is always considered expired.
		st.margin = min(30*time.Second, life/10)
	}
	c.tokMu.Lock()
	c.tok = st
	c.tokMu.Unlock()
	return st.access, nil
}

func (c *Client) currentToken() (string, bool) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	if c.tok.validAt(c.cfg.Now()) {
		return c.tok.access, true
	}
	return "", false
}

// invalidate drops the access token if it is still the one the server
// refused, keeping the refresh token.
func (c *Client) invalidate(refused string) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	if c.tok.access == refused {
		c.tok.access = ""
	}
}

// fetchToken runs one grant through the shared HTTP client with retries on
// transient failures, and types its errors.
func (c *Client) fetchToken(ctx context.Context, grant func(context.Context) (*oauth2.Token, error)) (*oauth2.Token, error) {
	var tok *oauth2.Token
	err := c.retry(ctx, EndpointToken, func(retry bool) outcome {
		tagged := withTag(ctx, EndpointToken, retry)
		actx, cancel := context.WithTimeout(tagged, c.cfg.Timeout)
		defer cancel()
		actx = context.WithValue(actx, oauth2.HTTPClient, c.http)
		t, err := grant(actx)
		if err == nil {
			tok = t
			return outcome{}
		}
		if berr := tagOf(tagged).bodyErr.get(); berr != nil && ctx.Err() == nil {
			return outcome{transient: true, err: &Error{Endpoint: EndpointToken, Kind: ErrUnavailable,
				Message: "the token response broke off", Err: scrubURLError(berr)}}
		}
		return c.tokenOutcome(ctx, err)
	})
	return tok, err
}

func (c *Client) tokenOutcome(ctx context.Context, err error) outcome {
	if ctx.Err() != nil {
		return outcome{err: ctx.Err()}
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		if isCertificateError(err) { // the same on every attempt
			return outcome{err: &Error{Endpoint: EndpointToken, Kind: ErrUnavailable, Err: scrubURLError(err)}}
		}
		if isTransportError(err) {
			return outcome{transient: true, err: &Error{Endpoint: EndpointToken, Kind: ErrUnavailable, Err: scrubURLError(err)}}
		}
		// x/oauth2 could not read the answer. Its message may quote the
		// body, so it is not passed on.
		return outcome{err: malformed(EndpointToken, "the token response could not be read")}
	}
	status := 0
	var header http.Header
	if re.Response != nil {
		status, header = re.Response.StatusCode, re.Response.Header
	}
	msg := clip(re.ErrorDescription, 300)
	if msg == "" {
		msg = clip(re.ErrorCode, 100)
	}
	if msg == "" {
		msg, _ = modeledErrorBody(re.Body)
	}
	e := &Error{Endpoint: EndpointToken, Status: status, Message: c.redact(msg)}
	switch {
	case status == http.StatusBadRequest || status == http.StatusUnauthorized:
		e.Kind = ErrBadCredentials
		return outcome{err: e}
	case status == http.StatusForbidden:
		e.Kind = ErrForbidden
		return outcome{err: e}
	case status == http.StatusTooManyRequests:
		e.Kind = ErrRateLimited
	case status >= 500:
		e.Kind = ErrUnavailable
	default:
		e.Kind = ErrUnexpected
		return outcome{err: e}
	}
	e.RetryAfter, _ = parseRetryAfter(header.Get("Retry-After"), c.cfg.Now())
	return outcome{transient: true, retryAfter: e.RetryAfter, err: e}
}
