package loginitem

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"howett.net/plist"
)

var errSM = errors.New("SMAppService unavailable")

// fakeLaunchctl behaves like launchctl for one GUI domain, with launchctl's
// recorded messages.
type fakeLaunchctl struct {
	t              *testing.T
	mu             sync.Mutex
	loaded         map[string]bool
	calls          []string
	bootstrapFails bool
	disabled       bool
	printFails     bool
}

func newLaunchctl(t *testing.T) *fakeLaunchctl {
	return &fakeLaunchctl{t: t, loaded: map[string]bool{}}
}

var errExit = func(code int) error { return fmt.Errorf("exit status %d", code) }

func (f *fakeLaunchctl) Run(_ context.Context, args ...string) ([]byte, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, strings.Join(args, " "))
	switch {
	case len(args) == 2 && args[0] == "print":
		if f.printFails {
			return nil, []byte("Unrecognized target specifier.\n"), errExit(1)
		}
		label := args[1][strings.LastIndex(args[1], "/")+1:]
		if f.loaded[label] {
			return []byte(args[1] + " = {\n\tactive count = 0\n\tpath = ...\n\tstate = not running\n}\n"), nil, nil
		}
		return nil, []byte(fmt.Sprintf("Could not find service %q in domain for user gui: 501\n", label)), errExit(113)
	case len(args) == 3 && args[0] == "bootstrap" && args[1] == "gui/501":
		data, err := os.ReadFile(args[2])
		if err != nil {
			return nil, []byte("Bootstrap failed: 2: No such file or directory\n"), errExit(2)
		}
		var p struct{ Label string }
		if _, err := plist.Unmarshal(data, &p); err != nil {
			return nil, []byte("Bootstrap failed: 5: Input/output error\n"), errExit(5)
		}
		if f.bootstrapFails || f.disabled || f.loaded[p.Label] {
			return nil, []byte("Bootstrap failed: 5: Input/output error\nTry re-running the command as root for richer errors.\n"), errExit(5)
		}
		f.loaded[p.Label] = true
		return nil, nil, nil
	case len(args) == 2 && args[0] == "bootout":
		label := args[1][strings.LastIndex(args[1], "/")+1:]
		if !f.loaded[label] {
			return nil, []byte("Boot-out failed: 3: No such process\n"), errExit(3)
		}
		delete(f.loaded, label)
		return nil, nil, nil
	case len(args) == 2 && args[0] == "print-disabled":
		state := "enabled"
		if f.disabled {
			state = "disabled"
		}
		return []byte("disabled services = {\n\t\"com.apple.ScriptEditor.id.x\" => enabled\n\t\"" + Label + "\" => " + state + "\n}\n"), nil, nil
	}
	f.t.Errorf("unexpected launchctl call %q", args)
	return nil, nil, errExit(64)
}

func (f *fakeLaunchctl) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

const (
	svc = "gui/501/" + Label
	app = "/Applications/Stocksync.app"
)

func newAgent(t *testing.T, r Runner, args ...string) (*LaunchAgent, string) {
	home := t.TempDir()
	if len(args) == 0 {
		args = []string{"-a", app}
	}
	return NewLaunchAgent(r, home, 501, Label, "/usr/bin/open", args...), home
}

func checkCalls(t *testing.T, f *fakeLaunchctl, want ...string) {
	t.Helper()
	if got := f.takeCalls(); !reflect.DeepEqual(got, want) {
		t.Errorf("launchctl calls = %q\nwant %q", got, want)
	}
}

func checkStatus(t *testing.T, a *LaunchAgent, want State) {
	t.Helper()
	got, err := a.Status(context.Background())
	if err != nil || got != want {
		t.Errorf("Status = %v, %v; want %v", got, err, want)
	}
}

func TestEnableDisable(t *testing.T) {
	ctx := context.Background()
	f := newLaunchctl(t)
	a, home := newAgent(t, f)
	path := home + "/Library/LaunchAgents/" + Label + ".plist"
	if a.Path() != path {
		t.Fatalf("Path = %q, want %q", a.Path(), path)
	}

	checkStatus(t, a, Disabled)
	f.takeCalls()

	if err := a.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, f, "print "+svc, "bootstrap gui/501 "+path)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Plist(Label, "/usr/bin/open", []string{"-a", app}, BundleID)
	if string(got) != string(want) {
		t.Errorf("plist = %s\nwant %s", got, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("perm = %v, want 0644", st.Mode().Perm())
	}
	checkStatus(t, a, Enabled)
	f.takeCalls()

	// Enabling again changes nothing.
	if err := a.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, f, "print "+svc)

	if err := a.Disable(ctx); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, f, "bootout "+svc)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("plist still there: %v", err)
	}
	checkStatus(t, a, Disabled)
	f.takeCalls()

	// Disabling again is fine too.
	if err := a.Disable(ctx); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, f, "bootout "+svc)
}

func TestEnableReplacesAnOutdatedAgent(t *testing.T) {
	ctx := context.Background()
	f := newLaunchctl(t)
	old, home := newAgent(t, f)
	if err := old.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	f.takeCalls()
	moved := NewLaunchAgent(f, home, 501, Label, "/usr/bin/open", "-a", "/Users/anna/Applications/Stocksync.app")
	if err := moved.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, f, "print "+svc, "bootout "+svc, "bootstrap gui/501 "+moved.Path())
	data, _ := os.ReadFile(moved.Path())
	if !strings.Contains(string(data), "/Users/anna/Applications/Stocksync.app") {
		t.Errorf("plist not replaced:\n%s", data)
	}
	checkStatus(t, moved, Enabled)
}

func TestEnableFailures(t *testing.T) {
	ctx := context.Background()

	t.Run("bootstrap fails: clear error, no plist left", func(t *testing.T) {
		f := newLaunchctl(t)
		f.bootstrapFails = true
		a, _ := newAgent(t, f)
		err := a.Enable(ctx)
		want := "enable launch at login: launchctl bootstrap " + a.Path() +
			" failed: Bootstrap failed: 5: Input/output error\nTry re-running the command as root for richer errors.: exit status 5"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v\nwant %s", err, want)
		}
		if _, err := os.Stat(a.Path()); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("plist left behind: %v", err)
		}
		checkStatus(t, a, Disabled)
	})

	t.Run("switched off in System Settings", func(t *testing.T) {
		f := newLaunchctl(t)
		f.disabled = true
		a, _ := newAgent(t, f)
		if err := a.Enable(ctx); !errors.Is(err, ErrRequiresApproval) {
			t.Fatalf("err = %v, want ErrRequiresApproval", err)
		}
		if _, err := os.Stat(a.Path()); err != nil {
			t.Errorf("plist must stay so that switching it on works: %v", err)
		}
		checkStatus(t, a, RequiresApproval)
	})

	t.Run("print fails: nothing written", func(t *testing.T) {
		f := newLaunchctl(t)
		f.printFails = true
		a, _ := newAgent(t, f)
		err := a.Enable(ctx)
		if err == nil || !strings.Contains(err.Error(), "launchctl print "+svc+" failed: Unrecognized target specifier.") {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(a.Path()); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("plist written: %v", err)
		}
		if _, err := a.Status(ctx); err == nil {
			t.Error("Status hid the launchctl failure")
		}
	})

	t.Run("bad program", func(t *testing.T) {
		f := newLaunchctl(t)
		a := NewLaunchAgent(f, t.TempDir(), 501, Label, "Stocksync")
		if err := a.Enable(ctx); err == nil {
			t.Fatal("enabled a relative program path")
		}
		checkCalls(t, f)
	})
}

type unavailable struct{}

func (unavailable) Run(context.Context, ...string) ([]byte, []byte, error) {
	return nil, nil, ErrNotAvailable
}

func TestNotAvailable(t *testing.T) {
	ctx := context.Background()
	for name, r := range map[string]Runner{"fake": unavailable{}, "system": SystemRunner()} {
		t.Run(name, func(t *testing.T) {
			if name == "system" && isDarwin {
				t.Skip("on macOS the system runner is the real launchctl, which is available: nothing to test here")
			}
			a, _ := newAgent(t, r)
			checkStatus(t, a, Unsupported)
			if err := a.Enable(ctx); !errors.Is(err, ErrNotAvailable) {
				t.Errorf("Enable err = %v, want ErrNotAvailable", err)
			}
			if _, err := os.Stat(a.Path()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("plist written where launchd does not exist: %v", err)
			}
			if err := a.Disable(ctx); !errors.Is(err, ErrNotAvailable) {
				t.Errorf("Disable err = %v, want ErrNotAvailable", err)
			}
		})
	}
}
