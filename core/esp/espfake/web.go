package espfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/session"
)

// The ESP web API and its browser sign-in (Mode ModeWeb, the default).
// Confirmed (2026): the web API lives under /api/submission/v1; a signed-in
// browser holds session cookies, among them the HttpOnly `ccw` cookie whose
// value is base64 of a JSON object with `sts_token`; the API accepts the
// cookies or "Authorization: Bearer <sts_token>", and answers a missing or
// expired session with 401 {"ErrorCode":"TokenRequired","ErrorMessage":"Token missing"}.
// Modeled: the sign-in page's path and form (ESP's real one is a hosted
// identity page), the session cookie's name, and the session lifetime.

const (
	webPrefix      = "/api"
	signInPath     = "/sign-in"
	signOutPath    = "/sign-out"
	contributePath = "/contribute/batches"
	// SessionCookie is the name of the built-in server's session id cookie (modeled).
	SessionCookie = "esp_session"
	// ExpireSessionsPath is the built-in server's own control (not ESP's):
	// a POST ends every session, as ExpireSessions does, for tests that
	// run the server as a separate process.
	ExpireSessionsPath = "/__espfake/expire-sessions"
	// MaxContributionsPerBatch: ESP silently stops accepting files beyond 100 (confirmed).
	MaxContributionsPerBatch = 100
)

// Mode is which generation of the ESP API a Server speaks.
type Mode int

const (
	// ModeWeb is the ESP web API with browser sessions (the default).
	ModeWeb Mode = iota
	// ModePartner is the 2016 partner API: OAuth2 password grant at
	// /oauth2/token, Api-Key plus Token or Bearer, root /esp.
	ModePartner
)

func (m Mode) String() string {
	if m == ModePartner {
		return "partner"
	}
	return "web"
}

// ParseMode accepts "web" or "partner".
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "web", "":
		return ModeWeb, nil
	case "partner":
		return ModePartner, nil
	}
	return ModeWeb, fmt.Errorf("mode %q: use web or partner", s)
}

// SignInURL is the page a browser opens to sign in (ESP's batches page,
// which sends a signed-out visitor to the sign-in form). Web mode only.
func (s *Server) SignInURL() string { return s.apiURL + contributePath }

// newSessionLocked creates a session: a session id and an sts_token, both
// valid until now + SessionTTL. Call with tokMu held.
func (s *Server) newSessionLocked() (sid, sts string, exp time.Time) {
	sid, sts = newToken(), newToken()
	now := s.opts.Now()
	exp = now.Add(s.opts.SessionTTL)
	s.sessions[sid] = exp.UnixMilli()
	s.sessions[sts] = exp.UnixMilli()
	if len(s.issued) < 10000 {
		s.issued = append(s.issued, sid, sts)
	}
	return sid, sts, exp
}

// ccwValue is the ccw cookie's value: base64 of {"sts_token":…,"expires_at":…}.
func ccwValue(sts string, exp time.Time) string {
	b, _ := json.Marshal(map[string]any{"sts_token": sts, "expires_at": exp.UTC().Format(time.RFC3339), "locale": "en-US"})
	return base64.StdEncoding.EncodeToString(b)
}

// NewSession signs in server-side, as a browser would through the sign-in
// page, and returns the session a client gets (for tests and the demo).
func (s *Server) NewSession() session.Session {
	s.tokMu.Lock()
	sid, sts, exp := s.newSessionLocked()
	s.tokMu.Unlock()
	return session.Session{
		Cookies: []*http.Cookie{
			{Name: SessionCookie, Value: sid, Path: "/", HttpOnly: true},
			{Name: session.CCWCookie, Value: ccwValue(sts, exp), Path: "/", HttpOnly: true},
		},
		BearerToken: sts,
		Expires:     exp,
	}
}

// ExpireSessions ends every browser session (and partner access token), as
// if their time ran out: the next API call answers 401 TokenRequired.
func (s *Server) ExpireSessions() {
	s.tokMu.Lock()
	clear(s.sessions)
	clear(s.access)
	s.tokMu.Unlock()
}

// sessionValid reports whether r carries a live session: the session
// cookie, the ccw cookie's sts_token, or Authorization: Bearer <sts_token>.
func (s *Server) sessionValid(r *http.Request) bool {
	var cands []string
	if c, err := r.Cookie(SessionCookie); err == nil {
		cands = append(cands, c.Value)
	}
	if c, err := r.Cookie(session.CCWCookie); err == nil {
		if raw, err := base64.StdEncoding.DecodeString(c.Value); err == nil {
			var v struct {
				STS string `json:"sts_token"`
			}
			if json.Unmarshal(raw, &v) == nil && v.STS != "" {
				cands = append(cands, v.STS)
			}
		}
	}
	if tok, scheme := bearerToken(r.Header.Get("Authorization")); scheme == "Bearer" {
		cands = append(cands, tok)
	}
	now := s.opts.Now().UnixMilli()
	s.tokMu.Lock()
	defer s.tokMu.Unlock()
	for _, c := range cands {
		if exp, ok := s.sessions[c]; ok && exp > now {
			return true
		}
	}
	return false
}

// authorizeWeb answers 401 TokenRequired itself when r has no live session.
func (s *Server) authorizeWeb(w http.ResponseWriter, r *http.Request) bool {
	if s.sessionValid(r) {
		return true
	}
	writeError(w, http.StatusUnauthorized, codeTokenRequired, "Token missing")
	return false
}

func (s *Server) routeWeb(mux *http.ServeMux) {
	mux.HandleFunc("GET "+contributePath, s.contributePage)
	mux.HandleFunc("GET /contribute/", s.contributePage)
	mux.HandleFunc("GET "+signInPath, s.signInForm)
	mux.HandleFunc("POST "+signInPath, s.signIn)
	mux.HandleFunc("POST "+signOutPath, s.signOut)
	mux.HandleFunc("POST "+ExpireSessionsPath, func(w http.ResponseWriter, r *http.Request) {
		s.ExpireSessions()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, contributePath, http.StatusFound)
	})
}

// contributePage is a signed-in ESP page, or a redirect to the sign-in form.
func (s *Server) contributePage(w http.ResponseWriter, r *http.Request) {
	if !s.sessionValid(r) {
		http.Redirect(w, r, signInPath+"?return_to="+url.QueryEscape(r.URL.Path), http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	s.mu.RLock()
	n := len(s.batches)
	s.mu.RUnlock()
	fmt.Fprintf(w, `<!doctype html><html><head><title>Batches · ESP (built-in server)</title></head>
<body><h1>Batches</h1><p>Signed in as %s. %d batches.</p>
<form method="post" action="%s"><button>Sign out</button></form></body></html>
`, html.EscapeString(s.opts.Username), n, signOutPath)
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	s.renderSignIn(w, http.StatusOK, safeReturn(r.URL.Query().Get("return_to")), "")
}

func (s *Server) renderSignIn(w http.ResponseWriter, status int, returnTo, problem string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	msg := ""
	if problem != "" {
		msg = `<p role="alert">` + html.EscapeString(problem) + `</p>`
	}
	fmt.Fprintf(w, `<!doctype html><html><head><title>Sign in · ESP (built-in server)</title></head>
<body><h1>Sign in to ESP</h1>%s
<form method="post" action="%s">
<input type="hidden" name="return_to" value="%s">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form></body></html>
`, msg, signInPath, html.EscapeString(returnTo))
}

// signIn checks the form and sets the session cookies (esp_session and ccw),
// then sends the browser back where it came from.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderSignIn(w, http.StatusBadRequest, contributePath, "The form could not be read.")
		return
	}
	returnTo := safeReturn(r.PostForm.Get("return_to"))
	if r.PostForm.Get("username") != s.opts.Username || r.PostForm.Get("password") != s.opts.Password {
		s.renderSignIn(w, http.StatusUnauthorized, returnTo, "The username or password is incorrect.")
		return
	}
	s.tokMu.Lock()
	sid, sts, exp := s.newSessionLocked()
	s.tokMu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sid, Path: "/", Expires: exp, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: session.CCWCookie, Value: ccwValue(sts, exp), Path: "/", Expires: exp, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		s.tokMu.Lock()
		delete(s.sessions, c.Value)
		s.tokMu.Unlock()
	}
	for _, n := range []string{SessionCookie, session.CCWCookie} {
		http.SetCookie(w, &http.Cookie{Name: n, Value: "", Path: "/", MaxAge: -1})
	}
	http.Redirect(w, r, signInPath, http.StatusSeeOther)
}

// safeReturn keeps a return_to that is a local path, else the batches page.
func safeReturn(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return contributePath
	}
	return p
}

// ServerRoot is the API listener's root URL, e.g. "http://127.0.0.1:8765".
func (s *Server) ServerRoot() string { return s.apiURL }
