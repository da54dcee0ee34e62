package main

import (
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
)

// Found by breaking issue #10: with the session in STOCKSYNC_ESP_SESSION (the
// documented way where no keychain is reachable), an expired or garbage
// session made `sync` say "sign in again with `stocksync login`", which
// cannot replace an environment variable. The hint names the variable.
func TestSignedOutHintNamesTheEnvironmentSession(t *testing.T) {
	srv, dir := webServer(t, espfake.Options{Seed: 64, Batches: 2, ContributionsPerBatch: 3, NoThumbnails: true})
	session := strings.TrimPrefix(browserCookieHeader(t, srv), "Cookie: ")
	t.Setenv(secrets.EnvSession, session)
	for _, args := range [][]string{{"config", "set", "api_root", srv.URL()}, {"config", "set", "server", "custom"}} {
		if _, errs, code := runCLIIn(t, "", append([]string{"--data-dir", dir}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d, %q", args, code, errs)
		}
	}
	if _, errs, code := runCLIIn(t, "", "--data-dir", dir, "sync", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync: exit %d, %q", code, errs)
	}
	if out, errs, code := runCLIIn(t, "", "--data-dir", dir, "login", "--check"); code != 0 || !strings.Contains(out, "the session in "+secrets.EnvSession+" works") {
		t.Errorf("login --check with %s: exit %d, %q %q; want it to say the variable's session works (nothing is stored)", secrets.EnvSession, code, out, errs)
	}
	srv.ExpireSessions()
	if _, errs, code := runCLIIn(t, "", "--data-dir", dir, "login", "--check"); code != exitSignedOut || !strings.Contains(errs, secrets.EnvSession) {
		t.Errorf("login --check with an expired %s: exit %d, %q; want %d naming the variable", secrets.EnvSession, code, errs, exitSignedOut)
	}
	for _, value := range []string{session, "garbage!!"} {
		t.Setenv(secrets.EnvSession, value)
		_, errs, code := runCLIIn(t, "", "--data-dir", dir, "sync", "--no-thumbnails")
		if code != exitSignedOut {
			t.Errorf("sync with %s=%.10q…: exit %d, want %d (%q)", secrets.EnvSession, value, code, exitSignedOut, errs)
		}
		if !strings.Contains(errs, secrets.EnvSession) || strings.Contains(errs, "`stocksync login`") {
			t.Errorf("sync with an unaccepted %s says %q; want it to name the variable, not `stocksync login`", secrets.EnvSession, errs)
		}
		if strings.Contains(errs, session) {
			t.Errorf("the message holds the session")
		}
	}
}

// Found by breaking issue #10: partner credentials ESP refuses (a wrong
// password in the environment) made `sync` and `login --check` exit 1 and
// `esp probe` exit 0, where docs/cli.md says 5 for credentials ESP does not
// accept; the message names the variables to fix.
func TestRefusedCredentialsExit5(t *testing.T) {
	srv, dir := webServer(t, espfake.Options{Mode: espfake.ModePartner, Seed: 67, Batches: 1, ContributionsPerBatch: 2, NoThumbnails: true})
	cr := srv.Credentials()
	t.Setenv(secrets.EnvUsername, cr.Username)
	t.Setenv(secrets.EnvPassword, cr.Password)
	t.Setenv(secrets.EnvAPIKey, cr.APIKey)
	t.Setenv(secrets.EnvAPISecret, cr.APISecret)
	if _, errs, code := runCLIIn(t, "", "--data-dir", dir, "login", "--partner", "--api-root", srv.URL(), "--token-url", srv.TokenURL()); code != 0 {
		t.Fatalf("login: exit %d, %q", code, errs)
	}
	t.Setenv(secrets.EnvPassword, cr.Password+"-wrong")
	for _, args := range [][]string{{"sync", "--no-thumbnails"}, {"login", "--check"}, {"esp", "probe"}} {
		_, errs, code := runCLIIn(t, "", append([]string{"--data-dir", dir}, args...)...)
		if code != exitSignedOut || !strings.Contains(errs, secrets.EnvPassword) || strings.Contains(errs, cr.Password) {
			t.Errorf("%v with a wrong %s: exit %d, %q; want %d naming the variable (not its value)", args, secrets.EnvPassword, code, errs, exitSignedOut)
		}
	}
}
