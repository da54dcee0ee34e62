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

// Notifier shows notifications through UNUserNotificationCenter when the
// process is a bundled app (the center throws otherwise, which would crash
// the app) and the system lets it notify; when the system does not — an
// unbundled binary, an ad-hoc build ("Notifications are not allowed for this
// application") — it falls back to osascript's notifications, which carry the
// Script Editor icon and no buttons. When the user said no, that answer
// stands: nothing is shown, and the error says where to switch them on.
// Clicks on a notification or its buttons go to the handler set with
// OnAction. Safe for concurrent use.
type Notifier struct {
	un  *unNotifier // nil outside a bundle
	osa notify.Notifier
}

var _ notify.Notifier = (*Notifier)(nil)

// NewNotifier returns the app's notifier. Call it once.
func NewNotifier() *Notifier {
	return &Notifier{un: newUNNotifier(), osa: notify.NewOsascript(notify.SystemRunner())}
}

// errDeclined: the user turned Stocksync's notifications off. Not a reason
// to show them another way.
var errDeclined = errors.New("notifications for Stocksync are off in System Settings → Notifications")

// Notify shows n.
func (n *Notifier) Notify(ctx context.Context, note notify.Notification) error {
	if n.un != nil {
		err := n.un.Notify(ctx, note)
		if err == nil || errors.Is(err, errDeclined) || ctx.Err() != nil {
			return err
		}
	}
	return n.osa.Notify(ctx, note)
}

// OnAction sets what a click on a notification does: fn gets the
// notification's ID and the button's action ID ("" for the notification
// itself), on a goroutine of its own — pass Controller.NotificationAction.
func (n *Notifier) OnAction(fn func(notificationID, actionID string)) {
	actionHandler.Store(&fn)
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

// unNotifier is the UNUserNotificationCenter path.
type unNotifier struct {
	mu         sync.Mutex
	authorized bool
	categories map[string]objc.Object // by identifier; retained
}

// newUNNotifier returns nil when UNUserNotificationCenter cannot be used in
// this process.
func newUNNotifier() *unNotifier {
	usable := false
	objc.WithAutoreleasePool(func() {
		usable = foundation.Bundle_MainBundle().BundleIdentifier() != "" &&
			objc.GetClass("UNUserNotificationCenter").Ptr() != nil
	})
	if !usable {
		return nil
	}
	u := &unNotifier{categories: map[string]objc.Object{}}
	objc.WithAutoreleasePool(func() {
		setNotificationDelegate(unCenter())
		for _, a := range knownActions {
			u.categoryLocked(a)
		}
		u.publishCategoriesLocked()
	})
	return u
}

func unCenter() objc.Object {
	return objc.Call[objc.Object](objc.GetClass("UNUserNotificationCenter"), objc.Sel("currentNotificationCenter"))
}

// Notify asks for permission (the system asks the user only once) and
// shows note.
func (u *unNotifier) Notify(ctx context.Context, note notify.Notification) error {
	if err := u.authorize(ctx); err != nil {
		return err
	}
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
		objc.Call[objc.Void](unCenter(), objc.Sel("addNotificationRequest:withCompletionHandler:"), req,
			func(err objc.Object) { done <- errorText(err) })
	})
	return wait(ctx, done, "show notification")
}

// authorize requests permission to show alerts. Only a yes is remembered:
// after a no the request is repeated, so switching notifications on in
// System Settings takes effect without a restart (the user is asked once).
func (u *unNotifier) authorize(ctx context.Context) error {
	u.mu.Lock()
	ok := u.authorized
	u.mu.Unlock()
	if ok {
		return nil
	}
	done := make(chan string, 1)
	objc.WithAutoreleasePool(func() {
		objc.Call[objc.Void](unCenter(), objc.Sel("requestAuthorizationWithOptions:completionHandler:"), authAlert|authSound,
			func(granted bool, err objc.Object) {
				switch {
				case granted:
					done <- ""
				case err.Ptr() != nil:
					done <- errorText(err)
				default:
					done <- errDeclined.Error()
				}
			})
	})
	if err := wait(ctx, done, "ask to show notifications"); err != nil {
		if strings.Contains(err.Error(), errDeclined.Error()) {
			return errDeclined
		}
		return err
	}
	u.mu.Lock()
	u.authorized = true
	u.mu.Unlock()
	return nil
}

// categoryLocked returns the identifier of the category with these buttons,
// making it if needed (added). u.mu held, inside an autorelease pool.
func (u *unNotifier) categoryLocked(actions []notify.Action) (id string, added bool) {
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
		objc.Sel("categoryWithIdentifier:actions:intentIdentifiers:options:"), id, buttons, []string{}, uint(0))
	cat.Retain()
	u.categories[id] = cat
	return id, true
}

// publishCategoriesLocked hands every category to the center, which
// replaces its whole set each time. u.mu held, inside an autorelease pool.
func (u *unNotifier) publishCategoriesLocked() {
	cats := make([]objc.Object, 0, len(u.categories))
	for _, c := range u.categories {
		cats = append(cats, c)
	}
	set := objc.Call[objc.Object](objc.GetClass("NSSet"), objc.Sel("setWithArray:"), cats)
	objc.Call[objc.Void](unCenter(), objc.Sel("setNotificationCategories:"), set)
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
