package esp

import (
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"github.com/stocksync/stocksync/core/session"
)

// errSignInRedirect marks a redirect to a sign-in page: the session ended.
var errSignInRedirect = errors.New("redirected to a sign-in page")

// signInWords mark sign-in pages in a redirect's path.
var signInWords = []string{"sign-in", "signin", "sign_in", "login", "log-in", "logon", "oauth", "sso", "authorize"}

func looksLikeSignIn(u *url.URL) bool {
	p := strings.ToLower(u.Path)
	for _, w := range signInWords {
		if strings.Contains(p, w) {
			return true
		}
	}
	return false
}

// sessionJar holds the session's cookies for the API origin. Cookies
// without a Domain are the API host's own; a Path-less cookie applies to
// the whole site. Secure cookies are kept Secure except on a loopback
// server over plain http (the built-in server).
func sessionJar(root *url.URL, s session.Session) http.CookieJar {
	jar, _ := cookiejar.New(nil)
	site := &url.URL{Scheme: root.Scheme, Host: root.Host, Path: "/"}
	var list []*http.Cookie
	for _, ck := range s.Cookies {
		if ck == nil || ck.Name == "" {
			continue
		}
		cp := *ck
		if strings.EqualFold(strings.TrimPrefix(cp.Domain, "."), root.Hostname()) {
			cp.Domain = "" // host-only: the jar refuses a Domain on an IP host
		}
		if cp.Path == "" {
			cp.Path = "/"
		}
		if root.Scheme == "http" {
			cp.Secure = false
		}
		cp.Expires = cp.Expires.UTC()
		list = append(list, &cp)
	}
	jar.SetCookies(site, list)
	return jar
}

// addSession puts the session on a request to the API origin: its cookies,
// and its bearer token when it has one.
func (c *Client) addSession(req *http.Request) {
	if c.cookies != nil {
		for _, ck := range c.cookies.Cookies(req.URL) {
			req.AddCookie(ck)
		}
	}
	if c.cfg.Session != nil && c.cfg.Session.BearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Session.BearerToken)
	}
}

// keepCookies stores cookies the API origin set (a session that is renewed
// as it is used).
func (c *Client) keepCookies(resp *http.Response) {
	if c.cookies == nil || resp == nil || resp.Request == nil {
		return
	}
	if cks := resp.Cookies(); len(cks) > 0 && c.sameOrigin(resp.Request.URL) {
		c.cookies.SetCookies(resp.Request.URL, cks)
	}
}

// sessionMode reports whether the client signs in with a browser session.
func (c *Client) sessionMode() bool { return c.cfg.Session != nil }
