package loginitem

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// fakeSM behaves like SMAppService.mainAppService with the errors it is
// reported to return.
type fakeSM struct {
	status      SMStatus
	unavailable bool     // macOS 12: no SMAppService class
	registerTo  SMStatus // status after a successful register
	registerErr error    // what register fails with (nil: succeeds)
	calls       []string
}

// errNotPermitted is what registerAndReturnError: reports for a build the
// system does not accept (the NSError's description).
var errNotPermitted = errors.New("Operation not permitted")

func (f *fakeSM) Status() (SMStatus, error) {
	f.calls = append(f.calls, "status")
	if f.unavailable {
		return 0, errSM
	}
	return f.status, nil
}

func (f *fakeSM) Register() error {
	f.calls = append(f.calls, "register")
	if f.registerErr != nil {
		return f.registerErr
	}
	f.status = f.registerTo
	return nil
}

func (f *fakeSM) Unregister() error {
	f.calls = append(f.calls, "unregister")
	f.status = SMNotRegistered
	return nil
}

// did returns the register/unregister calls, without the status queries.
func (f *fakeSM) did() []string {
	var out []string
	for _, c := range f.calls {
		if c != "status" {
			out = append(out, c)
		}
	}
	f.calls = nil
	return out
}

func agentFile(t *testing.T, a *LaunchAgent) bool {
	t.Helper()
	_, err := os.Stat(a.Path())
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

func autoStatus(t *testing.T, m *Auto, want State) {
	t.Helper()
	if got, err := m.Status(context.Background()); err != nil || got != want {
		t.Errorf("Status = %v, %v; want %v", got, err, want)
	}
}

func TestAutoNotFoundRegisters(t *testing.T) {
	ctx := context.Background()
	sm := &fakeSM{status: SMNotFound, registerTo: SMEnabled}
	lc := newLaunchctl(t)
	agent, _ := newAgent(t, lc)
	m := NewAuto(sm, agent)

	autoStatus(t, m, Disabled) // not found = not registered, not "unsupported"
	if got := m.Mechanism(ctx); got != UseSMAppService {
		t.Errorf("Mechanism = %v, want SMAppService", got)
	}
	sm.did()
	if err := m.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sm.did(); !reflect.DeepEqual(got, []string{"register"}) {
		t.Errorf("SMAppService calls = %q, want [register]", got)
	}
	if agentFile(t, agent) || lc.loaded[Label] {
		t.Error("a launch agent was installed although register worked")
	}
	autoStatus(t, m, Enabled)

	if err := m.Enable(ctx); err != nil { // again: nothing to do
		t.Fatal(err)
	}
	if got := sm.did(); len(got) != 0 {
		t.Errorf("enabling an enabled item called %q", got)
	}

	if err := m.Disable(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sm.did(); !reflect.DeepEqual(got, []string{"unregister"}) {
		t.Errorf("SMAppService calls = %q, want [unregister]", got)
	}
	autoStatus(t, m, Disabled)
}

func TestAutoFallsBackWhenRegisterFails(t *testing.T) {
	ctx := context.Background()
	sm := &fakeSM{status: SMNotFound, registerErr: errNotPermitted}
	lc := newLaunchctl(t)
	agent, _ := newAgent(t, lc)
	m := NewAuto(sm, agent)

	if err := m.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	if !agentFile(t, agent) || !lc.loaded[Label] {
		t.Fatal("no launch agent after register failed")
	}
	autoStatus(t, m, Enabled)
	if got := m.Mechanism(ctx); got != UseLaunchAgent {
		t.Errorf("Mechanism = %v, want LaunchAgent", got)
	}
	sm.did()

	// The next launch enables again: the agent stays, no second register.
	if err := m.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sm.did(); len(got) != 0 {
		t.Errorf("SMAppService calls = %q, want none", got)
	}

	if err := m.Disable(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sm.did(); len(got) != 0 {
		t.Errorf("Disable called %q on an unregistered service", got)
	}
	if agentFile(t, agent) || lc.loaded[Label] {
		t.Error("launch agent left after Disable")
	}
	autoStatus(t, m, Disabled)
}

func TestAutoWithoutSMAppService(t *testing.T) {
	ctx := context.Background()
	for name, sm := range map[string]AppService{"macOS 12": &fakeSM{unavailable: true}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			lc := newLaunchctl(t)
			agent, _ := newAgent(t, lc)
			m := NewAuto(sm, agent)
			autoStatus(t, m, Disabled)
			if err := m.Enable(ctx); err != nil {
				t.Fatal(err)
			}
			if !lc.loaded[Label] {
				t.Error("agent not loaded")
			}
			autoStatus(t, m, Enabled)
			if got := m.Mechanism(ctx); got != UseLaunchAgent {
				t.Errorf("Mechanism = %v", got)
			}
			if f, ok := sm.(*fakeSM); ok {
				if got := f.did(); len(got) != 0 {
					t.Errorf("SMAppService calls = %q", got)
				}
			}
			if err := m.Disable(ctx); err != nil {
				t.Fatal(err)
			}
			autoStatus(t, m, Disabled)
		})
	}
}

func TestAutoRequiresApproval(t *testing.T) {
	ctx := context.Background()

	t.Run("already switched off: no register, no agent", func(t *testing.T) {
		sm := &fakeSM{status: SMRequiresApproval}
		lc := newLaunchctl(t)
		agent, _ := newAgent(t, lc)
		m := NewAuto(sm, agent)
		autoStatus(t, m, RequiresApproval)
		if err := m.Enable(ctx); !errors.Is(err, ErrRequiresApproval) {
			t.Fatalf("err = %v, want ErrRequiresApproval", err)
		}
		if got := sm.did(); len(got) != 0 || agentFile(t, agent) {
			t.Errorf("calls %q, agent file %v", got, agentFile(t, agent))
		}
	})

	t.Run("register succeeds but needs approval", func(t *testing.T) {
		sm := &fakeSM{status: SMNotRegistered, registerTo: SMRequiresApproval}
		agent, _ := newAgent(t, newLaunchctl(t))
		if err := NewAuto(sm, agent).Enable(ctx); !errors.Is(err, ErrRequiresApproval) {
			t.Fatalf("err = %v, want ErrRequiresApproval", err)
		}
		if agentFile(t, agent) {
			t.Error("worked around the user's switch with a launch agent")
		}
	})

	t.Run("register fails because the user switched it off", func(t *testing.T) {
		sm := &fakeSM{status: SMNotRegistered, registerErr: errNotPermitted}
		agent, _ := newAgent(t, newLaunchctl(t))
		m := NewAuto(&switchingSM{fakeSM: sm}, agent)
		if err := m.Enable(ctx); !errors.Is(err, ErrRequiresApproval) {
			t.Fatalf("err = %v, want ErrRequiresApproval", err)
		}
		if agentFile(t, agent) {
			t.Error("worked around the user's switch with a launch agent")
		}
	})
}

// switchingSM reports requiresApproval once register has failed.
type switchingSM struct{ *fakeSM }

func (s *switchingSM) Register() error {
	err := s.fakeSM.Register()
	s.status = SMRequiresApproval
	return err
}

func TestAutoBothFail(t *testing.T) {
	sm := &fakeSM{status: SMNotFound, registerErr: errNotPermitted}
	lc := newLaunchctl(t)
	lc.bootstrapFails = true
	agent, _ := newAgent(t, lc)
	err := NewAuto(sm, agent).Enable(context.Background())
	if err == nil {
		t.Fatal("Enable succeeded")
	}
	msg := err.Error()
	for _, want := range []string{"the system refused the login item (Operation not permitted)", "launchctl bootstrap", "Bootstrap failed: 5"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if agentFile(t, agent) {
		t.Error("a plist that launchd refused was left behind")
	}
}

func TestAutoRemovesOldAgentOnceRegistered(t *testing.T) {
	ctx := context.Background()
	lc := newLaunchctl(t)
	agent, _ := newAgent(t, lc)
	// An earlier build fell back to the agent; this build is registered.
	if err := agent.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	sm := &fakeSM{status: SMEnabled}
	m := NewAuto(sm, agent)
	autoStatus(t, m, Enabled)
	if err := m.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	if agentFile(t, agent) || lc.loaded[Label] {
		t.Error("old launch agent kept: the app would be started twice")
	}
	autoStatus(t, m, Enabled)

	// Disable removes both, whatever is there.
	if err := agent.Enable(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Disable(ctx); err != nil {
		t.Fatal(err)
	}
	if agentFile(t, agent) || sm.status != SMNotRegistered {
		t.Errorf("after Disable: agent file %v, SMAppService status %d", agentFile(t, agent), sm.status)
	}
}
