//go:build darwin

package darwin

import (
	"context"
	"errors"
	"os"
	"strings"
	"unsafe"

	"github.com/progrium/darwinkit/macos/foundation"
	"github.com/progrium/darwinkit/objc"

	"github.com/stocksync/stocksync/core/loginitem"
)

// errNoSMAppService is why SMAppService cannot be asked: macOS before 13.
var errNoSMAppService = errors.New("SMAppService needs macOS 13 or newer")

// NewLoginItems returns the launch-at-login manager for this copy of the
// app: loginitem.Auto, which decides between SMAppService.mainAppService
// (tried first, also when it reports "not found": that is a signed app never
// registered) and a LaunchAgent in home's ~/Library/LaunchAgents (only when
// registering fails, and on macOS 12). The agent opens the app bundle (or
// runs the executable outside one) and names the bundle in
// AssociatedBundleIdentifiers, so Login Items shows Stocksync, not Apple. It
// also returns the mechanism in use or tried first, for the log.
func NewLoginItems(home string) (loginitem.Manager, loginitem.Mechanism) {
	exe, args := launchCommand()
	agent := loginitem.NewLaunchAgent(loginitem.SystemRunner(), home, os.Getuid(), loginitem.Label, exe, args...)
	if id := bundleID(); id != "" {
		agent = agent.WithBundleID(id)
	}
	var sm loginitem.AppService
	if _, err := smStatus(); !errors.Is(err, errNoSMAppService) {
		sm = SMAppService{}
	}
	m := loginitem.NewAuto(sm, agent)
	return m, m.Mechanism(context.Background())
}

// bundleID is the running bundle's identifier; "" outside a bundle.
func bundleID() string {
	var id string
	objc.WithAutoreleasePool(func() { id = foundation.Bundle_MainBundle().BundleIdentifier() })
	return id
}

// launchCommand is what the LaunchAgent runs at login.
func launchCommand() (string, []string) {
	var bundle string
	objc.WithAutoreleasePool(func() { bundle = foundation.Bundle_MainBundle().BundlePath() })
	if strings.HasSuffix(bundle, ".app") {
		return loginitem.OpenApp(bundle)
	}
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return exe, nil
}

// SMAppService is SMAppService.mainAppService (macOS 13+) as
// loginitem.AppService: the system calls only; loginitem.Auto decides.
// Safe from any goroutine.
type SMAppService struct{}

var _ loginitem.AppService = SMAppService{}

// Status is mainAppService.status.
func (SMAppService) Status() (loginitem.SMStatus, error) { return smStatus() }

// Register calls registerAndReturnError:.
func (SMAppService) Register() error { return smCall("registerAndReturnError:") }

// Unregister calls unregisterAndReturnError:.
func (SMAppService) Unregister() error { return smCall("unregisterAndReturnError:") }

// mainAppService returns SMAppService.mainAppService. objc.Call panics on a
// class that is not loaded, so the class is looked up first.
func mainAppService() (objc.Object, error) {
	cls := objc.GetClass("SMAppService")
	if cls.Ptr() == nil {
		return objc.Object{}, errNoSMAppService
	}
	svc := objc.Call[objc.Object](cls, objc.Sel("mainAppService"))
	if svc.Ptr() == nil {
		return objc.Object{}, errNoSMAppService
	}
	return svc, nil
}

// smStatus asks SMAppService.mainAppService.status.
func smStatus() (loginitem.SMStatus, error) {
	var st loginitem.SMStatus
	var err error
	objc.WithAutoreleasePool(func() {
		var svc objc.Object
		if svc, err = mainAppService(); err == nil {
			st = loginitem.SMStatus(objc.Call[int](svc, objc.Sel("status")))
		}
	})
	return st, err
}

// smCall sends sel, a method taking an NSError** and returning BOOL, to
// mainAppService; the error carries the NSError's description when it
// returned NO.
func smCall(sel string) error {
	var err error
	objc.WithAutoreleasePool(func() {
		var svc objc.Object
		if svc, err = mainAppService(); err != nil {
			return
		}
		var nsErr unsafe.Pointer
		if objc.Call[bool](svc, objc.Sel(sel), unsafe.Pointer(&nsErr)) {
			return
		}
		why := "unknown error"
		if nsErr != nil {
			why = foundation.ErrorFrom(nsErr).LocalizedDescription()
		}
		err = errors.New(why)
	})
	return err
}
