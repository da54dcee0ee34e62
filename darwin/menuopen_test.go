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
	// Post what AppKit posts when a menu opens and when a window comes to
	// the front, on the same center.
	for _, name := range []foundation.NotificationName{menuDidBeginTracking, windowDidBecomeKey} {
		objc.WithAutoreleasePool(func() {
			foundation.NotificationCenter_DefaultCenter().PostNotificationNameObject(name, nil)
		})
		select {
		case <-opened:
		case <-time.After(guard):
			t.Fatalf("the observer was not called for %s", name)
		}
	}
}
