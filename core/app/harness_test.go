package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/clock/clocktest"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/session"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/timemachine"
	"github.com/stocksync/stocksync/core/watch"
)

// t0 is when every test starts: a Tuesday morning, in UTC so that tmutil's
// backup names (read in UTC here) and calendar days agree.
var t0 = time.Date(2026, 8, 4, 9, 0, 0, 0, time.UTC)

type harnessOptions struct {
	cfg     func(*config.Config)
	server  *espfake.Options // nil: no ESP server and no account
	creds   func(espfake.Credentials) secrets.Credentials
	tm      map[string]string // nil: Time Machine not available
	login   loginitem.State
	wrap    func(ESPClient) ESPClient
	demo    bool // the demo server is offered
	fsWatch bool // package watch watches the data folder
	start   bool // call Start
	// backupDest, when set, is the backup folder: made under the home
	// folder and saved in the settings before New reads them.
	backupDest string
	// web serves ESP's web API (browser sign-in) and stores no account:
	// the test signs in.
	web bool
	// saveSession is Deps.SaveSession (nil: sign-ins are refused).
	saveSession func(session.Session) error
}

type harness struct {
	t       *testing.T
	c       *Controller
	clock   *clocktest.Fake
	notes   *notify.Recorder
	login   *fakeLogin
	tm      *tmRunner
	watcher *fakeWatcher
	secrets *memSecrets
	dir     datadir.Dir
	home    string
	db      *store.DB
	srv     *espfake.Server

	log *logBuffer // what the controller logged (Deps.Logger)

	mu        sync.Mutex
	published []State
	effects   []Effect
}

func newHarness(t *testing.T, o harnessOptions) *harness {
	t.Helper()
	home := t.TempDir()
	dir := datadir.Dir{Root: filepath.Join(home, "Library", "Application Support", "Stocksync")}
	if err := dir.Ensure(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dir.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := &harness{
		t: t, clock: clocktest.New(t0), notes: &notify.Recorder{},
		login:   &fakeLogin{state: o.login},
		watcher: &fakeWatcher{events: make(chan watch.Event, 8)},
		secrets: &memSecrets{},
		dir:     dir, home: home, db: db,
		log: &logBuffer{},
	}
	cfg := config.Default()
	if o.server != nil {
		so := *o.server
		so.Mode = espfake.ModePartner // the partner API flow these tests sign in with
		if o.web {
			so.Mode = espfake.ModeWeb
		}
		h.srv = espfaketest.New(t, so)
		cfg.Server, cfg.APIRoot, cfg.TokenURL = config.ServerCustom, h.srv.URL(), h.srv.TokenURL()
	}
	if o.server != nil && !o.web {
		sc := h.srv.Credentials()
		creds := secrets.Credentials{Username: sc.Username, Password: secrets.NewSecret(sc.Password),
			APIKey: secrets.NewSecret(sc.APIKey), APISecret: secrets.NewSecret(sc.APISecret)}
		if o.creds != nil {
			creds = o.creds(sc)
		}
		h.secrets.Save(creds)
	}
	if o.backupDest != "" {
		cfg.Backup.Destination = mkdir(t, filepath.Join(home, o.backupDest))
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	if err := config.Save(dir.Config(), cfg); err != nil {
		t.Fatal(err)
	}
	var runner timemachine.Runner = unavailableTM{}
	if o.tm != nil {
		h.tm = &tmRunner{home: home, replies: o.tm}
		runner = h.tm
	}
	checker := timemachine.NewChecker(runner, home)
	checker.Location = time.UTC
	var demo *Demo
	if o.demo {
		demo = NewDemo(espfake.Options{Seed: 11, Batches: 3, ContributionsPerBatch: 5, NoThumbnails: true})
		t.Cleanup(demo.Close)
	}
	factory := NewESPFactory(demo)
	deps := Deps{
		DataDir: dir, DB: db, Home: home, Clock: h.clock,
		NewESP: func(cfg config.Config, creds secrets.Credentials, opts account.ClientOptions) (ESPClient, error) {
			c, err := factory(cfg, creds, opts)
			if err == nil && o.wrap != nil {
				c = o.wrap(c)
			}
			return c, err
		},
		Secrets: h.secrets, Login: h.login, Notifier: h.notes, TimeMachine: checker,
		NewWatcher:  func(string) (Watcher, error) { return h.watcher, nil },
		SaveSession: o.saveSession,
		ScratchDir:  t.TempDir(),
		Logger:      slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if o.fsWatch {
		deps.NewWatcher = NewFolderWatcher(watch.Options{Debounce: 20 * time.Millisecond, MaxDelay: time.Second})
	}
	c, err := New(deps)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	c.onPublish = func(s State) {
		h.mu.Lock()
		h.published = append(h.published, s)
		h.mu.Unlock()
	}
	ectx, cancel := context.WithCancel(ctx)
	sub := c.subscribeEffects() // before any intent: none is lost
	go c.runEffects(ectx, sub, func(e Effect) {
		h.mu.Lock()
		h.effects = append(h.effects, e)
		h.mu.Unlock()
	})
	t.Cleanup(func() {
		cancel()
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if o.start {
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

type unavailableTM struct{}

func (unavailableTM) Run(context.Context, ...string) ([]byte, []byte, error) {
	return nil, nil, timemachine.ErrNotAvailable
}

// waitFor waits until cond holds. The deadline only turns a hang into a
// failure; no test depends on how long anything takes.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; state:\n%s", what, h.c.State())
		}
		time.Sleep(time.Millisecond)
	}
}

// waitState waits until the current state satisfies cond and returns it.
func (h *harness) waitState(what string, cond func(State) bool) State {
	h.t.Helper()
	var s State
	h.waitFor(what, func() bool { s = h.c.State(); return cond(s) })
	return s
}

// waitPublished waits for a published state that satisfies cond
// (WaitState) and returns it.
func (h *harness) waitPublished(what string, cond func(State) bool) State {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := h.c.WaitState(ctx, cond)
	if err != nil {
		h.t.Fatalf("waiting for %s: %v; state:\n%s", what, err, h.c.State())
	}
	return s
}

// settled waits until the controller publishes that nothing runs: the
// start-up checks (Time Machine, launch at login, reminders) answered and
// no sync, backup or other task runs.
func (h *harness) settled() State {
	h.t.Helper()
	h.waitPublished("the controller to settle", func(s State) bool { return s.Idle })
	return h.c.State()
}

// waitSync waits until the controller settled after a sync whose record
// in the database satisfies cond, and returns that record.
func (h *harness) waitSync(what string, cond func(store.SyncRun) bool) store.SyncRun {
	h.t.Helper()
	var r store.SyncRun
	h.waitPublished(what, func(s State) bool {
		if !s.Idle {
			return false
		}
		var err error
		r, err = h.db.LastSyncRun(context.Background())
		return err == nil && r.Outcome != store.OutcomeRunning && cond(r)
	})
	return r
}

// progressTo waits for a published state that satisfies cond while a
// long operation reports progress (the engine throttles its reports and
// always sends the last counts; the controller publishes each one).
func (h *harness) progressTo(what string, cond func(State) bool) State {
	h.t.Helper()
	var got State
	h.waitFor(what, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		if n := len(h.published); n > 0 && cond(h.published[n-1]) {
			got = h.published[n-1]
			return true
		}
		return false
	})
	return got
}

// menuLines projects the published states onto what f picks, dropping
// repeats: the exact sequence a user would have seen.
func (h *harness) menuLines(f func(State) string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, s := range h.published {
		l := f(s)
		if len(out) == 0 || out[len(out)-1] != l {
			out = append(out, l)
		}
	}
	return out
}

func syncFields(s State) string {
	m := s.Menu
	return fmt.Sprintf("[%s]%s | %s | %s | syncing=%t attention=%t", m.SyncItem.Title, enabledMark(m.SyncItem.Enabled), m.LastSyncLine, m.PortfolioLine, !m.SyncItem.Enabled, m.Icon == IconAttention)
}

func enabledMark(on bool) string {
	if on {
		return ""
	}
	return "(disabled)"
}

func (h *harness) effectsSeen() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, e := range h.effects {
		out = append(out, e.String())
	}
	return out
}

func (h *harness) notifications() []string {
	var out []string
	for _, n := range h.notes.Notifications() {
		s := n.ID + ": " + n.Title + " — " + n.Body
		for _, a := range n.Actions {
			s += " [" + a.Title + "]"
		}
		out = append(out, s)
	}
	return out
}

func (h *harness) loadConfig() config.Config {
	h.t.Helper()
	cfg, err := config.Load(h.dir.Config())
	if err != nil {
		h.t.Fatal(err)
	}
	return cfg
}

func diffLines(got, want []string) string {
	return fmt.Sprintf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
}

func equalLines(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// addPending adds local-only pending uploads, made at the fake time.
func (h *harness) addPending(n int, at time.Time) {
	h.t.Helper()
	for i := range n {
		p := store.PendingUpload{Path: filepath.Join(h.home, "Pictures", fmt.Sprintf("IMG_%04d.jpg", i)), Title: "t"}
		if _, err := h.db.AddPendingUpload(context.Background(), p, at); err != nil && !errors.Is(err, store.ErrDuplicate) {
			h.t.Fatal(err)
		}
	}
}

func mkdir(t *testing.T, path string) string {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
