package app

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/session"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

// A browser sign-in is kept with account.SaveSession (what the app passes
// as Deps.SaveSession) in the keychain, and the sync that follows signs in
// to the server with it.
func TestBrowserSignInStoredWithAccountSaveSession(t *testing.T) {
	var h *harness
	h = newHarness(t, harnessOptions{
		server:      smallServer(),
		web:         true,
		saveSession: func(s session.Session) error { return account.SaveSession(h.secrets, s) },
		start:       true,
	})
	h.await("no account yet", func(s State) bool { return s.Menu.LastSyncLine == textNoAccount })
	page, err := h.c.SignInPage()
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(page)
	s := h.srv.NewSession()
	var cookies []*http.Cookie
	for _, c := range s.Cookies {
		c.Domain = u.Hostname()
		cookies = append(cookies, c)
	}
	if !h.c.CompleteSignIn(page, cookies) {
		t.Fatalf("CompleteSignIn with the server's session cookies: not signed in; state:\n%s", h.c.State())
	}
	creds, err := h.secrets.Load()
	if err != nil || !creds.IsSession() {
		t.Fatalf("keychain after sign-in: session %t (%v)", creds.IsSession(), err)
	}
	stored, err := session.Decode(creds.Session.Reveal())
	if err != nil || stored.BearerToken != s.BearerToken {
		t.Errorf("stored session token = %q (%v), want the ccw cookie's sts_token", stored.BearerToken, err)
	}
	r := h.waitSync("the sync after sign-in", func(r store.SyncRun) bool { return r.ID == 1 })
	if r.Outcome != store.OutcomeOK {
		t.Errorf("sync after sign-in: %s %s", r.Outcome, r.Message)
	}
}

// Callers asking for the ESP client at once share one build, so the app
// signs in once (issue 14 item 9).
func TestOneClientBuildAtOnce(t *testing.T) {
	var builds atomic.Int32
	entered := make(chan struct{}, 16)
	gate := make(chan struct{})
	h := newHarness(t, harnessOptions{server: smallServer(), wrap: func(c ESPClient) ESPClient {
		builds.Add(1)
		entered <- struct{}{}
		<-gate
		return c
	}})
	cfg := h.loadConfig()
	const callers = 8
	var wg sync.WaitGroup
	clients := make([]ESPClient, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if clients[i], err = h.c.espClient(context.Background(), cfg); err != nil {
				t.Error(err)
			}
		}()
	}
	<-entered // one build is under way; the others queue behind it
	close(gate)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("clients built = %d, want 1", n)
	}
	for i := 1; i < callers; i++ {
		if clients[i] != clients[0] {
			t.Errorf("caller %d got another client", i)
		}
	}
}

// A client built afresh starts at the request rate a recent sync learned;
// an old learned rate is not used.
func TestClientStartsAtLearnedRate(t *testing.T) {
	var mu sync.Mutex
	var rates []float64
	h := newHarness(t, harnessOptions{server: smallServer(), demo: true})
	factory := h.c.deps.NewESP
	h.c.deps.NewESP = func(cfg config.Config, creds secrets.Credentials, opts account.ClientOptions) (ESPClient, error) {
		mu.Lock()
		rates = append(rates, opts.InitialRate)
		mu.Unlock()
		return factory(cfg, creds, opts)
	}
	ctx := context.Background()
	if err := h.db.SaveLearnedRate(ctx, 2.5, t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	cfg := h.loadConfig()
	if _, err := h.c.espClient(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := h.db.SaveLearnedRate(ctx, 1.5, t0.Add(-8*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	cfg.TokenURL += "?other" // other settings: a new client
	if _, err := h.c.espClient(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(rates) != 2 || rates[0] != 2.5 || rates[1] != 0 {
		t.Errorf("initial rates = %v, want [2.5 0] (a week-old rate is not used)", rates)
	}
}

// The app downloads release documents after the thumbnails, as the CLI does.
func TestAppDownloadsReleaseDocuments(t *testing.T) {
	h := newHarness(t, harnessOptions{server: &espfake.Options{Seed: 4, Batches: 2, ContributionsPerBatch: 3}, start: true})
	want := 0
	for _, b := range h.srv.Portfolio().Batches {
		want += len(b.Releases)
	}
	if want == 0 {
		t.Fatal("the server has no releases to download")
	}
	h.waitFor("release documents", func() bool {
		n, err := h.db.ReleaseDocCounts(context.Background())
		return err == nil && n[store.DocDone] == want
	})
}

// The sync item says when ESP is slowing the sync down, from the syncer's
// progress report.
func TestMenuShowsThrottling(t *testing.T) {
	var f facts
	f.sync.running = true
	f.sync.progress = syncer.Progress{Phase: syncer.PhaseFiles, FilesDone: 3, FilesTotal: 9, Throttled: true, RequestsPerSecond: 2.5}
	want := "Syncing… 3 of 9 files — ESP is slowing us down; 2.5 requests/s"
	if got := renderMenu(f, t0).SyncItem.Title; got != want {
		t.Errorf("sync item = %q, want %q", got, want)
	}
	f.sync.progress.Throttled = false
	if got := renderMenu(f, t0).SyncItem.Title; got != "Syncing… 3 of 9 files" {
		t.Errorf("sync item once ESP no longer throttles = %q", got)
	}
}
