//go:build darwin

package darwin

import (
	"sync"
	"sync/atomic"

	"github.com/progrium/darwinkit/objc"
)

// actionHandler receives notification clicks (Notifier.OnAction).
var actionHandler atomic.Pointer[func(notificationID, actionID string)]

// StocksyncNotificationDelegate is an Objective-C class, made at run time
// from this Go type (the type's name is the class's name), that implements
// the two UNUserNotificationCenterDelegate methods Stocksync needs. The
// center checks its delegate with respondsToSelector:, so the class need
// not declare the protocol.
type StocksyncNotificationDelegate struct {
	objc.Object
}

// UserNotificationCenterDidReceiveNotificationResponseWithCompletionHandler
// is userNotificationCenter:didReceiveNotificationResponse:withCompletionHandler:,
// called when the user clicks a notification or one of its buttons.
func (StocksyncNotificationDelegate) UserNotificationCenterDidReceiveNotificationResponseWithCompletionHandler(_ objc.Object, response objc.Object, done objc.Block) {
	defer objc.CallBlock[objc.Void](done)
	action := objc.Call[string](response, objc.Sel("actionIdentifier"))
	note := objc.Call[objc.Object](response, objc.Sel("notification"))
	req := objc.Call[objc.Object](note, objc.Sel("request"))
	id := objc.Call[string](req, objc.Sel("identifier"))
	switch action {
	case dismissActionID:
		return
	case defaultActionID:
		action = "" // the notification itself was clicked
	}
	if h := actionHandler.Load(); h != nil {
		go (*h)(id, action)
	}
}

// UserNotificationCenterWillPresentNotificationWithCompletionHandler is
// userNotificationCenter:willPresentNotification:withCompletionHandler:.
// Without it, notifications are not shown while Stocksync is the active app
// (one of its windows is in front).
func (StocksyncNotificationDelegate) UserNotificationCenterWillPresentNotificationWithCompletionHandler(_ objc.Object, _ objc.Object, done objc.Block) {
	objc.CallBlock[objc.Void](done, presentBanner|presentList)
}

var (
	delegateOnce sync.Once
	delegate     objc.Object // retained: the center holds its delegate weakly
)

// setNotificationDelegate makes the delegate class (once) and installs an
// instance on center. Inside an autorelease pool.
func setNotificationDelegate(center objc.Object) {
	delegateOnce.Do(func() {
		cls := objc.NewClass[StocksyncNotificationDelegate](
			objc.Sel("userNotificationCenter:didReceiveNotificationResponse:withCompletionHandler:"),
			objc.Sel("userNotificationCenter:willPresentNotification:withCompletionHandler:"),
		)
		objc.RegisterClass(cls)
		d := cls.New()
		d.Retain()
		delegate = d.Object
	})
	objc.Call[objc.Void](center, objc.Sel("setDelegate:"), delegate)
}
