//go:build darwin

package darwin

import (
	"context"
	"errors"
	"fmt"
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
// app, chosen by loginitem.Choose from what SMAppService reports: the
// system's own login item for a properly signed app on macOS 13+, otherwise
// a LaunchAgent in home's ~/Library/LaunchAgents that opens the app bundle
// (or runs the executable when it is not inside one). It also returns the
// mechanism, for the log.
func NewLoginItems(home string) (loginitem.Manager, loginitem.Mechanism) {
	st, err := smStatus()
	m := loginitem.Choose(st, err)
	if m == loginitem.UseSMAppService {
		return SMAppService{}, m
	}
	exe, args := launchCommand()
	return loginitem.NewLaunchAgent(loginitem.SystemRunner(), home, os.Getuid(), loginitem.Label, exe, args...), m
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

// SMAppService is launch at login through SMAppService.mainAppService
// (macOS 13+). It needs a properly signed app: ad-hoc builds get "not
// found", and NewLoginItems then picks the LaunchAgent. All methods are safe
// from any goroutine.
type SMAppService struct{}

var _ loginitem.Manager = SMAppService{}

// Status reports what System Settings shows for Stocksync.
func (SMAppService) Status(context.Context) (loginitem.State, error) {
	st, err := smStatus()
	if err != nil {
		return loginitem.Unsupported, err
	}
	return st.State(), nil
}

// Enable registers the app as a login item. When the user has switched it
// off in System Settings, only they can switch it on: ErrRequiresApproval.
func (SMAppService) Enable(context.Context) error {
	ok, why, err := smCall("registerAndReturnError:")
	if err != nil || ok {
		return err
	}
	if st, _ := smStatus(); st == loginitem.SMRequiresApproval {
		return loginitem.ErrRequiresApproval
	}
	return fmt.Errorf("register Stocksync as a login item: %s", why)
}

// Disable unregisters the login item; disabling a disabled one does nothing.
func (SMAppService) Disable(context.Context) error {
	if st, err := smStatus(); err == nil && st == loginitem.SMNotRegistered {
		return nil
	}
	ok, why, err := smCall("unregisterAndReturnError:")
	if err != nil || ok {
		return err
	}
	return fmt.Errorf("remove Stocksync from the login items: %s", why)
}

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
// mainAppService; why is the NSError's description when it returned NO.
func smCall(sel string) (ok bool, why string, err error) {
	objc.WithAutoreleasePool(func() {
		var svc objc.Object
		if svc, err = mainAppService(); err != nil {
			return
		}
		var nsErr unsafe.Pointer
		ok = objc.Call[bool](svc, objc.Sel(sel), unsafe.Pointer(&nsErr))
		if !ok {
			why = "unknown error"
			if nsErr != nil {
				why = foundation.ErrorFrom(nsErr).LocalizedDescription()
			}
		}
	})
	return ok, why, err
}
