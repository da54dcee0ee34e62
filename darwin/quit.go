//go:build darwin

package darwin

import (
	"os"
	"sync"
	"sync/atomic"
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

// termination records what really happened when the app quit, for the
// self-test (TerminationPath).
var termination struct {
	installed atomic.Bool // applicationShouldTerminate: is on systray's class
	asked     atomic.Bool // AppKit called applicationShouldTerminate:
	forced    atomic.Bool // quitGuard's fallback ended the app
}

// InstallTermination adds applicationShouldTerminate: to systray's
// AppDelegate class before any instance of it is NSApp's delegate, so
// whatever AppKit learns about the delegate when systray sets it includes
// the method (systray's class has none; replacing the delegate would break
// systray). It reports whether the method is in place; without it, onExit
// waits for the services on the main thread. Call it from main before
// systray.Run (main thread).
func InstallTermination() bool {
	cls := objc.GetClass("AppDelegate")
	if cls.Ptr() == nil || !cls.RespondsToSelector(objc.Sel("add_or_update_menu_item:")) {
		return false // not systray's class: the name is generic
	}
	sel := objc.Sel("applicationShouldTerminate:")
	if cls.RespondsToSelector(sel) {
		return false // someone else's answer: keep it
	}
	ok := objc.AddMethod(cls, sel, func(_ objc.Object, _ objc.Object) uint {
		return shouldTerminate()
	})
	termination.installed.Store(ok)
	return ok
}

// TerminationPath reports how the app is quitting: asked is true once
// AppKit has called applicationShouldTerminate:, forced once quitGuard's
// fallback (not AppKit) ends the app. A working Quit has asked and not
// forced. From any goroutine.
func TerminationPath() (asked, forced bool) {
	return termination.asked.Load(), termination.forced.Load()
}

// shouldTerminate answers applicationShouldTerminate: (Quit, logout,
// shutdown, a restart for an update): modals end, and the services stop on
// a goroutine while the menu and windows keep working; the reply lets
// AppKit terminate, which runs systray's onExit. Main thread.
func shouldTerminate() uint {
	termination.asked.Store(true)
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
		// A run-loop block, not a main-queue block: the terminateLater
		// loop runs it even when terminate: was called from a block.
		onRunLoop(func() { appkit.Application_SharedApplication().ReplyToApplicationShouldTerminate(true) })
	}()
	return terminateLater
}

// Quit ends sheets, pickers and alerts and terminates the app through
// applicationShouldTerminate:, as the menu's Quit does, with or without a
// Frontend (a signal before onReady). From any goroutine.
func Quit() { quit() }

// quitOnce makes Quit start the termination once; later calls wait for it.
var quitOnce sync.Once

// quit ends sheets, pickers and alerts, then asks AppKit to terminate. It
// never calls systray.Quit, which runs only once and does nothing while a
// modal is up. terminate: runs from a run-loop block, never a main-queue
// block: it answers NSTerminateLater by running a nested run loop until
// the reply, and inside a main-queue block that loop would not drain the
// main queue (the Quit used to take quitGuard's minute). From any
// goroutine.
func quit() {
	quitOnce.Do(func() {
		// A main-queue block runs inside an alert's modal loop; a run-loop
		// block queued behind the alert's would wait for it to end.
		onMain(endModals)
		onRunLoop(func() {
			endModals()
			appkit.Application_SharedApplication().Terminate(nil)
		})
		go func() {
			time.Sleep(quitGuard)
			termination.forced.Store(true)
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
