package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/reminder"
)

func choiceLine(list []Choice) string {
	s := ""
	for _, c := range list {
		mark := " "
		if c.Selected {
			mark = "*"
		}
		s += fmt.Sprintf("[%s%s=%s]", mark, c.Title, c.Value)
	}
	return s
}

func TestServerChoices(t *testing.T) {
	for _, tc := range []struct{ current, want string }{
		{config.ServerProduction, "[*Getty Images ESP=production][ ESP sandbox=sandbox][ Built-in demo server=demo]"},
		{config.ServerDemo, "[ Getty Images ESP=production][ ESP sandbox=sandbox][*Built-in demo server=demo]"},
		// Custom is listed only when the settings file names one.
		{config.ServerCustom, "[ Getty Images ESP=production][ ESP sandbox=sandbox][ Built-in demo server=demo][*Custom (from config.json)=custom]"},
		// A server this version does not know: the first is selected.
		{"staging", "[*Getty Images ESP=production][ ESP sandbox=sandbox][ Built-in demo server=demo]"},
	} {
		if got := choiceLine(serverChoices(tc.current)); got != tc.want {
			t.Errorf("serverChoices(%q) = %s, want %s", tc.current, got, tc.want)
		}
	}
}

func TestScheduleChoicesRoundTrip(t *testing.T) {
	for _, s := range []reminder.Schedule{reminder.Daily, reminder.Weekly, reminder.Off} {
		list := scheduleChoices(s)
		n := 0
		for i, c := range list {
			if !c.Selected {
				continue
			}
			n++
			v, ok := ChoiceAt(list, i)
			got, err := reminder.ParseSchedule(v)
			if !ok || err != nil || got != s {
				t.Errorf("schedule %s: selected %q reads back as %s, %v", s, v, got, err)
			}
		}
		if n != 1 {
			t.Errorf("schedule %s: %d choices selected: %s", s, n, choiceLine(list))
		}
	}
	for _, i := range []int{-1, 3} {
		if _, ok := ChoiceAt(scheduleChoices(reminder.Daily), i); ok {
			t.Errorf("ChoiceAt(%d) ok for a list of 3", i)
		}
	}
}

func TestParseInterval(t *testing.T) {
	for in, want := range map[string]int{"60": 60, " 15 ": 15, "0": 0, "-5": -5, "": -1, "abc": -1, "1.5": -1, "10 min": -1} {
		if got := ParseInterval(in); got != want {
			t.Errorf("ParseInterval(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestPanelsCarryTheirChoices(t *testing.T) {
	h := newHarness(t, harnessOptions{cfg: func(c *config.Config) { c.Backup.Schedule = "daily" }, start: true})
	s := h.c.State()
	if got, want := choiceLine(s.Backups.Schedules), "[*Daily=daily][ Weekly=weekly][ Off=off]"; got != want {
		t.Errorf("schedules = %s, want %s", got, want)
	}
	if got := choiceLine(s.Settings.Servers); got != "[*Getty Images ESP=production][ ESP sandbox=sandbox][ Built-in demo server=demo]" {
		t.Errorf("servers = %s", got)
	}
	for _, m := range s.Backups.Methods {
		if want := "○ " + m.Name; !m.InPlace && m.Line != want {
			t.Errorf("method line = %q, want %q", m.Line, want)
		}
	}
	h.c.ChooseSchedule("off")
	h.await("schedule off", func(s State) bool { return s.Backups.Schedule == reminder.Off })
	if got := h.loadConfig().Backup.Schedule; got != "off" {
		t.Errorf("config schedule = %q", got)
	}
	h.c.ChooseSchedule("hourly")
	h.waitFor("alert", func() bool { return len(h.effectsSeen()) == 1 })
	if got := h.loadConfig().Backup.Schedule; got != "off" {
		t.Errorf("an unknown schedule changed the config to %q", got)
	}
}

// The toggles decide from the controller's state, not from the state a
// menu last showed: two quick clicks turn push on and off again.
func TestTogglesDecideFromCurrentState(t *testing.T) {
	h := newHarness(t, harnessOptions{login: loginitem.Disabled, start: true})
	h.await("login known", func(s State) bool { return s.Menu.LoginEnabled })
	h.c.TogglePush()
	h.c.TogglePush()
	h.c.TogglePush()
	if got := h.loadConfig().PushLocalChanges; !got {
		t.Errorf("three toggles left push %t, want on", got)
	}
	h.await("push checked", func(s State) bool { return s.Menu.PushChecked })

	h.c.ToggleOpenAtLogin()
	h.await("login on", func(s State) bool { return s.Menu.LoginChecked && s.Menu.LoginEnabled })
	h.c.ToggleOpenAtLogin()
	h.await("login off", func(s State) bool { return !s.Menu.LoginChecked && s.Menu.LoginEnabled })
	h.login.mu.Lock()
	calls := append([]string(nil), h.login.calls...)
	h.login.mu.Unlock()
	if want := []string{"enable", "disable"}; !equalLines(calls, want) {
		t.Errorf("login calls = %q, want %q", calls, want)
	}
}

func TestToggleOpenAtLoginUnsupported(t *testing.T) {
	h := newHarness(t, harnessOptions{login: loginitem.Unsupported, start: true})
	h.await("login known", func(s State) bool { return s.Menu.LoginNote == textLoginNotHere })
	h.c.ToggleOpenAtLogin()
	if err := h.c.Close(); err != nil { // waits for every task it started
		t.Fatal(err)
	}
	h.login.mu.Lock()
	defer h.login.mu.Unlock()
	if len(h.login.calls) != 0 {
		t.Errorf("toggling an unavailable Open at Login called %q", h.login.calls)
	}
}

func TestKeepAwakeWhileSyncingAndBackingUp(t *testing.T) {
	dest := t.TempDir()
	h := newHarness(t, harnessOptions{server: smallServer(), start: true,
		cfg: func(c *config.Config) { c.Backup.Destination = dest }})
	h.await("sync done", func(s State) bool { return s.Menu.LastSyncLine == "Last sync: just now" && s.Menu.SyncItem.Enabled })
	h.c.BackUpNow()
	h.await("backup done", func(s State) bool { return s.Backups.App.ResultText != "" && s.Backups.App.Busy == OpNone })
	seen := h.menuLines(func(s State) string { return s.KeepAwake })
	if want := []string{textKeepSyncing, "", textKeepBackingUp, ""}; !equalLines(seen, want) {
		t.Errorf("keep-awake reasons during a sync and a backup:\n%s", diffLines(seen, want))
	}
	if s := h.c.State(); s.KeepAwake != "" {
		t.Errorf("idle app keeps the Mac awake: %q", s.KeepAwake)
	}
}

func TestSelfTestReport(t *testing.T) {
	at := t0
	st := &SelfTest{Now: func() time.Time { at = at.Add(5 * time.Millisecond); return at }, Version: "v1"}
	if st.Report().OK {
		t.Error("an empty self-test reports OK")
	}
	st.Step("one", func() (string, error) { return "fine", nil })
	st.Skip("notify", "notifications are off")
	if r := st.Report(); !r.OK || r.ExitCode() != 0 {
		t.Errorf("report = %+v", r)
	}
	st.Step("two", func() (string, error) { return "", errors.New("broken") })
	st.Step("three", func() (string, error) { panic("objc exception") })
	r := st.Report()
	if r.OK || r.ExitCode() != 1 || len(r.Steps) != 4 {
		t.Fatalf("report = %+v", r)
	}
	if s := r.Steps[3]; s.OK || !bytes.Contains([]byte(s.Error), []byte("panic: objc exception")) {
		t.Errorf("panicking step = %+v", s)
	}
	if r.Steps[0].DurationMS != 5 {
		t.Errorf("duration = %d ms, want 5", r.Steps[0].DurationMS)
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back SelfTestReport
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back.OK || len(back.Steps) != 4 || back.Steps[1].Skipped != true {
		t.Errorf("JSON round trip: %v %+v\n%s", err, back, buf.String())
	}
}

// The controller half of --self-test, as the app runs it: a temporary data
// folder on the demo server, one sync and one backup, each waited for on
// published states.
func TestSelfTestSyncAndBackup(t *testing.T) {
	f, err := PrepareSelfTest(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(f.Data.Config())
	if err != nil || cfg.Server != config.ServerDemo || cfg.Backup.Destination != f.Backup || cfg.SyncIntervalMinutes != 0 {
		t.Fatalf("self-test settings: %+v, %v", cfg, err)
	}
	h := newHarness(t, harnessOptions{demo: true, cfg: func(c *config.Config) { *c = cfg }, start: true})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	detail, err := SelfTestSync(ctx, h.c)
	if err != nil {
		t.Fatalf("SelfTestSync: %v (%s)", err, detail)
	}
	detail, err = SelfTestBackup(ctx, h.c)
	if err != nil {
		t.Fatalf("SelfTestBackup: %v (%s)", err, detail)
	}
	entries, err := os.ReadDir(f.Backup)
	if err != nil || len(entries) == 0 {
		t.Errorf("backup folder after the self-test backup: %v, %v", entries, err)
	}
}

func TestStartingMenu(t *testing.T) {
	m := StartingMenu()
	if m.SyncItem.Title != "Starting…" || m.SyncItem.Enabled || m.Tooltip != "Stocksync — Starting…" || m.LoginEnabled || m.ShowSignIn {
		t.Errorf("starting menu = %+v", m)
	}
	// A fresh controller's first published state replaces every part of it.
	h := newHarness(t, harnessOptions{start: true})
	s := h.c.State()
	if s.Menu.SyncItem.Title == m.SyncItem.Title || !s.Menu.ShowSignIn || s.Menu.SignIn.Title != "Sign in to ESP…" {
		t.Errorf("first published state:\n%s\nsign in %+v shown %t", s, s.Menu.SignIn, s.Menu.ShowSignIn)
	}
}
