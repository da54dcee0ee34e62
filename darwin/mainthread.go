//go:build darwin

package darwin

import (
	"errors"
	"time"

	"github.com/progrium/darwinkit/dispatch"
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/objc"
)

// onMain runs f on the main thread, after whatever the run loop is doing.
// It never waits: waiting from the main thread on the main queue deadlocks.
// f must not run a modal loop (runModal): the main queue is serial, and
// every later onMain would wait until the modal ended — use onMainLoop.
func onMain(f func()) {
	dispatch.MainQueue().DispatchAsync(func() {
		objc.WithAutoreleasePool(f)
	})
}

// onMainLoop runs f on the main thread from the main run loop itself, in
// its common modes, outside any main-queue block: a modal started there
// (NSAlert runModal) leaves the main queue free, so renders and other
// onMain blocks go on while it is up (onRunLoop).
func onMainLoop(f func()) { onRunLoop(f) }

// errMainThreadGuard: the main thread did not answer within mainGuard. It
// turns a hang into a reported failure; it is not a speed requirement.
var errMainThreadGuard = errors.New("the main thread did not answer within a minute")

const mainGuard = time.Minute

// onMainWait runs f on the main thread and waits for it to call done. Call
// it only from goroutines other than the main thread (the self-test).
func onMainWait(f func(done func(error))) error {
	ch := make(chan error, 1)
	onMain(func() {
		f(func(err error) {
			select {
			case ch <- err:
			default:
			}
		})
	})
	select {
	case err := <-ch:
		return err
	case <-time.After(mainGuard):
		return errMainThreadGuard
	}
}

// activate brings Stocksync to the front. A menu-bar-only (LSUIElement) app
// is not activated by a click on its status item, so its windows would open
// behind the frontmost app. macOS 14 ignores activateIgnoringOtherApps: and
// offers -[NSApplication activate] instead, which older systems lack.
// Main thread only.
func activate() {
	a := appkit.Application_SharedApplication()
	if a.RespondsToSelector(objc.Sel("activate")) {
		objc.Call[objc.Void](a, objc.Sel("activate"))
		return
	}
	a.ActivateIgnoringOtherApps(true)
}

// bringForward shows w in front of other apps' windows. activate is only a
// request on macOS 14+, so the window is also ordered front regardless.
// Main thread only.
func bringForward(w appkit.Window) {
	activate()
	w.MakeKeyAndOrderFront(nil)
	w.OrderFrontRegardless()
}
