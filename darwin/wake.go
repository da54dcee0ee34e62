//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/macos/foundation"
)

// didWake is NSWorkspaceDidWakeNotification's name. darwinkit has no
// constant for it; Apple's notification names are their own identifiers.
const didWake foundation.NotificationName = "NSWorkspaceDidWakeNotification"

// observeWake calls woke, on a goroutine of its own, each time the Mac wakes
// from sleep. The notification is posted only on NSWorkspace's own
// notification center. Main thread only.
func observeWake(woke func()) {
	nc := appkit.Workspace_SharedWorkspace().NotificationCenter()
	// A nil queue runs the block on the posting thread; it only starts a
	// goroutine. The center keeps the observer until the process ends.
	obs := nc.AddObserverForNameObjectQueueUsingBlock(didWake, nil, nil, func(foundation.Notification) {
		go woke()
	})
	obs.Retain()
}
