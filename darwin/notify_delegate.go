//go:build darwin

package darwin

import (
	"sync"

	"github.com/progrium/darwinkit/objc"
)

// maxEarlyClicks bounds the clicks kept before a handler is set.
const maxEarlyClicks = 16

// actions receives notification clicks: the handler set by
// Notifier.OnAction, and the clicks that came before it (the delegate is
// set in main, before the controller exists).
var actions struct {
	mu      sync.Mutex
	handler func(notificationID, actionID string)
	early   [][2]string
}

// setActionHandler sets the handler (nil removes it) and hands it the
// clicks kept so far, each on a goroutine of its own.
func setActionHandler(fn func(notificationID, actionID string)) {
	actions.mu.Lock()
	actions.handler = fn
	early := actions.early
	if fn != nil {
		actions.early = nil
	}
	actions.mu.Unlock()
	if fn == nil {
		return
	}
	for _, c := range early {
		go fn(c[0], c[1])
	}
}

// deliverClick hands a click to the handler, or keeps it until there is one.
func deliverClick(notificationID, actionID string) {
	actions.mu.Lock()
	h := actions.handler
	if h == nil {
		if len(actions.early) < maxEarlyClicks {
			actions.early = append(actions.early, [2]string{notificationID, actionID})
		}
		actions.mu.Unlock()
		return
	}
	actions.mu.Unlock()
	go h(notificationID, actionID)
}

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
	action, ok := clickedAction(objc.Call[string](response, objc.Sel("actionIdentifier")))
	if !ok {
		return
	}
	note := objc.Call[objc.Object](response, objc.Sel("notification"))
	req := objc.Call[objc.Object](note, objc.Sel("request"))
	deliverClick(objc.Call[string](req, objc.Sel("identifier")), action)
}

// clickedAction turns a response's action identifier into what
// Controller.NotificationAction takes: a button's ID, or "" for a click on
// the notification itself. A dismissal (only reported for categories that
// ask for it) is not a click: ok is false.
func clickedAction(actionIdentifier string) (action string, ok bool) {
	switch actionIdentifier {
	case dismissActionID:
		return "", false
	case defaultActionID:
		return "", true
	}
	return actionIdentifier, true
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

// notificationDelegate returns the one instance of the delegate class,
// making the class on first use. Inside an autorelease pool.
func notificationDelegate() objc.Object {
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
	return delegate
}

// setNotificationDelegate installs the delegate on center. Inside an
// autorelease pool.
func setNotificationDelegate(center objc.Object) {
	objc.Call[objc.Void](center, objc.Sel("setDelegate:"), notificationDelegate())
}
