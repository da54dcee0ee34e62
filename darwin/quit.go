//go:build darwin

package darwin

import (
	"os"
	"sync"
	"time"

	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/objc"
)

// NSApplicationTerminateReply values.
const (
	terminateNow   uint = 1
	terminateLater uint = 2
)

// quitGuard bounds how long Quit waits for AppKit to end the process. Past
// it something kept terminate: from working (an unknown modal): the app
// finishes and exits by itself, because Quit must always work. It is a
// safety net, not a speed requirement.
const quitGuard = time.Minute

// lifecycle is how the app stops: set once by SetLifecycle.
var lifecycle struct {
	mu       sync.Mutex
	stop     func() // stops services; may take seconds; idempotent
	finish   func() // closes what is left (onExit's work); idempotent
	stopping bool
}

// SetLifecycle tells the frontend how the app stops. stop stops the
// services (a running sync or backup) and may take a while: it runs on a
// goroutine while the UI stays responsive (applicationShouldTerminate:
// answers "later", then replies). finish is what systray's onExit does; it
// runs only when AppKit never ends the process after Quit. Both must be
// idempotent. Call it before Start.
func SetLifecycle(stop, finish func()) {
	lifecycle.mu.Lock()
	lifecycle.stop, lifecycle.finish = stop, finish
	lifecycle.mu.Unlock()
}

// installTermination adds applicationShouldTerminate: to the class of the
// application's delegate (systray's, which has none: replacing the
// delegate would break systray). It reports whether the method is in
// place; without it, onExit waits for the services on the main thread, as
// before. Main thread only, after systray set its delegate.
func installTermination() bool {
	d := objc.Call[objc.Object](appkit.Application_SharedApplication(), objc.Sel("delegate"))
	if d.Ptr() == nil {
		return false
	}
	sel := objc.Sel("applicationShouldTerminate:")
	if d.RespondsToSelector(sel) {
		return false // someone else's answer: keep it
	}
	if !objc.AddMethod(d.Class(), sel, func(_ objc.Object, _ objc.Object) uint {
		return shouldTerminate()
	}) {
		return false
	}
	// Hand the same delegate object to NSApp again, so that whatever AppKit
	// learnt about it when systray set it (delegate methods it answers)
	// includes the new one. The delegate is not replaced.
	a := appkit.Application_SharedApplication()
	objc.Call[objc.Void](a, objc.Sel("setDelegate:"), d)
	return d.RespondsToSelector(sel)
}

// shouldTerminate answers applicationShouldTerminate: (Quit, logout,
// shutdown, a restart for an update): modals end, and the services stop on
// a goroutine while the menu and windows keep working; the reply lets
// AppKit terminate, which runs systray's onExit. Main thread.
func shouldTerminate() uint {
	endModals()
	lifecycle.mu.Lock()
	stop := lifecycle.stop
	already := lifecycle.stopping
	lifecycle.stopping = true
	lifecycle.mu.Unlock()
	if stop == nil {
		return terminateNow
	}
	if already {
		return terminateLater // the first request's reply ends the app
	}
	go func() {
		stop()
		onMain(func() { appkit.Application_SharedApplication().ReplyToApplicationShouldTerminate(true) })
	}()
	return terminateLater
}

// quitOnce makes Quit start the termination once; later calls wait for it.
var quitOnce sync.Once

// quit ends sheets, pickers and alerts, then asks AppKit to terminate. It
// never calls systray.Quit, which runs only once and does nothing while a
// modal is up. From any goroutine.
func quit() {
	quitOnce.Do(func() {
		onMain(func() {
			endModals()
			appkit.Application_SharedApplication().Terminate(nil)
		})
		go func() {
			time.Sleep(quitGuard)
			lifecycle.mu.Lock()
			stop, finish := lifecycle.stop, lifecycle.finish
			lifecycle.mu.Unlock()
			if stop != nil {
				stop()
			}
			if finish != nil {
				finish()
			}
			os.Exit(0)
		}()
	})
}

// modal tracking: what may be up modally, so quitting can end it first.
// Main thread only.
var modals = struct {
	sheetParents []appkit.Window    // windows that may carry a sheet
	pickers      []appkit.OpenPanel // folder pickers shown on their own
	closers      map[string]func()  // other windows to close before quitting
}{closers: map[string]func(){}}

// endModals ends an alert's modal loop, every sheet on the app's windows
// and every folder picker, so terminate: is not refused while they are up.
// Main thread only.
func endModals() {
	a := appkit.Application_SharedApplication()
	if mw := a.ModalWindow(); mw.Ptr() != nil {
		a.AbortModal()
	}
	for _, w := range modals.sheetParents {
		if sh := w.AttachedSheet(); sh.Ptr() != nil {
			w.EndSheet(sh)
		}
	}
	for _, p := range modals.pickers {
		p.Cancel(nil)
	}
	modals.pickers = nil
	for _, c := range modals.closers {
		c()
	}
}
