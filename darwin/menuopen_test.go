//go:build darwin

package darwin

import (
	"testing"
	"time"

	"github.com/progrium/darwinkit/macos/foundation"
	"github.com/progrium/darwinkit/objc"
)

func TestObserveMenuOpen(t *testing.T) {
	opened := make(chan struct{}, 1)
	objc.WithAutoreleasePool(func() {
		observeMenuOpen(func() {
			select {
			case opened <- struct{}{}:
			default:
			}
		})
	})
	// Post what AppKit posts when a menu opens, on the same center.
	objc.WithAutoreleasePool(func() {
		foundation.NotificationCenter_DefaultCenter().PostNotificationNameObject(menuDidBeginTracking, nil)
	})
	select {
	case <-opened:
	case <-time.After(guard):
		t.Fatal("the menu-open observer was not called")
	}
}
