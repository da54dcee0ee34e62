package session

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// Limits on pasted text, so a wrong paste is refused rather than stored.
const (
	MaxPastedBytes = 64 << 10
	maxCookies     = 200
)

// FromPasted builds a session from text a user pasted: the value of a
// browser's `Cookie:` request header (with or without the "Cookie:" name,
// e.g. copied from the Network tab of the developer tools), the whole block
// of request headers, a "Copy as cURL" command, one cookie per line, or a
// bare access token (with or without "Bearer "). Cookies get no Domain: they are for the
// ESP host the client is pointed at. BearerToken comes from the ccw cookie
// when one is present, or is the bare token. The error says what was wrong
// with the text; it never quotes it (it may be a secret).
func FromPasted(text string, now time.Time) (Session, error) {
	if len(text) > MaxPastedBytes {
		return Session{}, fmt.Errorf("the pasted text is %d bytes; a session is at most %d", len(text), MaxPastedBytes)
	}
	t := strings.TrimSpace(strings.TrimPrefix(text, "\uFEFF"))
	if t == "" {
		return Session{}, errors.New("nothing was pasted: paste the Cookie header of a signed-in ESP page, or the access token")
	}
	if v, found, err := headerValue(t); err != nil {
		return Session{}, err
	} else if found {
		t = strings.TrimSpace(v)
	}
	if i := strings.IndexByte(t, ':'); i > 0 && strings.EqualFold(strings.TrimSpace(t[:i]), "cookie") {
		t = strings.TrimSpace(t[i+1:])
	} else if i > 0 && strings.EqualFold(strings.TrimSpace(t[:i]), "authorization") {
		t = strings.TrimSpace(t[i+1:])
	}
	if len(t) > 7 && strings.EqualFold(t[:7], "bearer ") {
		t = strings.TrimSpace(t[7:])
		if !isToken(t) {
			return Session{}, errors.New("the pasted Bearer token holds spaces or control characters; copy it again")
		}
		return bare(t), nil
	}
	if core := strings.TrimRight(t, "="); !strings.ContainsAny(core, "=;") {
		if !isToken(t) {
			return Session{}, errors.New("the pasted text is neither a Cookie header (name=value; …) nor a token; copy it again")
		}
		return bare(t), nil
	}
	var cookies []*http.Cookie
	for i, part := range strings.Split(t, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		cs, err := http.ParseCookie(part)
		if err != nil || len(cs) != 1 {
			return Session{}, fmt.Errorf("part %d of the pasted Cookie header is not name=value; copy it again", i+1)
		}
		cookies = append(cookies, cs[0])
	}
	if len(cookies) == 0 {
		return Session{}, errors.New("the pasted Cookie header holds no cookie (expected name=value; name=value); copy it again")
	}
	if len(cookies) > maxCookies {
		return Session{}, fmt.Errorf("the pasted Cookie header holds %d cookies; at most %d are accepted", len(cookies), maxCookies)
	}
	s := Session{Cookies: cookies}
	s.fillFromCCW()
	// An expiry in the past by this computer's clock is not refused: the
	// clock may be wrong, and `login` asks ESP whether the session works.
	return s, nil
}

func bare(tok string) Session {
	return Session{BearerToken: tok, Expires: tokenExpiry(tok)}
}

// isToken reports whether t looks like one opaque token: printable ASCII
// without spaces or separators a header value cannot hold.
func isToken(t string) bool {
	if t == "" {
		return false
	}
	for _, r := range t {
		if r > unicode.MaxASCII || r <= ' ' || r == ';' || r == ',' || r == '"' || r == '\\' {
			return false
		}
	}
	return true
}
