package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/store"
)

func loginFields(s State) string {
	m := s.Menu
	return fmt.Sprintf("checked=%t enabled=%t note=%q", m.LoginChecked, m.LoginEnabled, m.LoginNote)
}

func TestOpenAtLoginStates(t *testing.T) {
	for _, tc := range []struct {
		state loginitem.State
		want  string
	}{
		{loginitem.Unsupported, `checked=false enabled=false note="Not available on this system"`},
		{loginitem.Disabled, `checked=false enabled=true note=""`},
		{loginitem.Enabled, `checked=true enabled=true note=""`},
		{loginitem.RequiresApproval, `checked=false enabled=true note="Requires approval in System Settings"`},
	} {
		t.Run(tc.state.String(), func(t *testing.T) {
			h := newHarness(t, harnessOptions{login: tc.state, start: true})
			if got := loginFields(h.settled()); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSetOpenAtLogin(t *testing.T) {
	h := newHarness(t, harnessOptions{login: loginitem.Disabled, start: true})
	h.settled()

	h.c.SetOpenAtLogin(true)
	h.settled()
	h.c.SetOpenAtLogin(false)
	h.settled()

	// The user switched Stocksync off in System Settings: only they can
	// switch it on, so System Settings opens.
	h.login.mu.Lock()
	h.login.approval = true
	h.login.mu.Unlock()
	h.c.SetOpenAtLogin(true)
	h.settled()

	h.login.mu.Lock()
	h.login.approval, h.login.enableErr = false, errors.New("launchctl bootstrap: Input/output error")
	h.login.mu.Unlock()
	h.c.SetOpenAtLogin(true)
	h.settled()

	want := []string{
		`checked=false enabled=false note=""`, // not known yet
		`checked=false enabled=true note=""`,
		`checked=false enabled=false note=""`, // enabling
		`checked=true enabled=true note=""`,
		`checked=true enabled=false note=""`, // disabling
		`checked=false enabled=true note=""`,
		`checked=false enabled=false note=""`,
		`checked=false enabled=true note="Requires approval in System Settings"`,
		`checked=false enabled=false note="Requires approval in System Settings"`,
		`checked=false enabled=true note="Requires approval in System Settings"`,
	}
	if got := h.menuLines(loginFields); !equalLines(got, want) {
		t.Errorf("login checkbox sequence:\n%s", diffLines(got, want))
	}
	wantEffects := []string{
		"open login items settings",
		"alert: Stocksync could not do that: Could not turn on Open at Login: launchctl bootstrap: Input/output error",
	}
	h.waitFor("effects", func() bool { return len(h.effectsSeen()) >= len(wantEffects) })
	if got := h.effectsSeen(); !equalLines(got, wantEffects) {
		t.Errorf("effects:\n%s", diffLines(got, wantEffects))
	}
}

func TestPushTogglePersistsAndIsUsed(t *testing.T) {
	h := newHarness(t, harnessOptions{server: smallServer(), cfg: func(c *config.Config) { c.SyncIntervalMinutes = 0 }, start: true})
	s := h.settled()
	if s.Menu.PushChecked {
		t.Fatalf("push checked by default:\n%s", s)
	}
	h.c.SetPush(true)
	if !h.c.State().Menu.PushChecked {
		t.Errorf("push not checked after SetPush(true)")
	}
	if !h.loadConfig().PushLocalChanges {
		t.Errorf("config.json does not hold push_local_changes: true")
	}
	h.c.SyncNow()
	if r := h.waitSync("sync", func(store.SyncRun) bool { return true }); !r.Push {
		t.Errorf("the sync after SetPush(true) did not push")
	}
	h.c.SetPush(false)
	if h.loadConfig().PushLocalChanges || h.c.State().Menu.PushChecked {
		t.Errorf("SetPush(false) did not persist")
	}
}

func TestDamagedConfigIsNotOverwritten(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	if err := writeFile(h.dir.Config(), "{not json"); err != nil {
		t.Fatal(err)
	}
	h.c.SetPush(true)
	h.waitFor("alert", func() bool { return len(h.effectsSeen()) > 0 })
	got := h.effectsSeen()
	if len(got) != 1 || got[0][:len("alert: ")] != "alert: " {
		t.Errorf("effects = %q, want one alert", got)
	}
	if b := readFile(t, h.dir.Config()); b != "{not json" {
		t.Errorf("damaged settings file was changed to %q", b)
	}
}

func TestMenuIntentsWithoutAccount(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	s := h.settled()
	if got, want := syncFields(s), "[Sync Now] | No ESP account — open Settings… |  | syncing=false attention=false"; got != want {
		t.Errorf("menu = %s, want %s", got, want)
	}
	if !s.Settings.OfferDemo {
		t.Errorf("no account: the demo must be offered")
	}
	h.c.SyncNow()
	h.c.RevealDataFolder()
	h.c.OpenBackups()
	h.c.OpenSettings()
	h.c.ChooseDestination()
	h.c.Quit()
	want := []string{
		"open settings",
		"reveal " + h.dir.Root,
		"open backups",
		"open settings",
		fmt.Sprintf("choose folder (purpose 1) from %q", h.home),
		"quit",
	}
	h.waitFor("effects", func() bool { return len(h.effectsSeen()) == len(want) })
	if got := h.effectsSeen(); !equalLines(got, want) {
		t.Errorf("effects:\n%s", diffLines(got, want))
	}
}
