//go:build darwin

package darwin

import (
	"context"

	"github.com/progrium/darwinkit/macos/appkit"

	"github.com/stocksync/stocksync/core/app"
)

// Frontend is the app's status item, its menu and its windows. Start shows
// the status item at once; Run connects a controller to it.
type Frontend struct {
	menu   *menu
	panels *panels
	awake  keepAwake

	terminationOK bool // applicationShouldTerminate: is in place
}

// Start shows the status icon and a menu saying "Starting…" whose Quit
// works, before the data folder and database are opened, so the app is
// never an invisible status item. Call it first in systray's onReady
// goroutine (never from the main thread: systray setters wait for it).
func Start() *Frontend {
	f := &Frontend{menu: newMenu(app.StartingMenu())}
	go f.menu.clicks(context.Background())
	f.terminationOK = termination.installed.Load()
	return f
}

// TerminationHandled reports whether applicationShouldTerminate: is the
// app's (so Quit does not wait on the main thread).
func (f *Frontend) TerminationHandled() bool { return f.terminationOK }

// Run connects ctrl: every published state is rendered, every click becomes an
// intent, every effect is carried out, the Mac is kept awake while a sync
// or backup runs (State.KeepAwake), waking from sleep calls ctrl.Woke and
// opening a menu or bringing a window to the front calls ctrl.MenuOpened.
// It returns once all that is running; it stops when ctx ends or ctrl
// closes. Hand notification clicks to ctrl (Notifier.OnAction) only after
// Run: their effects then reach a listener. From any goroutine but the
// main thread.
func (f *Frontend) Run(ctx context.Context, ctrl *app.Controller) {
	f.panels = &panels{ctrl: ctrl}
	// Effects emitted while nobody listens are dropped: subscribe (not
	// just start a goroutine) before the menu forwards clicks and before
	// the caller hands notification clicks over.
	ctrl.ListenEffects(ctx, func(e app.Effect) { effect(ctrl, f.panels, e) })
	f.menu.ctrl.Store(ctrl)
	go ctrl.Watch(ctx, func(s app.State) {
		f.menu.render(s.Menu)
		f.panels.update(s)
		f.awake.set(s.KeepAwake)
	})
	onMain(func() {
		observeWake(ctrl.Woke)
		observeMenuOpen(ctrl.MenuOpened)
	})
}

// Fatal tells the user why the app cannot run, in an alert in front of
// other apps' windows, then quits through the normal path. From any
// goroutine but the main thread.
func (f *Frontend) Fatal(title, message string) {
	showAlert(title, message, true, func(appkit.ModalResponse) { quit() })
}

// Quit ends sheets, pickers and alerts and terminates the app; the
// services stop while the menu stays responsive. It always works, however
// often it is called. From any goroutine.
func (f *Frontend) Quit() { quit() }
