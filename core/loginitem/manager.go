package loginitem

import "context"

// State is whether Stocksync starts at login.
type State int

const (
	// Unsupported: this mechanism cannot work here (not macOS).
	Unsupported State = iota
	Disabled
	Enabled
	// RequiresApproval: registered, but switched off under System Settings →
	// General → Login Items; only the user can switch it on.
	RequiresApproval
)

func (s State) String() string {
	switch s {
	case Disabled:
		return "disabled"
	case Enabled:
		return "enabled"
	case RequiresApproval:
		return "requires approval in System Settings"
	}
	return "not available"
}

// Manager turns launch at login on and off. The LaunchAgent type implements
// it here; the SMAppService implementation lives in darwin/.
type Manager interface {
	Status(ctx context.Context) (State, error)
	Enable(ctx context.Context) error
	Disable(ctx context.Context) error
}

// SMStatus mirrors SMAppServiceStatus as returned by
// SMAppService.mainAppService.status.
type SMStatus int

const (
	SMNotRegistered    SMStatus = 0
	SMEnabled          SMStatus = 1
	SMRequiresApproval SMStatus = 2
	SMNotFound         SMStatus = 3
)

// State translates an SMAppService status. notFound is what a signed app
// that was never registered reports: not registered, so Disabled.
func (s SMStatus) State() State {
	switch s {
	case SMNotRegistered, SMNotFound:
		return Disabled
	case SMEnabled:
		return Enabled
	case SMRequiresApproval:
		return RequiresApproval
	}
	return Unsupported
}

// Mechanism is the way launch at login is implemented.
type Mechanism int

const (
	UseLaunchAgent Mechanism = iota
	UseSMAppService
)

func (m Mechanism) String() string {
	if m == UseSMAppService {
		return "SMAppService"
	}
	return "LaunchAgent"
}

// Choose says which mechanism to try first: SMAppService whenever it
// answers with a known status, including notFound (a signed app that was
// never registered reports it); an unknown value or an error asking for it
// (macOS before 13) means the LaunchAgent. Prefer Auto, which also falls
// back to the LaunchAgent when registering fails.
func Choose(status SMStatus, err error) Mechanism {
	if err != nil {
		return UseLaunchAgent
	}
	switch status {
	case SMNotRegistered, SMEnabled, SMRequiresApproval, SMNotFound:
		return UseSMAppService
	}
	return UseLaunchAgent
}
