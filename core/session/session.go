package session

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// CCWCookie is the name of ESP's HttpOnly cookie whose value is base64 of a
// JSON object holding "sts_token" (confirmed, 2026).
const CCWCookie = "ccw"

// Session is a signed-in ESP browser session.
type Session struct {
	Cookies     []*http.Cookie // cookies for the ESP host (Name, Value, Domain, Path, Expires)
	BearerToken string         // sts_token taken from the base64-JSON `ccw` cookie; "" when absent
	Expires     time.Time      // when the session stops working; zero when unknown
}

// Empty reports whether s carries no credential at all.
func (s Session) Empty() bool { return s.BearerToken == "" && len(s.Cookies) == 0 }

// ExpiredAt reports whether s would have stopped working at now by its own
// expiry. It is a hint for messages only: the local clock may be wrong by
// hours or years (a Mac whose battery died), so whether a session works is
// decided by ESP's answer, never by this.
func (s Session) ExpiredAt(now time.Time) bool {
	return !s.Expires.IsZero() && !now.Before(s.Expires)
}

// Cookie returns the cookie named name, or nil.
func (s Session) Cookie(name string) *http.Cookie {
	for _, c := range s.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// webRoot is the site root of the server whose web API root is apiRoot:
// "https://esp.gettyimages.com/api" → "https://esp.gettyimages.com".
func webRoot(apiRoot string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(apiRoot))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("ESP web API root %q is not an http(s) URL", apiRoot)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api")
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: p}, nil
}

// SignInURL is the browser sign-in page of the server whose web API root is
// apiRoot. It is ESP's batches page (`/contribute/batches`), which sends a
// signed-out visitor to ESP's sign-in and brings them back once signed in
// (modeled: ESP's sign-in path itself is not documented and has moved).
func SignInURL(apiRoot string) (string, error) {
	u, err := webRoot(apiRoot)
	if err != nil {
		return "", err
	}
	u.Path += "/contribute/batches"
	return u.String(), nil
}

// signInWords mark pages that are part of signing in, not signed-in pages.
var signInWords = []string{"sign-in", "signin", "sign_in", "login", "log-in", "logon", "oauth", "sso", "authorize", "auth/"}

// Capture builds a session from what a browser holds after visiting pageURL:
// cookies are the browser's cookies (any hosts). It keeps only the cookies
// for the ESP host of apiRoot that have not expired at now, and reports true
// (signed in, usable) when pageURL is an ESP page that is not part of signing
// in and a `ccw` cookie with an sts_token is present. Expires is the earliest
// of the token's own expiry (JWT "exp", when it is one) and the ccw cookie's.
func Capture(apiRoot, pageURL string, cookies []*http.Cookie, now time.Time) (Session, bool) {
	root, err := webRoot(apiRoot)
	if err != nil {
		return Session{}, false
	}
	page, err := url.Parse(pageURL)
	if err != nil || !strings.EqualFold(page.Hostname(), root.Hostname()) {
		return Session{}, false
	}
	host := strings.ToLower(root.Hostname())
	var s Session
	for _, c := range cookies {
		if c == nil || c.Name == "" || !domainMatches(host, c.Domain) {
			continue
		}
		if !c.Expires.IsZero() && !c.Expires.After(now) {
			continue
		}
		cp := *c
		s.Cookies = append(s.Cookies, &cp)
	}
	s.fillFromCCW()
	// The token's expiry is not checked against the local clock (it may be
	// wrong): ESP refuses an expired token with 401, and that is what signs
	// the app out.
	if s.BearerToken == "" {
		return s, false
	}
	lp := strings.ToLower(page.Path)
	for _, w := range signInWords {
		if strings.Contains(lp, w) {
			return s, false
		}
	}
	return s, true
}

// domainMatches reports whether a cookie with the given Domain attribute is
// sent to host ("" means host-only, set by the host itself).
func domainMatches(host, domain string) bool {
	d := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(domain), "."))
	if d == "" || d == host {
		return true
	}
	return strings.HasSuffix(host, "."+d)
}

// fillFromCCW sets BearerToken and Expires from the ccw cookie, if any.
func (s *Session) fillFromCCW() {
	c := s.Cookie(CCWCookie)
	if c == nil {
		return
	}
	tok, exp, ok := decodeCCW(c.Value)
	if !ok {
		return
	}
	s.BearerToken = tok
	s.Expires = earliest(exp, c.Expires)
	s.Expires = earliest(s.Expires, tokenExpiry(tok))
}

func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	case b.Before(a):
		return b
	}
	return a
}

// decodeCCW reads a ccw cookie value: base64 (standard or URL alphabet,
// padded or not, possibly percent-encoded) of a JSON object with
// "sts_token", and optionally an expiry ("expires_at" RFC 3339 or Unix
// seconds, or "exp").
func decodeCCW(v string) (token string, expires time.Time, ok bool) {
	v = strings.Trim(strings.TrimSpace(v), `"`)
	if u, err := url.QueryUnescape(v); err == nil {
		v = u
	}
	raw, err := decodeBase64(v)
	if err != nil {
		return "", time.Time{}, false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return "", time.Time{}, false
	}
	var tok string
	if json.Unmarshal(obj["sts_token"], &tok) != nil || strings.TrimSpace(tok) == "" {
		return "", time.Time{}, false
	}
	for _, k := range []string{"expires_at", "exp", "expires"} {
		if t := parseTimeValue(obj[k]); !t.IsZero() {
			expires = t
			break
		}
	}
	return strings.TrimSpace(tok), expires, true
}

func decodeBase64(v string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// parseTimeValue reads a JSON number of Unix seconds or an RFC 3339 string.
func parseTimeValue(raw json.RawMessage) time.Time {
	if len(raw) == 0 {
		return time.Time{}
	}
	var n float64
	if json.Unmarshal(raw, &n) == nil && n > 0 && n < 1e11 {
		return time.Unix(int64(n), 0).UTC()
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// tokenExpiry is the "exp" claim of a JWT, or zero when tok is not one.
func tokenExpiry(tok string) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims map[string]json.RawMessage
	if json.Unmarshal(payload, &claims) != nil {
		return time.Time{}
	}
	return parseTimeValue(claims["exp"])
}
