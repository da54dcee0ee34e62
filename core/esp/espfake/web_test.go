package espfake_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
)

func get(t *testing.T, c *http.Client, u string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// The web API as the evidence shows it: /api/submission/v1, 401
// TokenRequired when signed out, session cookies with a base64-JSON ccw
// holding sts_token, Bearer sts_token, whole contributions, ≤ 100 files.
func TestWebMode(t *testing.T) {
	s := espfaketest.New(t, espfake.Options{Seed: 70, Batches: 3, ContributionsPerBatch: 100, NoThumbnails: true})
	if !strings.HasSuffix(s.URL(), "/api") || s.TokenURL() != "" {
		t.Fatalf("URL %q, TokenURL %q", s.URL(), s.TokenURL())
	}
	plain := &http.Client{Timeout: 10 * time.Second}
	list := s.URL() + "/submission/v1/submission_batches"
	status, _, body := get(t, plain, list, nil)
	if status != 401 || body != `{"ErrorCode":"TokenRequired","ErrorMessage":"Token missing"}` {
		t.Errorf("signed out: %d %s", status, body)
	}
	if status, _, _ := get(t, plain, s.ServerRoot()+"/oauth2/token", nil); status != 404 && status != 405 {
		t.Errorf("the partner token endpoint answers %d in web mode", status)
	}

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := browser.PostForm(s.ServerRoot()+"/sign-in", url.Values{"username": {"demo"}, "password": {"nope"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || len(jar.Cookies(resp.Request.URL)) != 0 {
		t.Errorf("wrong password: %d, %d cookies", resp.StatusCode, len(jar.Cookies(resp.Request.URL)))
	}
	resp, err = browser.PostForm(s.ServerRoot()+"/sign-in", url.Values{"username": {"demo"}, "password": {espfake.DemoPassword}, "return_to": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Host != strings.TrimPrefix(s.ServerRoot(), "http://") || resp.Request.URL.Path != "/contribute/batches" {
		t.Errorf("after sign-in the browser is at %s", resp.Request.URL)
	}
	var sts string
	for _, c := range jar.Cookies(resp.Request.URL) {
		if c.Name == "ccw" {
			raw, err := base64.StdEncoding.DecodeString(c.Value)
			var v map[string]any
			if err != nil || json.Unmarshal(raw, &v) != nil {
				t.Fatalf("ccw is not base64 JSON: %v", err)
			}
			sts, _ = v["sts_token"].(string)
		}
	}
	if sts == "" {
		t.Fatal("no ccw cookie with an sts_token")
	}
	if status, _, _ := get(t, browser, list, nil); status != 200 {
		t.Errorf("with the session cookies: %d", status)
	}
	if status, _, _ := get(t, plain, list, map[string]string{"Authorization": "Bearer " + sts}); status != 200 {
		t.Errorf("with Bearer sts_token: %d", status)
	}
	id := s.BatchIDs()[0]
	status, _, body = get(t, plain, list+"/"+id+"/contributions", map[string]string{"Authorization": "Bearer " + sts})
	var files []map[string]any
	if status != 200 || json.Unmarshal([]byte(body), &files) != nil || len(files) != 100 {
		t.Errorf("contributions without paging: %d, %d files; want the whole batch of 100", status, len(files))
	}
	if _, ok := files[0]["reviews"]; ok {
		t.Error("web mode sends the modeled inline reviews")
	}
	if status, _, _ := get(t, plain, list+"?sort_order=Descending", map[string]string{"Authorization": "Bearer " + sts}); status != 200 {
		t.Errorf("sort_order=Descending: %d", status)
	}
	s.ExpireSessions()
	if status, _, _ := get(t, browser, list, nil); status != 401 {
		t.Errorf("after ExpireSessions: %d", status)
	}
	if _, err := espfake.New(espfake.Options{Batches: 1, ContributionsPerBatch: 101}); err == nil || !strings.Contains(err.Error(), "100") {
		t.Errorf("101 files per batch: %v", err)
	}
}

func TestThrottleStyles(t *testing.T) {
	for _, tt := range []struct {
		style  espfake.ThrottleStyle
		status int
	}{{espfake.Throttle403, 403}, {espfake.Throttle429, 429}} {
		s := espfaketest.New(t, espfake.Options{Seed: 71, Batches: 1, ContributionsPerBatch: 1, ThrottleQPS: 0.001, ThrottleStyle: tt.style})
		sess := s.NewSession()
		c := &http.Client{Timeout: 10 * time.Second}
		h := map[string]string{"Authorization": "Bearer " + sess.BearerToken}
		get(t, c, s.URL()+"/submission/v1/submission_batches", h) // the one allowed
		status, header, body := get(t, c, s.URL()+"/submission/v1/submission_batches", h)
		if status != tt.status || header.Get("X-Error-Detail") != espfake.QPSDetail || header.Get("Retry-After") != "" ||
			!strings.Contains(body, espfake.QPSDetail) {
			t.Errorf("style %v: %d %v %s", tt.style, status, header, body)
		}
	}
}

func TestPartnerExpiresInIsAString(t *testing.T) {
	s := espfaketest.New(t, espfake.Options{Mode: espfake.ModePartner, Seed: 72, Batches: 1, ContributionsPerBatch: 1})
	resp, err := http.PostForm(s.TokenURL(), url.Values{"grant_type": {"password"}, "client_id": {espfake.DemoAPIKey},
		"client_secret": {espfake.DemoAPISecret}, "username": {espfake.DemoUsername}, "password": {espfake.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok map[string]any
	json.NewDecoder(resp.Body).Decode(&tok)
	if tok["expires_in"] != "1800" {
		t.Errorf("expires_in = %#v, want \"1800\"", tok["expires_in"])
	}
}
