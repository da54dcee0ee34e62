//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/macos/foundation"
)

// menuDidBeginTracking is NSMenuDidBeginTrackingNotification's name,
// posted on the default notification center when a menu opens (the status
// item's among them). darwinkit has no constant for it.
const menuDidBeginTracking foundation.NotificationName = "NSMenuDidBeginTrackingNotification"

// observeMenuOpen calls opened, on a goroutine of its own, each time a menu
// of the app opens, so relative times ("5 minutes ago") are worded afresh
// then instead of on a timer that would wake an idle app every minute.
// Main thread only.
func observeMenuOpen(opened func()) {
	nc := foundation.NotificationCenter_DefaultCenter()
	obs := nc.AddObserverForNameObjectQueueUsingBlock(menuDidBeginTracking, nil, nil, func(foundation.Notification) {
		go opened()
	})
	obs.Retain()
}
