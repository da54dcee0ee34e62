package esp_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/session"
)

// signInWithBrowser signs in through the server's sign-in page with a real
// cookie jar, as the macOS sign-in window does, and captures the session.
func signInWithBrowser(t *testing.T, srv *espfake.Server, password string) (session.Session, bool) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := browser.Get(srv.SignInURL())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(resp.Request.URL.Path, "sign-in") || !strings.Contains(string(page), "<form") {
		t.Fatalf("a signed-out visit did not land on the sign-in form: %s", resp.Request.URL)
	}
	if _, ok := session.Capture(srv.URL(), resp.Request.URL.String(), jar.Cookies(resp.Request.URL), time.Now()); ok {
		t.Fatal("the sign-in form counted as signed in")
	}
	form := url.Values{"username": {espfake.DemoUsername}, "password": {password}, "return_to": {resp.Request.URL.Query().Get("return_to")}}
	resp, err = browser.PostForm(resp.Request.URL.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return session.Capture(srv.URL(), resp.Request.URL.String(), jar.Cookies(resp.Request.URL), time.Now())
}

func sessionClient(t *testing.T, srv *espfake.Server, s session.Session, tweak func(*esp.Config)) *esp.Client {
	t.Helper()
	cfg := esp.Config{APIRoot: srv.URL(), Session: &s, RequestsPerSecond: -1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond, Timeout: 5 * time.Second}
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := esp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// issue #10: sign in through the built-in server's sign-in page with a real
// cookie jar, sync, and let the session expire mid-run.
func TestSessionSignInSyncAndExpiry(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Seed: 40, Batches: 6, ContributionsPerBatch: 3, ContributionsPerBatchMax: 9})
	if _, ok := signInWithBrowser(t, srv, "wrong"); ok {
		t.Fatal("a wrong password signed in")
	}
	s, ok := signInWithBrowser(t, srv, espfake.DemoPassword)
	if !ok || s.BearerToken == "" || s.Cookie(espfake.SessionCookie) == nil {
		t.Fatalf("sign-in not captured: ok=%v token=%v cookies=%d", ok, s.BearerToken != "", len(s.Cookies))
	}
	for _, variant := range []struct {
		name string
		s    session.Session
	}{
		{"cookies and bearer", s},
		{"cookies only", session.Session{Cookies: s.Cookies}},
		{"bearer only", session.Session{BearerToken: s.BearerToken}},
	} {
		t.Run(variant.name, func(t *testing.T) {
			c := sessionClient(t, srv, variant.s, nil)
			batches, err := c.ListBatches(ctx(t), 0)
			if err != nil {
				t.Fatal(err)
			}
			snap := srv.Portfolio()
			if len(batches) != len(snap.Batches) {
				t.Fatalf("%d batches, want %d", len(batches), len(snap.Batches))
			}
			for i, b := range batches {
				files, err := c.ListContributions(ctx(t), b.ID, b.ContributionsCount, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(files) != len(snap.Batches[i].Contributions) || len(b.Raw) == 0 {
					t.Errorf("batch %s: %d files, want %d (raw %d bytes)", b.ID, len(files), len(snap.Batches[i].Contributions), len(b.Raw))
				}
			}
		})
	}
	// Whole contributions: one request per batch, no paging parameters.
	for _, r := range srv.Requests() {
		if r.Endpoint == esp.EndpointContributionsList && r.Query != "" {
			t.Errorf("contributions asked with %q, want no paging parameters", r.Query)
		}
		if r.Endpoint == esp.EndpointBatchesList && !strings.Contains(r.Query, "sort_order=Descending") {
			t.Errorf("batches asked with %q, want sort_order=Descending", r.Query)
		}
	}

	c := sessionClient(t, srv, s, nil)
	if _, err := c.ListBatches(ctx(t), 0); err != nil {
		t.Fatal(err)
	}
	srv.ExpireSessions()
	srv.ResetRequests()
	_, err := c.ListBatches(ctx(t), 0)
	var e *esp.Error
	if !errors.Is(err, esp.ErrSignedOut) || !errors.As(err, &e) || e.Status != http.StatusUnauthorized || e.Message != "Token missing" {
		t.Fatalf("after the session expired: %v, want ErrSignedOut (401 Token missing)", err)
	}
	if n := srv.Counts()[esp.EndpointBatchesList]; n != 1 {
		t.Errorf("%d requests after the 401, want 1 (a session cannot be renewed: no retry)", n)
	}
	if e.Hint() == "" || !strings.Contains(e.Hint(), "Sign in") {
		t.Errorf("hint %q", e.Hint())
	}
}

// A redirect to a sign-in page, or a web page where JSON belongs, is signed out too.
func TestSignedOutByRedirectOrHTML(t *testing.T) {
	for _, tt := range []struct {
		name    string
		status  int // in the error: the redirect's own status (found by breaking issue #10: it was 0, and `esp probe` printed status 0)
		handler http.HandlerFunc
	}{
		{"redirect to sign-in", http.StatusFound, func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/sign-in") {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, "<html><form></form></html>")
				return
			}
			http.Redirect(w, r, "/sign-in?return_to=/api", http.StatusFound)
		}},
		{"html where JSON belongs", http.StatusOK, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<!doctype html><html><body>Please sign in</body></html>")
		}},
		{"html without a content type", http.StatusOK, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			io.WriteString(w, "<!doctype html><html><body>Please sign in</body></html>")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := httptest.NewServer(tt.handler)
			defer hs.Close()
			s := session.Session{BearerToken: "tok"}
			c, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetBatch(ctx(t), "1")
			var e *esp.Error
			if !errors.Is(err, esp.ErrSignedOut) || !errors.As(err, &e) || e.Status != tt.status {
				t.Errorf("err = %v, want ErrSignedOut with HTTP %d", err, tt.status)
			}
		})
	}
}

// Credentials of a session go only to the API's origin: not to a
// thumbnail host, not in a redirect elsewhere.
func TestSessionStaysOnTheAPIHost(t *testing.T) {
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
			leaked = append(leaked, r.URL.Path)
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write([]byte{0xff, 0xd8, 0xff})
	}))
	defer other.Close()
	srv := espfaketest.New(t, espfake.Options{Seed: 41, Batches: 1, ContributionsPerBatch: 1})
	c := sessionClient(t, srv, srv.NewSession(), nil)
	var sb strings.Builder
	if _, _, err := c.DownloadThumbnail(ctx(t), other.URL+"/t.jpg", &sb, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.DownloadRelease(ctx(t), other.URL+"/r.pdf", &sb, 0); err != nil {
		t.Fatal(err)
	}
	if len(leaked) > 0 {
		t.Errorf("session sent to another host: %v", leaked)
	}
}

// Releases are listed whole (all fields kept in Raw) and their documents downloaded.
func TestReleasesAndDocuments(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Seed: 42, Batches: 8, ContributionsPerBatch: 2})
	c := sessionClient(t, srv, srv.NewSession(), nil)
	n := 0
	for _, b := range srv.Portfolio().Batches {
		rels, err := c.ListReleases(ctx(t), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rels {
			if len(r.Raw) == 0 || !strings.Contains(string(r.Raw), `"storage_url"`) {
				t.Errorf("release %s: raw %s", r.ID, r.Raw)
			}
			var doc strings.Builder
			size, ctype, err := c.DownloadRelease(ctx(t), r.StorageURL, &doc, 0)
			if err != nil || size == 0 || !strings.HasPrefix(doc.String(), "%PDF") || ctype != "application/pdf" {
				t.Errorf("release %s: %d bytes, %q, %v", r.ID, size, ctype, err)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("the portfolio has no releases to test with")
	}
	if _, _, err := c.DownloadRelease(ctx(t), "file:///etc/passwd", io.Discard, 0); !errors.Is(err, esp.ErrMalformed) {
		t.Errorf("a file: URL gave %v", err)
	}
}

// A server that echoes the request's Cookie and Authorization headers in an
// error message does not get the session into the error.
func TestEchoedSessionIsRedacted(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		b, _ := json.Marshal(map[string]string{"ErrorCode": "Debug", "ErrorMessage": "you sent " + r.Header.Get("Cookie") + " and " + r.Header.Get("Authorization")})
		w.Write(b)
	}))
	defer echo.Close()
	s := session.Session{BearerToken: "sts-secret-token", Cookies: []*http.Cookie{{Name: "esp_session", Value: "cookie-secret-value"}}}
	c, err := esp.New(esp.Config{APIRoot: echo.URL + "/api", Session: &s, RequestsPerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBatch(ctx(t), "1")
	if err == nil || strings.Contains(err.Error(), "sts-secret-token") || strings.Contains(err.Error(), "cookie-secret-value") ||
		!strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("err = %v", err)
	}
}
