//go:build darwin

package darwin

import (
	"testing"
	"time"

	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/objc"
)

func TestObserveWake(t *testing.T) {
	woke := make(chan struct{}, 1)
	objc.WithAutoreleasePool(func() {
		observeWake(func() {
			select {
			case woke <- struct{}{}:
			default:
			}
		})
	})
	// Post what macOS posts on wake, on the same center.
	objc.WithAutoreleasePool(func() {
		appkit.Workspace_SharedWorkspace().NotificationCenter().PostNotificationNameObject(didWake, nil)
	})
	select {
	case <-woke:
	case <-time.After(guard):
		t.Fatal("the wake observer was not called")
	}
}
