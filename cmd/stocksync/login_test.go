package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/secrets"
)

// runCLIIn is runCLI with standard input.
func runCLIIn(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCmd(&globalOptions{})
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	code := finish(&errb, err, false)
	return out.String(), errb.String(), code
}

// webServer starts the built-in server in its default (web API) mode and a
// mock keychain, with no credentials in the environment.
func webServer(t *testing.T, opts espfake.Options) (*espfake.Server, string) {
	t.Helper()
	keyring.MockInit()
	t.Cleanup(func() { secrets.Keychain{}.Delete() })
	for _, v := range []string{secrets.EnvSession, secrets.EnvUsername, secrets.EnvPassword, secrets.EnvAPIKey, secrets.EnvAPISecret} {
		t.Setenv(v, "") // restored after the test …
		os.Unsetenv(v)  // … and unset now: a blank one is a usage error
	}
	return espfaketest.New(t, opts), filepath.Join(t.TempDir(), "data")
}

// browserCookieHeader signs in through the server's sign-in page with a
// real cookie jar and returns the Cookie header a browser would send.
func browserCookieHeader(t *testing.T, srv *espfake.Server) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := browser.PostForm(srv.ServerRoot()+"/sign-in", url.Values{"username": {espfake.DemoUsername}, "password": {espfake.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	var parts []string
	for _, c := range jar.Cookies(resp.Request.URL) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if len(parts) < 2 {
		t.Fatalf("sign-in set %d cookies", len(parts))
	}
	return "Cookie: " + strings.Join(parts, "; ")
}

// issue #10: `stocksync login --session-stdin` works against the built-in
// server; the session lives only in the keychain; expiry is exit 5.
func TestLoginSessionStdin(t *testing.T) {
	srv, dir := webServer(t, espfake.Options{Seed: 60, Batches: 3, ContributionsPerBatch: 4, NoThumbnails: true})
	header := browserCookieHeader(t, srv)
	out, errs, code := runCLIIn(t, header+"\n", "--data-dir", dir, "login", "--session-stdin", "--api-root", srv.URL())
	if code != 0 || !strings.Contains(out, "Signed in to ESP") {
		t.Fatalf("login: exit %d, %q %q", code, out, errs)
	}
	if _, errs, code := runCLIIn(t, "", "--data-dir", dir, "login", "--check"); code != 0 {
		t.Fatalf("login --check: exit %d, %q", code, errs)
	}
	if _, errs, code := runCLIIn(t, "", "--data-dir", dir, "sync", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync: exit %d, %q", code, errs)
	}
	// The session is a secret: nowhere in the data folder.
	token := strings.TrimPrefix(strings.Split(header, "; ")[0], "Cookie: ")
	token = token[strings.Index(token, "=")+1:]
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(token)) {
				t.Errorf("%s holds the session", p)
			}
		}
		return nil
	})
	if cr, err := (secrets.Keychain{}).Load(); err != nil || !cr.IsSession() {
		t.Errorf("keychain: %v, %v", cr, err)
	}

	srv.ExpireSessions()
	_, errs, code = runCLIIn(t, "", "--data-dir", dir, "login", "--check")
	if code != exitSignedOut || !strings.Contains(errs, "sign in") {
		t.Errorf("login --check after expiry: exit %d, %q; want %d", code, errs, exitSignedOut)
	}
}

func TestLoginBadInput(t *testing.T) {
	srv, dir := webServer(t, espfake.Options{Seed: 61, Batches: 1, ContributionsPerBatch: 1})
	for _, tt := range []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"", []string{"login", "--session-stdin"}, exitUsage, "nothing was pasted"},
		{"a=1; b c", []string{"login", "--session-stdin"}, exitUsage, "not name=value"},
		{"Cookie: esp_session=forged", []string{"login", "--session-stdin", "--api-root", srv.URL()}, exitSignedOut, "did not accept"},
		{"", []string{"login", "--from-browser", "safari"}, exitFailure, "not available in this build"},
		{"", []string{"login", "--from-browser", "netscape"}, exitUsage, "safari, chrome"},
		{"", []string{"login", "--session-stdin", "--partner"}, exitUsage, "choose one"},
		{"", []string{"login", "--server", " "}, exitUsage, "give a value"},
	} {
		_, errs, code := runCLIIn(t, tt.stdin, append([]string{"--data-dir", dir}, tt.args...)...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, %q; want %d with %q", tt.args, code, errs, tt.code, tt.want)
		}
		if strings.Contains(errs, "%!") {
			t.Errorf("%v: broken format in %q", tt.args, errs)
		}
	}
	if _, err := (secrets.Keychain{}).Load(); !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("a refused login stored something: %v", err)
	}
}

// issue #10: `stocksync esp probe --json` reports shapes and no value the
// server sent (checked with the server's own data).
func TestESPProbeLeaksNoValue(t *testing.T) {
	srv, dir := webServer(t, espfake.Options{Seed: 62, Batches: 3, ContributionsPerBatch: 5})
	header := browserCookieHeader(t, srv)
	if _, errs, code := runCLIIn(t, header, "--data-dir", dir, "login", "--session-stdin", "--api-root", srv.URL()); code != 0 {
		t.Fatalf("login: %d %q", code, errs)
	}
	jsonOut, errs, code := runCLIIn(t, "", "--data-dir", dir, "esp", "probe", "--json")
	if code != 0 {
		t.Fatalf("probe: exit %d, %q", code, errs)
	}
	var rep struct {
		Calls []struct {
			Endpoint    string
			Status      int
			Shape       *struct{ Type string }
			Differences []string
		}
	}
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Calls) != 5 {
		t.Fatalf("%d calls, want 5 (batches list and get, contributions list and get, releases)", len(rep.Calls))
	}
	for _, c := range rep.Calls {
		if c.Status != 200 || c.Shape == nil {
			t.Errorf("%s: status %d, shape %v", c.Endpoint, c.Status, c.Shape)
		}
		for _, d := range c.Differences {
			if !strings.Contains(d, "not mapped") {
				t.Errorf("%s differs from what the client expects: %s", c.Endpoint, d)
			}
		}
	}
	mdOut, _, _ := runCLIIn(t, "", "--data-dir", dir, "esp", "probe")
	var values []string
	add := func(vs ...string) {
		for _, v := range vs {
			if len(v) >= 3 {
				values = append(values, v)
			}
		}
	}
	for _, b := range srv.Portfolio().Batches {
		add(b.ID, b.Name, b.Type, b.Note, b.UserID, b.ProfileID)
		for _, c := range b.Contributions {
			add(c.ID, c.FileName, c.Headline, c.Caption, c.City, c.CountryOfShoot, c.Copyright, c.CreditLine, c.ThumbnailURL, c.CameraShotDate, c.MasterID)
			add(c.Keywords...)
			add(c.CreatedAt.Format(time.RFC3339)[:19])
		}
		for _, r := range b.Releases {
			add(r.ID, r.FileName, r.StorageURL)
		}
	}
	add(strings.Split(strings.TrimPrefix(header, "Cookie: "), "; ")...)
	if len(values) < 50 {
		t.Fatalf("only %d values to look for", len(values))
	}
	// A keyword like "city" is also a key name: those are shapes, not values.
	var keyNames []string
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				if k == "keys" {
					if m, ok := x.(map[string]any); ok {
						for name := range m {
							keyNames = append(keyNames, name)
						}
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	var generic any
	json.Unmarshal([]byte(jsonOut), &generic)
	walk(generic)
	isKeyPart := func(v string) bool {
		for _, k := range keyNames {
			if strings.Contains(k, v) {
				return true
			}
		}
		return false
	}
	for _, v := range values {
		if isKeyPart(v) {
			continue
		}
		for name, out := range map[string]string{"json": jsonOut, "markdown": mdOut} {
			// The API root is the one the test gave, not a value the
			// server sent; its random port ("…:37771") could hold one.
			out = strings.ReplaceAll(out, srv.URL(), "API-ROOT")
			if strings.Contains(out, v) {
				t.Errorf("the %s probe report holds the server's value %q", name, v)
			}
		}
	}
}

// issue #12 item 14: `login` printed "No keychain is reachable here
// (%!s(<nil>))" when the environment was chosen without a keychain problem.
func TestLoginFromEnvironmentMessage(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Mode: espfake.ModePartner, Seed: 63, Batches: 1, ContributionsPerBatch: 1})
	cr := srv.Credentials()
	t.Setenv(secrets.EnvSession, "x") // restored afterwards …
	os.Unsetenv(secrets.EnvSession)   // … and unset now: a blank one is a usage error
	t.Setenv(secrets.EnvUsername, cr.Username)
	t.Setenv(secrets.EnvPassword, cr.Password)
	t.Setenv(secrets.EnvAPIKey, cr.APIKey)
	t.Setenv(secrets.EnvAPISecret, cr.APISecret)
	dir := filepath.Join(t.TempDir(), "data")
	out, errs, code := runCLIIn(t, "", "--data-dir", dir, "login", "--api-root", srv.URL(), "--token-url", srv.TokenURL(), "--partner")
	if code != 0 || strings.Contains(out+errs, "%!") || strings.Contains(out+errs, "<nil>") || !strings.Contains(errs, "environment") {
		t.Errorf("--partner with the environment: exit %d, %q %q", code, out, errs)
	}
	out, errs, code = runCLIIn(t, "", "--data-dir", dir, "login", "--check")
	if code != 0 || strings.Contains(out+errs, "%!") || strings.Contains(out+errs, "<nil>") {
		t.Errorf("--check: exit %d, %q %q", code, out, errs)
	}
}
