package loginitem

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stocksync/stocksync/core/atomicfile"
)

// ErrRequiresApproval is returned by Enable when the user has switched the
// agent off in System Settings: only they can switch it on again.
var ErrRequiresApproval = errors.New("Stocksync is switched off under System Settings → General → Login Items → Allow in the Background: switch it on there to start Stocksync at login")

// LaunchAgent manages launch at login through a plist in
// ~/Library/LaunchAgents and launchctl. Enabled means the plist is in place
// and launchd has the job loaded.
type LaunchAgent struct {
	runner Runner
	home   string
	uid    int
	label  string
	exe    string
	args   []string
	bundle string
}

var _ Manager = (*LaunchAgent)(nil)

// NewLaunchAgent returns a manager for the agent label that runs executable
// with args at login (see OpenApp), for the user uid whose home folder is
// home. Its plist names BundleID in AssociatedBundleIdentifiers; see
// WithBundleID.
func NewLaunchAgent(r Runner, home string, uid int, label, executable string, args ...string) *LaunchAgent {
	return &LaunchAgent{runner: r, home: home, uid: uid, label: label, exe: executable, args: args, bundle: BundleID}
}

// WithBundleID sets the CFBundleIdentifier the plist's
// AssociatedBundleIdentifiers names (the running bundle's, when it differs
// from BundleID) and returns a. Call it before using a.
func (a *LaunchAgent) WithBundleID(id string) *LaunchAgent {
	a.bundle = id
	return a
}

// Path is where the agent's plist lives.
func (a *LaunchAgent) Path() string { return Path(a.home, a.label) }

func (a *LaunchAgent) domain() string  { return "gui/" + strconv.Itoa(a.uid) }
func (a *LaunchAgent) service() string { return a.domain() + "/" + a.label }

// Status reports Enabled when the plist exists and launchd has the job
// loaded, RequiresApproval when the user switched it off in System Settings,
// Unsupported off macOS, and Disabled otherwise.
func (a *LaunchAgent) Status(ctx context.Context) (State, error) {
	loaded, err := a.loaded(ctx)
	if errors.Is(err, ErrNotAvailable) {
		return Unsupported, nil
	}
	if err != nil {
		return Disabled, err
	}
	present, err := a.present()
	if err != nil {
		return Disabled, err
	}
	switch {
	case present && loaded:
		return Enabled, nil
	case present && a.disabledInSettings(ctx):
		return RequiresApproval, nil
	}
	return Disabled, nil
}

// Enable writes the plist (atomically) and loads it. Enabling an enabled
// agent does nothing.
func (a *LaunchAgent) Enable(ctx context.Context) error {
	want, err := Plist(a.label, a.exe, a.args, a.bundle)
	if err != nil {
		return fmt.Errorf("enable launch at login: %w", err)
	}
	loaded, err := a.loaded(ctx)
	if err != nil {
		return fmt.Errorf("enable launch at login: %w", err)
	}
	have, err := os.ReadFile(a.Path())
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("enable launch at login: %w", err)
	}
	if loaded && bytes.Equal(have, want) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(a.Path()), 0o755); err != nil {
		return fmt.Errorf("enable launch at login: %w", err)
	}
	if err := atomicfile.WriteFile(a.Path(), want, 0o644); err != nil {
		return fmt.Errorf("enable launch at login: %w", err)
	}
	if loaded { // an older plist is loaded: replace it
		if err := a.bootout(ctx); err != nil {
			return fmt.Errorf("enable launch at login: %w", err)
		}
	}
	out, errOut, runErr := a.runner.Run(ctx, "bootstrap", a.domain(), a.Path())
	if runErr == nil {
		return nil
	}
	// bootstrap also fails when the job got loaded meanwhile; asking again
	// is what counts.
	if ok, err := a.loaded(ctx); err == nil && ok {
		return nil
	}
	if a.disabledInSettings(ctx) {
		return ErrRequiresApproval // keep the plist: switching it on in Settings then works
	}
	rmErr := removeFile(a.Path())
	return errors.Join(fmt.Errorf("enable launch at login: launchctl bootstrap %s failed: %s: %w",
		a.Path(), message(out, errOut), runErr), rmErr)
}

// Disable unloads the agent and removes its plist. Disabling a disabled
// agent does nothing. The plist is removed even when unloading fails, so the
// app does not start at the next login either way.
func (a *LaunchAgent) Disable(ctx context.Context) error {
	bootErr := a.bootout(ctx)
	if errors.Is(bootErr, ErrNotAvailable) {
		return fmt.Errorf("disable launch at login: %w", bootErr)
	}
	rmErr := removeFile(a.Path())
	if bootErr != nil || rmErr != nil {
		return fmt.Errorf("disable launch at login: %w", errors.Join(bootErr, rmErr))
	}
	return nil
}

func (a *LaunchAgent) present() (bool, error) {
	_, err := os.Stat(a.Path())
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check launch agent: %w", err)
	}
	return true, nil
}

// loaded asks launchctl print. A missing service is "not loaded"; any
// other failure is an error.
func (a *LaunchAgent) loaded(ctx context.Context) (bool, error) {
	out, errOut, err := a.runner.Run(ctx, "print", a.service())
	if err == nil {
		return true, nil
	}
	if errors.Is(err, ErrNotAvailable) {
		return false, ErrNotAvailable
	}
	if notLoaded(out, errOut) {
		return false, nil
	}
	return false, fmt.Errorf("launchctl print %s failed: %s: %w", a.service(), message(out, errOut), err)
}

func (a *LaunchAgent) bootout(ctx context.Context) error {
	out, errOut, err := a.runner.Run(ctx, "bootout", a.service())
	if err == nil || notLoaded(out, errOut) {
		return nil
	}
	if errors.Is(err, ErrNotAvailable) {
		return ErrNotAvailable
	}
	return fmt.Errorf("launchctl bootout %s failed: %s: %w", a.service(), message(out, errOut), err)
}

// disabledInSettings reads launchctl print-disabled: the user's "Allow in the
// Background" switch. Newer macOS prints `"label" => disabled`, older
// `"label" => true`. Anything unreadable counts as not disabled.
func (a *LaunchAgent) disabledInSettings(ctx context.Context) bool {
	out, _, err := a.runner.Run(ctx, "print-disabled", a.domain())
	if err != nil {
		return false
	}
	quoted := `"` + a.label + `"`
	for _, line := range strings.Split(string(out), "\n") {
		name, value, ok := strings.Cut(strings.TrimSpace(line), "=>")
		if ok && strings.TrimSpace(name) == quoted {
			v := strings.TrimSpace(value)
			return v == "disabled" || v == "true"
		}
	}
	return false
}

// notLoaded recognises launchctl's ways of saying the job is not loaded:
// "Could not find service …", "Boot-out failed: 3: No such process",
// "Boot-out failed: 113: Could not find specified service".
func notLoaded(out, errOut []byte) bool {
	s := string(out) + string(errOut)
	return strings.Contains(s, "Could not find") || strings.Contains(s, "No such process")
}

func message(out, errOut []byte) string {
	msg := strings.TrimSpace(strings.TrimSpace(string(errOut)) + "\n" + strings.TrimSpace(string(out)))
	if msg == "" {
		return "no output"
	}
	return msg
}

func removeFile(path string) error {
	err := os.Remove(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}
