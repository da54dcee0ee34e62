package espfake

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
)

// handleToken is the OAuth2 token endpoint: password and refresh_token
// grants, client id and secret in the form body.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "The request body is not a form")
		return
	}
	if r.PostForm.Get("client_id") != s.opts.APIKey || r.PostForm.Get("client_secret") != s.opts.APISecret {
		writeTokenError(w, http.StatusUnauthorized, "invalid_client", "Unknown API key or wrong secret")
		return
	}
	var refresh string
	switch r.PostForm.Get("grant_type") {
	case "password":
		if r.PostForm.Get("username") != s.opts.Username || r.PostForm.Get("password") != s.opts.Password {
			writeTokenError(w, http.StatusBadRequest, "invalid_grant", "The username or password is incorrect")
			return
		}
		refresh = newToken()
		s.tokMu.Lock()
		s.refresh[refresh] = true
		s.tokMu.Unlock()
	case "refresh_token":
		refresh = r.PostForm.Get("refresh_token")
		s.tokMu.Lock()
		ok := s.refresh[refresh]
		s.tokMu.Unlock()
		if !ok {
			writeTokenError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid or expired")
			return
		}
	default:
		writeTokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Use grant_type password or refresh_token")
		return
	}
	access := newToken()
	now := s.opts.Now().UnixMilli()
	ttl := s.opts.TokenTTL.Milliseconds()
	s.tokMu.Lock()
	for t, exp := range s.access {
		if exp <= now {
			delete(s.access, t)
		}
	}
	s.access[access] = now + ttl
	if len(s.issued) < 10000 {
		s.issued = append(s.issued, access, refresh)
	}
	s.tokMu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":  access,
		"token_type":    "Bearer",
		"expires_in":    strconv.Itoa(int(s.opts.TokenTTL.Seconds())), // a string, as ESP sent it (confirmed)
		"refresh_token": refresh,
	})
}

func newToken() string {
	b := make([]byte, 20)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// authorize checks Api-Key and the token (either scheme) and answers the
// refusal itself.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) bool {
	if s.opts.Mode == ModeWeb {
		return s.authorizeWeb(w, r)
	}
	if r.Header.Get("Api-Key") != s.opts.APIKey {
		writeError(w, http.StatusForbidden, codeInvalidAPIKey, "Api-Key header missing or not recognised")
		return false
	}
	tok, _ := bearerToken(r.Header.Get("Authorization"))
	if tok == "" {
		writeError(w, http.StatusUnauthorized, codeTokenRequired, "Token missing")
		return false
	}
	s.tokMu.Lock()
	exp, ok := s.access[tok]
	s.tokMu.Unlock()
	if !ok || exp <= s.opts.Now().UnixMilli() {
		writeError(w, http.StatusUnauthorized, codeInvalidToken, "Token expired or invalid")
		return false
	}
	return true
}

// bearerToken reads "Bearer <t>" or "Token token=<t>" (optionally quoted),
// returning the token and the scheme.
func bearerToken(h string) (token, scheme string) {
	h = strings.TrimSpace(h)
	scheme, rest, ok := strings.Cut(h, " ")
	if !ok {
		return "", ""
	}
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(scheme) {
	case "bearer":
		return rest, "Bearer"
	case "token":
		v, ok := strings.CutPrefix(rest, "token=")
		if !ok {
			return "", ""
		}
		return strings.Trim(v, `"`), "Token"
	}
	return "", ""
}

// IssuedTokens returns every access and refresh token the server handed out
// (the first 5,000 of each), so tests can check that none leaks anywhere.
func (s *Server) IssuedTokens() []string {
	s.tokMu.Lock()
	defer s.tokMu.Unlock()
	return append([]string(nil), s.issued...)
}

// ExpireTokens makes every access token expired, as if their time ran out;
// refresh tokens stay valid.
func (s *Server) ExpireTokens() {
	s.tokMu.Lock()
	clear(s.access)
	clear(s.sessions)
	s.tokMu.Unlock()
}

// RevokeRefreshTokens invalidates every refresh token (and access token), so
// a client must sign in with the password again.
func (s *Server) RevokeRefreshTokens() {
	s.tokMu.Lock()
	clear(s.access)
	clear(s.refresh)
	s.tokMu.Unlock()
}
