package loginitem

import (
	"context"
	"errors"
	"fmt"
)

// AppService is SMAppService.mainAppService (macOS 13+) as darwin/ exposes it:
// the system calls only, no decisions. Auto decides what to do with them.
type AppService interface {
	// Status returns SMAppService.mainAppService.status. It returns an error
	// when SMAppService cannot be asked at all (macOS 12 and older, or not
	// running from an app bundle).
	Status() (SMStatus, error)
	// Register calls registerAndReturnError:; the error carries the
	// NSError's description.
	Register() error
	// Unregister calls unregisterAndReturnError:.
	Unregister() error
}

// Auto turns launch at login on and off through SMAppService when the
// system accepts the app, and through a LaunchAgent otherwise.
//
// The decisions (SMAppService status values as in Apple's
// SMAppService.Status: 0 notRegistered, 1 enabled, 2 requiresApproval,
// 3 notFound):
//   - notFound is what a signed app that was never registered reports: it is
//     "not registered", and Enable calls Register.
//   - Only when Register fails, or SMAppService is missing (macOS 12), does
//     Enable write the LaunchAgent.
//   - A successful Register removes a LaunchAgent left from earlier, so the
//     app does not start twice.
//   - requiresApproval is the user's switch in System Settings: Enable returns
//     ErrRequiresApproval instead of working around it.
//
// Auto is safe for concurrent use when its AppService and fallback are.
type Auto struct {
	sm    AppService
	agent Manager
}

var _ Manager = (*Auto)(nil)

// NewAuto returns the launch-at-login manager that prefers sm and falls back
// to agent (normally a *LaunchAgent). sm may be nil where SMAppService does
// not exist; agent must not be nil.
func NewAuto(sm AppService, agent Manager) *Auto {
	return &Auto{sm: sm, agent: agent}
}

// smStatus asks SMAppService; ok is false when it cannot be used at all.
func (a *Auto) smStatus() (SMStatus, bool) {
	if a.sm == nil {
		return 0, false
	}
	st, err := a.sm.Status()
	return st, err == nil
}

// Status reports Enabled when either mechanism starts the app at login,
// RequiresApproval when the user switched SMAppService's item off in System
// Settings (or the LaunchAgent's, when that is in use), and Disabled
// otherwise. Without SMAppService it is the LaunchAgent's status.
func (a *Auto) Status(ctx context.Context) (State, error) {
	st, ok := a.smStatus()
	if !ok {
		return a.agent.Status(ctx)
	}
	switch st {
	case SMEnabled:
		return Enabled, nil
	case SMRequiresApproval:
		return RequiresApproval, nil
	}
	// notRegistered, notFound or a value Apple may add: the LaunchAgent may
	// be what starts the app.
	as, err := a.agent.Status(ctx)
	if err != nil {
		return Disabled, err
	}
	if as == Unsupported { // SMAppService exists, so this is macOS: not on
		return Disabled, nil
	}
	return as, nil
}

// Enable makes the app start at login; see Auto for the order of attempts.
// Enabling an enabled item does nothing. It returns ErrRequiresApproval when
// only the user can switch it on, and an error naming both failures when
// neither mechanism worked.
func (a *Auto) Enable(ctx context.Context) error {
	st, ok := a.smStatus()
	if !ok {
		return a.agent.Enable(ctx)
	}
	switch st {
	case SMEnabled:
		return a.dropAgent(ctx)
	case SMRequiresApproval:
		return ErrRequiresApproval
	}
	// Already running through the fallback: keep it rather than register
	// again at every launch (unsigned builds are reported to pile up
	// entries); Enable rewrites an outdated plist and is otherwise a no-op.
	if as, err := a.agent.Status(ctx); err == nil && as == Enabled {
		return a.agent.Enable(ctx)
	}
	regErr := a.sm.Register()
	if regErr == nil {
		if after, ok := a.smStatus(); ok && after == SMRequiresApproval {
			return ErrRequiresApproval
		}
		return a.dropAgent(ctx)
	}
	if after, ok := a.smStatus(); ok && after == SMRequiresApproval {
		return ErrRequiresApproval
	}
	agentErr := a.agent.Enable(ctx)
	if agentErr == nil || errors.Is(agentErr, ErrRequiresApproval) {
		return agentErr
	}
	return fmt.Errorf("enable launch at login: the system refused the login item (%v), and the launch agent failed too: %w", regErr, agentErr)
}

// Disable stops the app from starting at login by either mechanism.
// Disabling a disabled item does nothing.
func (a *Auto) Disable(ctx context.Context) error {
	var smErr error
	if st, ok := a.smStatus(); ok && (st == SMEnabled || st == SMRequiresApproval) {
		if err := a.sm.Unregister(); err != nil {
			smErr = fmt.Errorf("disable launch at login: remove the login item: %w", err)
		}
	}
	agentErr := a.agent.Disable(ctx)
	if errors.Is(agentErr, ErrNotAvailable) && a.sm != nil {
		agentErr = nil // no launchd runner: nothing of ours to remove there
	}
	return errors.Join(smErr, agentErr)
}

// Mechanism reports which mechanism starts the app at login now or, when
// neither does, which one Enable tries first. For the log.
func (a *Auto) Mechanism(ctx context.Context) Mechanism {
	st, ok := a.smStatus()
	if !ok {
		return UseLaunchAgent
	}
	if st == SMEnabled || st == SMRequiresApproval {
		return UseSMAppService
	}
	if as, err := a.agent.Status(ctx); err == nil && (as == Enabled || as == RequiresApproval) {
		return UseLaunchAgent
	}
	return UseSMAppService
}

// dropAgent removes a LaunchAgent left from an earlier fallback once
// SMAppService starts the app. Disable is idempotent and also removes a plist
// that is present but not loaded (launchd would load it at the next login).
func (a *Auto) dropAgent(ctx context.Context) error {
	err := a.agent.Disable(ctx)
	if err == nil || errors.Is(err, ErrNotAvailable) {
		return nil
	}
	return fmt.Errorf("enable launch at login: remove the old launch agent: %w", err)
}
