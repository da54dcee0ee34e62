//go:build darwin

package darwin

import (
	"context"

	"github.com/stocksync/stocksync/core/app"
)

// Run shows the status item and connects it and the windows to ctrl: every
// snapshot is rendered, every click becomes an intent, every effect is
// carried out, and waking from sleep calls ctrl.Woke. It returns once all
// that is running; it stops when ctx ends or ctrl closes.
//
// Call it from systray's onReady goroutine (or any goroutine but the main
// thread): it adds the menu items, which waits for the main thread.
func Run(ctx context.Context, ctrl *app.Controller) {
	p := &panels{ctrl: ctrl}
	// Effects emitted while nobody listens are dropped: start listening
	// before the menu exists (adding its items takes a dozen round trips to
	// the main thread), so no click can come first.
	go ctrl.Effects(ctx, func(e app.Effect) { effect(ctrl, p, e) })

	m := newMenu(ctrl)
	go m.clicks(ctx)
	go ctrl.Watch(ctx, func(s app.State) {
		m.render(s.Menu)
		p.update(s)
	})
	onMain(func() { observeWake(ctrl.Woke) })
}
