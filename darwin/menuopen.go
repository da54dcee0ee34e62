//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/macos/foundation"
)

// Notifications after which the controller rewords relative times. AppKit
// posts both on the default notification center; darwinkit has no
// constants for them.
const (
	// menuDidBeginTracking: a menu opened (the status item's among them).
	menuDidBeginTracking foundation.NotificationName = "NSMenuDidBeginTrackingNotification"
	// windowDidBecomeKey: a window (Backups…, Settings…) came to the front.
	windowDidBecomeKey foundation.NotificationName = "NSWindowDidBecomeKeyNotification"
)

// observeMenuOpen calls opened, on a goroutine of its own, each time a menu
// of the app opens or one of its windows comes to the front, so relative
// times ("5 minutes ago") are worded afresh then instead of on a timer that
// would wake an idle app every minute. Main thread only.
func observeMenuOpen(opened func()) {
	nc := foundation.NotificationCenter_DefaultCenter()
	for _, name := range []foundation.NotificationName{menuDidBeginTracking, windowDidBecomeKey} {
		obs := nc.AddObserverForNameObjectQueueUsingBlock(name, nil, nil, func(foundation.Notification) {
			go opened()
		})
		obs.Retain() // the center keeps the observer until the process ends
	}
}
