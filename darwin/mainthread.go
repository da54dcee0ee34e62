//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/dispatch"
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/objc"
)

// onMain runs f on the main thread, after whatever the run loop is doing.
// It never waits: waiting from the main thread on the main queue deadlocks.
func onMain(f func()) {
	dispatch.MainQueue().DispatchAsync(func() {
		objc.WithAutoreleasePool(f)
	})
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
