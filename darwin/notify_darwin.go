//go:build darwin

package darwin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/progrium/darwinkit/macos/foundation"
	"github.com/progrium/darwinkit/objc"

	"github.com/stocksync/stocksync/core/notify"
)

// Notifier is the app's notifications: notify.Gate over
// UNUserNotificationCenter, with osascript's notifications as the fallback
// (Script Editor icon, no buttons). The Gate decides which path each
// notification takes (notify.RouteFor): the center when allowed, held while
// the permission prompt is up, nothing when the user said no, osascript only
// when the center is unavailable (an unbundled binary: the center throws)
// or refused the app (ad-hoc builds: "Notifications are not allowed for
// this application"). Clicks go to the handler set with OnAction. Safe for
// concurrent use.
type Notifier struct {
	*notify.Gate
	center *unCenter // nil outside a bundle
}

var _ notify.Notifier = (*Notifier)(nil)

// NewNotifier sets notifications up. Call it once, from main on the main
// thread, before systray.Run: it sets the center's delegate before the app
// finishes launching (a click that launched the app reaches only a delegate
// set by then; it is kept until OnAction) and asks for permission once
// without waiting for the answer, which the Gate receives when the user
// gives it.
func NewNotifier() *Notifier {
	n := &Notifier{center: newUNCenter()}
	var center notify.Center
	if n.center != nil {
		center = n.center
	}
	n.Gate = notify.NewGate(center, notify.NewOsascript(notify.SystemRunner()))
	if n.center != nil {
		n.center.requestAuthorization(func(granted bool, err error) {
			go n.Gate.Resolved(context.Background(), granted, err)
		})
	}
	return n
}

// OnAction sets what a click on a notification does: fn gets the
// notification's ID and the button's action ID ("" for the notification
// itself), on a goroutine of its own — pass Controller.NotificationAction.
// Clicks that came before (the one that launched the app) are delivered
// now.
func (n *Notifier) OnAction(fn func(notificationID, actionID string)) { setActionHandler(fn) }

// Settings is the center's authorization now, for the self-test.
func (n *Notifier) Settings(ctx context.Context) (notify.CenterStatus, error) {
	if n.center == nil {
		return notify.CenterUnavailable, nil
	}
	return n.center.Status(ctx)
}

// UNAuthorizationOptions and UNNotificationActionOptions bits.
const (
	authSound           uint = 1 << 1
	authAlert           uint = 1 << 2
	actionForeground    uint = 1 << 2
	presentList         uint = 1 << 3
	presentBanner       uint = 1 << 4
	categoryPrefix           = "stocksync."
	defaultActionID          = "com.apple.UNNotificationDefaultActionIdentifier"
	dismissActionID          = "com.apple.UNNotificationDismissActionIdentifier"
	notificationWaitMax      = 30 * time.Second
)

// knownActions are the button sets the controller uses, registered up
// front: a category set just before a notification that uses it may not be
// in place yet when the notification shows.
var knownActions = [][]notify.Action{
	{notify.BackupNow, notify.OpenBackups},
	{notify.OpenBackups},
}

// unCenter is UNUserNotificationCenter as notify.Center: the calls, no
// decisions.
type unCenter struct {
	mu         sync.Mutex
	categories map[string]objc.Object // by identifier; retained
}

var _ notify.Center = (*unCenter)(nil)

// newUNCenter returns nil when UNUserNotificationCenter cannot be used in
// this process. It sets the center's delegate and registers the button
// sets. Main thread, before the app finishes launching.
func newUNCenter() *unCenter {
	usable := false
	objc.WithAutoreleasePool(func() {
		usable = foundation.Bundle_MainBundle().BundleIdentifier() != "" &&
			objc.GetClass("UNUserNotificationCenter").Ptr() != nil
	})
	if !usable {
		return nil
	}
	u := &unCenter{categories: map[string]objc.Object{}}
	objc.WithAutoreleasePool(func() {
		setNotificationDelegate(currentCenter())
		for _, a := range knownActions {
			u.categoryLocked(a)
		}
		u.publishCategoriesLocked()
	})
	return u
}

func currentCenter() objc.Object {
	return objc.Call[objc.Object](objc.GetClass("UNUserNotificationCenter"), objc.Sel("currentNotificationCenter"))
}

// Status reads UNNotificationSettings' authorizationStatus; the Gate asks
// for it per notification.
func (u *unCenter) Status(ctx context.Context) (notify.CenterStatus, error) {
	done := make(chan int, 1)
	objc.WithAutoreleasePool(func() {
		objc.Call[objc.Void](currentCenter(), objc.Sel("getNotificationSettingsWithCompletionHandler:"),
			func(settings objc.Object) {
				st := 0
				if settings.Ptr() != nil {
					st = objc.Call[int](settings, objc.Sel("authorizationStatus"))
				}
				done <- st
			})
	})
	t := time.NewTimer(notificationWaitMax)
	defer t.Stop()
	select {
	case st := <-done:
		return notify.FromUNAuthorizationStatus(st), nil
	case <-ctx.Done():
		return notify.CenterUnavailable, ctx.Err()
	case <-t.C:
		return notify.CenterUnavailable, errors.New("read notification settings: Notification Center did not answer")
	}
}

// requestAuthorization asks for permission to show alerts once. The
// completion handler runs only when the user answers the prompt (or at
// once when they answered before, or the system refuses the app): answer
// is called then, never waited for.
func (u *unCenter) requestAuthorization(answer func(granted bool, err error)) {
	objc.WithAutoreleasePool(func() {
		objc.Call[objc.Void](currentCenter(), objc.Sel("requestAuthorizationWithOptions:completionHandler:"), authAlert|authSound,
			func(granted bool, err objc.Object) {
				var e error
				if msg := errorText(err); msg != "" {
					e = errors.New(msg)
				}
				answer(granted, e)
			})
	})
}

// Post shows note.
func (u *unCenter) Post(ctx context.Context, note notify.Notification) error {
	id := note.ID
	if id == "" {
		id = "stocksync-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	done := make(chan string, 1)
	objc.WithAutoreleasePool(func() {
		content := objc.Call[objc.Object](objc.GetClass("UNMutableNotificationContent"), objc.Sel("new"))
		content.Autorelease()
		objc.Call[objc.Void](content, objc.Sel("setTitle:"), note.Title)
		objc.Call[objc.Void](content, objc.Sel("setSubtitle:"), note.Subtitle)
		objc.Call[objc.Void](content, objc.Sel("setBody:"), note.Body)
		if len(note.Actions) > 0 {
			u.mu.Lock()
			cat, added := u.categoryLocked(note.Actions)
			if added {
				u.publishCategoriesLocked()
			}
			u.mu.Unlock()
			objc.Call[objc.Void](content, objc.Sel("setCategoryIdentifier:"), cat)
		}
		req := objc.Call[objc.Object](objc.GetClass("UNNotificationRequest"),
			objc.Sel("requestWithIdentifier:content:trigger:"), id, content, nil)
		objc.Call[objc.Void](currentCenter(), objc.Sel("addNotificationRequest:withCompletionHandler:"), req,
			func(err objc.Object) { done <- errorText(err) })
	})
	return wait(ctx, done, "show notification")
}

// categoryLocked returns the identifier of the category with these buttons,
// making it if needed (added). u.mu held, inside an autorelease pool.
func (u *unCenter) categoryLocked(actions []notify.Action) (id string, added bool) {
	ids := make([]string, len(actions))
	for i, a := range actions {
		ids[i] = a.ID
	}
	id = categoryPrefix + strings.Join(ids, "+")
	if _, ok := u.categories[id]; ok {
		return id, false
	}
	buttons := make([]objc.Object, len(actions))
	for i, a := range actions {
		var opts uint
		if a.ID == notify.OpenBackups.ID {
			opts = actionForeground // it opens a window
		}
		buttons[i] = objc.Call[objc.Object](objc.GetClass("UNNotificationAction"),
			objc.Sel("actionWithIdentifier:title:options:"), a.ID, a.Title, opts)
	}
	cat := objc.Call[objc.Object](objc.GetClass("UNNotificationCategory"),
		objc.Sel("categoryWithIdentifier:actions:intentIdentifiers:options:"), id, buttons, emptyArray(), uint(0))
	cat.Retain()
	u.categories[id] = cat
	return id, true
}

// publishCategoriesLocked hands every category to the center, which
// replaces its whole set each time. u.mu held, inside an autorelease pool.
func (u *unCenter) publishCategoriesLocked() {
	cats := make([]objc.Object, 0, len(u.categories))
	for _, c := range u.categories {
		cats = append(cats, c)
	}
	set := objc.Call[objc.Object](objc.GetClass("NSSet"), objc.Sel("setWithArray:"), cats)
	objc.Call[objc.Void](currentCenter(), objc.Sel("setNotificationCategories:"), set)
}

// wait waits for a completion handler's outcome: "" or an error text.
func wait(ctx context.Context, done <-chan string, what string) error {
	t := time.NewTimer(notificationWaitMax)
	defer t.Stop()
	select {
	case msg := <-done:
		if msg != "" {
			return fmt.Errorf("%s: %s", what, msg)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("%s: Notification Center did not answer", what)
	}
}

// errorText is an NSError's description; "" for nil.
func errorText(err objc.Object) string {
	if err.Ptr() == nil {
		return ""
	}
	if s := foundation.ErrorFrom(err.Ptr()).LocalizedDescription(); s != "" {
		return s
	}
	return "unknown error"
}

// emptyArray is an empty NSArray made by Foundation itself, so no empty
// array crosses darwinkit's conversions in either direction.
func emptyArray() objc.Object {
	return objc.Call[objc.Object](objc.GetClass("NSArray"), objc.Sel("array"))
}
