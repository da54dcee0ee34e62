package app

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/session"
	"github.com/stocksync/stocksync/core/timemachine"
)

// expiringESP is the real client of a test server whose session ESP can end:
// while expired is set, every call fails as a signed-out ESP answers
// (esp.ErrSignedOut). calls counts batch-list requests (one per sync).
type expiringESP struct {
	ESPClient
	expired *atomic.Bool
	calls   *atomic.Int32
}

func (e expiringESP) ListBatchesExpecting(ctx context.Context, pageSize, expected int) ([]esp.Batch, error) {
	e.calls.Add(1)
	if e.expired.Load() {
		return nil, &esp.Error{Kind: esp.ErrSignedOut, Endpoint: esp.EndpointBatchesList, Status: http.StatusUnauthorized, Message: "TokenRequired"}
	}
	return e.ESPClient.ListBatchesExpecting(ctx, pageSize, expected)
}

// sessionVault records the sessions the controller stores.
type sessionVault struct {
	mu    sync.Mutex
	saved []session.Session
	err   error
}

func (v *sessionVault) save(s session.Session) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.err != nil {
		return v.err
	}
	v.saved = append(v.saved, s)
	return nil
}

func (v *sessionVault) count() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.saved)
}

// ccwCookie is a ccw cookie as ESP sets it: base64 JSON holding sts_token.
func ccwCookie(host, token string, expires time.Time) *http.Cookie {
	v := base64.StdEncoding.EncodeToString([]byte(`{"sts_token":"` + token + `"}`))
	return &http.Cookie{Name: "ccw", Value: v, Domain: host, Path: "/", Expires: expires}
}

// await waits for a published state that satisfies cond
// (Controller.WaitState). The deadline only turns a hang into a failure.
func (h *harness) await(what string, cond func(State) bool) State {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := h.c.WaitState(ctx, cond)
	if err != nil {
		h.t.Fatalf("waiting for %s: %v; state:\n%s", what, err, h.c.State())
	}
	return s
}

// signedOutNotes are the "signed out" notifications shown so far.
func signedOutNotes(h *harness) []string {
	var out []string
	for _, n := range h.notifications() {
		if strings.HasPrefix(n, noteIDSignedOut+":") {
			out = append(out, n)
		}
	}
	return out
}

func TestSignedOutWaitsForSignIn(t *testing.T) {
	var expired atomic.Bool
	var calls atomic.Int32
	vault := &sessionVault{}
	h := newHarness(t, harnessOptions{
		server:      smallServer(),
		cfg:         func(c *config.Config) { c.SyncIntervalMinutes = 60 },
		wrap:        func(c ESPClient) ESPClient { return expiringESP{ESPClient: c, expired: &expired, calls: &calls} },
		saveSession: vault.save,
		start:       true,
	})
	h.await("first sync", func(s State) bool { return s.Menu.LastSyncLine == "Last sync: just now" && s.Menu.SyncItem.Enabled })
	h.addPending(3, t0)
	h.c.OpenBackups() // rereads the database
	before := h.await("pending uploads", func(s State) bool { return len(s.Backups.AtRisk) > 0 }).Backups.AtRisk

	// ESP ends the session; the next automatic sync finds out.
	expired.Store(true)
	h.clock.Advance(time.Hour)
	s := h.await("signed out", func(s State) bool { return s.Menu.LastSyncLine == textSignedOutLine && s.Menu.SyncItem.Enabled })
	if s.Menu.Icon != IconAttention || s.Menu.SignIn.Title != "Sign in again…" || !s.Menu.ShowSignIn || !s.Settings.ShowSignIn {
		t.Errorf("signed-out menu:\n%s\nsign in item %+v shown %t", s, s.Menu.SignIn, s.Menu.ShowSignIn)
	}
	if s.SignIn.Status != textSignInAgainSt {
		t.Errorf("sign-in window status = %q", s.SignIn.Status)
	}
	h.waitFor("the signed-out notification", func() bool { return len(signedOutNotes(h)) == 1 })

	// Later automatic syncs wait for a sign-in instead of failing again: a
	// sync would be marked running before Advance and Woke return.
	callsAfter := calls.Load()
	h.clock.Advance(3 * time.Hour)
	h.c.Woke()
	if s := h.c.State(); !s.Menu.SyncItem.Enabled || s.Menu.LastSyncLine != textSignedOutLine {
		t.Errorf("signed out, a due sync started anyway:\n%s", s)
	}
	// Sync Now opens the sign-in window rather than failing.
	h.c.SyncNow()
	h.waitFor("sign-in window", func() bool {
		e := h.effectsSeen()
		return len(e) > 0 && e[len(e)-1] == "open sign in"
	})
	if !h.c.State().Menu.SyncItem.Enabled || calls.Load() != callsAfter {
		t.Errorf("signed out: Sync Now asked ESP (%d calls)", calls.Load()-callsAfter)
	}
	wantNotes := []string{"signed-out: Signed out of ESP — ESP ended Stocksync's session. Choose \"Sign in again…\" in the Stocksync menu; syncing waits until then. What was synced is kept and no local work was touched."}
	if got := signedOutNotes(h); !equalLines(got, wantNotes) {
		t.Errorf("notifications:\n%s", diffLines(got, wantNotes))
	}
	// Nothing local was touched (a failure here shows as a timeout).
	h.c.OpenBackups()
	h.await("local-only data as before", func(s State) bool { return equalLines(s.Backups.AtRisk, before) })

	// Signing in: pages before the signed-in page keep the window open.
	page, err := h.c.SignInPage()
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(page)
	host := u.Hostname()
	tok := "sts-token-after-sign-in"
	cookies := []*http.Cookie{ccwCookie(host, tok, t0.Add(30*24*time.Hour)), {Name: "esp_session", Value: "s", Domain: host}}
	signInPage := u.Scheme + "://" + u.Host + "/sign-in?return=/contribute/batches"
	if h.c.CompleteSignIn(signInPage, cookies) {
		t.Error("CompleteSignIn on the sign-in form itself reported signed in")
	}
	if h.c.CompleteSignIn(page, cookies[1:]) {
		t.Error("CompleteSignIn without a ccw cookie reported signed in")
	}
	if vault.count() != 0 {
		t.Fatalf("a session was stored before the user was signed in")
	}
	expired.Store(false)
	if !h.c.CompleteSignIn(page, cookies) {
		t.Fatalf("CompleteSignIn on %s with a ccw cookie: not signed in; state:\n%s", page, h.c.State())
	}
	if vault.count() != 1 || vault.saved[0].BearerToken != tok {
		t.Errorf("stored sessions = %+v, want one with the sts_token", vault.saved)
	}
	s = h.await("sync after sign-in", func(s State) bool {
		return s.Menu.LastSyncLine == "Last sync: just now" && s.Menu.SyncItem.Enabled && s.Menu.Icon != IconAttention
	})
	if s.Menu.SignIn.Title != textSignInItem || s.SignIn.Status != textSignedInSt {
		t.Errorf("after signing in:\n%s\nsign-in %+v", s, s.SignIn)
	}

	// A second expiry notifies again: once per sign-in.
	expired.Store(true)
	h.c.SyncNow()
	h.await("signed out again", func(s State) bool { return s.Menu.LastSyncLine == textSignedOutLine && s.Menu.SyncItem.Enabled })
	h.waitFor("the second signed-out notification", func() bool { return len(signedOutNotes(h)) == 2 })
}

func TestSignInRefusals(t *testing.T) {
	vault := &sessionVault{err: errors.New("keychain locked")}
	h := newHarness(t, harnessOptions{server: smallServer(), saveSession: vault.save, start: true})
	page, err := h.c.SignInPage()
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(page)
	cookies := []*http.Cookie{ccwCookie(u.Hostname(), "tok", time.Time{})}
	// An ESP page on another host, and a page of another site, are not a sign-in.
	for _, p := range []string{"https://evil.example/contribute/batches", "not a url"} {
		if h.c.CompleteSignIn(p, cookies) {
			t.Errorf("CompleteSignIn(%q) = true", p)
		}
	}
	// The keychain refuses: the window stays and says why.
	if h.c.CompleteSignIn(page, cookies) {
		t.Error("CompleteSignIn = true although the session could not be stored")
	}
	s := h.await("error shown", func(s State) bool { return s.SignIn.Error != "" })
	if !strings.Contains(s.SignIn.Error, "keychain locked") {
		t.Errorf("sign-in error = %q", s.SignIn.Error)
	}
	// Opening the window again starts clean.
	h.c.OpenSignIn()
	h.await("error cleared", func(s State) bool { return s.SignIn.Error == "" })

	// The demo server has its own account: no sign-in item.
	if err := h.c.SaveSettings(SettingsInput{Server: config.ServerDemo, IntervalMinutes: 0}); err == nil {
		s := h.c.State()
		if s.Menu.ShowSignIn || s.Settings.ShowSignIn {
			t.Errorf("demo server shows a sign-in item:\n%s", s)
		}
	}
	if _, err := h.c.SignInPage(); err == nil {
		t.Error("SignInPage for the demo server without Deps.APIRoot: no error")
	}
}

// The one "signed out" notification is not repeated by a restart while
// still signed out: it is remembered in app-state.json.
func TestSignedOutNotifiedOnceAcrossRestarts(t *testing.T) {
	var expired atomic.Bool
	var calls atomic.Int32
	expired.Store(true)
	wrap := func(c ESPClient) ESPClient { return expiringESP{ESPClient: c, expired: &expired, calls: &calls} }
	h := newHarness(t, harnessOptions{server: smallServer(), wrap: wrap, start: true})
	h.await("signed out", func(s State) bool { return s.Menu.LastSyncLine == textSignedOutLine && s.Menu.SyncItem.Enabled })
	if err := h.c.Close(); err != nil { // waits for the sync's notification
		t.Fatal(err)
	}
	if got := len(signedOutNotes(h)); got != 1 {
		t.Fatalf("first run: %d signed-out notifications, want 1", got)
	}
	if st := readFile(t, filepath.Join(h.dir.Root, appStateName)); !strings.Contains(st, `"signed_out_notified": true`) {
		t.Errorf("app-state.json does not remember the notification:\n%s", st)
	}

	// The app starts again, still signed out.
	notes := &notify.Recorder{}
	factory := NewESPFactory(nil)
	c2, err := New(Deps{
		DataDir: h.dir, DB: h.db, Home: h.home, Clock: h.clock,
		NewESP: func(cfg config.Config, creds secrets.Credentials, opts account.ClientOptions) (ESPClient, error) {
			c, err := factory(cfg, creds, opts)
			if err != nil {
				return nil, err
			}
			return wrap(c), nil
		},
		Secrets: h.secrets, Login: h.login, Notifier: notes,
		TimeMachine: timemachine.NewChecker(unavailableTM{}, h.home),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := c2.WaitState(ctx, func(s State) bool { return s.Menu.LastSyncLine == textSignedOutLine && s.Menu.SyncItem.Enabled })
	if err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	if s.Menu.SignIn.Title != textSignInAgain || s.Menu.Icon != IconAttention {
		t.Errorf("after the restart:\n%s", s)
	}
	if err := c2.Close(); err != nil {
		t.Fatal(err)
	}
	for _, n := range notes.Notifications() {
		if n.ID == noteIDSignedOut {
			t.Errorf("the restart repeated the signed-out notification")
		}
	}
}
