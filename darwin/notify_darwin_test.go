//go:build darwin

package darwin

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/progrium/darwinkit/objc"

	"github.com/stocksync/stocksync/core/notify"
)

// These tests run on a Mac (make test in CI on macos-14): they drive the
// Objective-C glue of the notifier without a bundle, which is what a test
// binary is.

func TestNotifierWithoutBundleUsesOsascript(t *testing.T) {
	n := NewNotifier()
	if n.center != nil {
		t.Error("an unbundled process got a UNUserNotificationCenter (it throws without a bundle)")
	}
	if st, err := n.Settings(context.Background()); err != nil || st != notify.CenterUnavailable {
		t.Errorf("settings without a bundle = %s, %v; want unavailable (osascript)", st, err)
	}
}

// A click that comes before the controller exists (the one that launched
// the app) is kept and delivered once OnAction is set.
func TestEarlyClickIsKept(t *testing.T) {
	setActionHandler(nil)
	deliverClick("backup-reminder", notify.OpenBackups.ID)
	got := make(chan [2]string, 1)
	(&Notifier{}).OnAction(func(id, action string) { got <- [2]string{id, action} })
	defer setActionHandler(nil)
	select {
	case c := <-got:
		if c != [2]string{"backup-reminder", notify.OpenBackups.ID} {
			t.Errorf("early click = %v", c)
		}
	case <-time.After(guard):
		t.Fatal("the early click was not delivered")
	}
}

func TestClickedAction(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{defaultActionID, "", true},
		{dismissActionID, "", false},
		{notify.BackupNow.ID, notify.BackupNow.ID, true},
		{notify.OpenBackups.ID, notify.OpenBackups.ID, true},
	}
	for _, tt := range tests {
		got, ok := clickedAction(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("clickedAction(%q) = %q, %t; want %q, %t", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// StocksyncTestResponse stands in for a UNNotificationResponse and its
// notification and request: it answers the three messages the delegate sends.
type StocksyncTestResponse struct {
	objc.Object
}

var (
	testResponseOnce  sync.Once
	testResponseClass objc.UserClass[StocksyncTestResponse]
	testAction        = notify.BackupNow.ID
	testNoteID        = "backup-reminder"
)

func (StocksyncTestResponse) ActionIdentifier() string    { return testAction }
func (r StocksyncTestResponse) Notification() objc.Object { return r.Object }
func (r StocksyncTestResponse) Request() objc.Object      { return r.Object }
func (StocksyncTestResponse) Identifier() string          { return testNoteID }

func newTestResponse() StocksyncTestResponse {
	testResponseOnce.Do(func() {
		testResponseClass = objc.NewClass[StocksyncTestResponse](
			objc.Sel("actionIdentifier"), objc.Sel("notification"), objc.Sel("request"), objc.Sel("identifier"))
		objc.RegisterClass(testResponseClass)
	})
	return testResponseClass.New()
}

// guard bounds a wait for something that must happen, so a broken bridge
// fails the test instead of hanging it. It is not a speed requirement.
const guard = 30 * time.Second

func TestDelegateForwardsClick(t *testing.T) {
	type click struct{ id, action string }
	clicks := make(chan click, 1)
	(&Notifier{}).OnAction(func(id, action string) { clicks <- click{id, action} })
	defer setActionHandler(nil)

	completed := make(chan struct{}, 1)
	objc.WithAutoreleasePool(func() {
		objc.Call[objc.Void](notificationDelegate(),
			objc.Sel("userNotificationCenter:didReceiveNotificationResponse:withCompletionHandler:"),
			objc.Object{}, newTestResponse(), func() { completed <- struct{}{} })
	})
	select {
	case <-completed:
	default:
		t.Error("the completion handler was not called before the delegate returned")
	}
	select {
	case got := <-clicks:
		if want := (click{testNoteID, testAction}); got != want {
			t.Errorf("click = %+v, want %+v", got, want)
		}
	case <-time.After(guard):
		t.Fatal("the click never reached the action handler")
	}
}

func TestDelegatePresentsInForeground(t *testing.T) {
	got := make(chan uint, 1)
	objc.WithAutoreleasePool(func() {
		objc.Call[objc.Void](notificationDelegate(),
			objc.Sel("userNotificationCenter:willPresentNotification:withCompletionHandler:"),
			objc.Object{}, objc.Object{}, func(opts uint) { got <- opts })
	})
	select {
	case opts := <-got:
		if want := presentBanner | presentList; opts != want {
			t.Errorf("presentation options = %#x, want %#x", opts, want)
		}
	default:
		t.Error("the completion handler was not called before the delegate returned")
	}
}
