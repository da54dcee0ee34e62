package notify

import (
	"context"
	"errors"
	"sync"
)

// CenterStatus is what the system's notification center
// (UNUserNotificationCenter) says about the app at one moment.
type CenterStatus int

const (
	// CenterUnavailable: there is no usable center in this process (not a
	// bundled app, where the center throws), or the system refused the app
	// ("Notifications are not allowed for this application": ad-hoc and
	// unsigned builds).
	CenterUnavailable CenterStatus = iota
	// CenterNotDetermined: the user has not answered the permission prompt
	// yet; it may be on screen right now.
	CenterNotDetermined
	// CenterDenied: the user switched Stocksync's notifications off.
	CenterDenied
	// CenterAuthorized: notifications may be shown (also provisional and
	// ephemeral authorization).
	CenterAuthorized
)

func (s CenterStatus) String() string {
	switch s {
	case CenterNotDetermined:
		return "not determined"
	case CenterDenied:
		return "denied"
	case CenterAuthorized:
		return "authorized"
	}
	return "unavailable"
}

// FromUNAuthorizationStatus maps UNNotificationSettings.authorizationStatus
// (Apple's UNAuthorizationStatus: 0 notDetermined, 1 denied, 2 authorized,
// 3 provisional, 4 ephemeral). An unknown value counts as not determined:
// nothing is shown another way until the system says more.
func FromUNAuthorizationStatus(n int) CenterStatus {
	switch n {
	case 1:
		return CenterDenied
	case 2, 3, 4:
		return CenterAuthorized
	}
	return CenterNotDetermined
}

// Route is how one notification is shown.
type Route int

const (
	// RouteCenter: post it to the system center.
	RouteCenter Route = iota + 1
	// RouteFallback: show it through the fallback (osascript), because the
	// center cannot be used at all.
	RouteFallback
	// RouteHold: keep it until the user answers the permission prompt.
	RouteHold
	// RouteDrop: show nothing; the user said no, and that answer stands.
	RouteDrop
)

func (r Route) String() string {
	switch r {
	case RouteCenter:
		return "notification center"
	case RouteFallback:
		return "osascript"
	case RouteHold:
		return "held until the permission prompt is answered"
	case RouteDrop:
		return "not shown (declined)"
	}
	return "unknown route"
}

// RouteFor is the one rule for showing a notification: through the center
// when it is allowed, held while the permission prompt is unanswered (never
// the fallback: a second, differently styled notification would race the
// prompt), dropped when the user declined, and through the fallback only
// when the center is unavailable or refused the app.
func RouteFor(s CenterStatus) Route {
	switch s {
	case CenterAuthorized:
		return RouteCenter
	case CenterNotDetermined:
		return RouteHold
	case CenterDenied:
		return RouteDrop
	}
	return RouteFallback
}

// ErrDeclined is returned for a notification not shown because the user
// switched Stocksync's notifications off.
var ErrDeclined = errors.New("notifications for Stocksync are off in System Settings → Notifications")

// Center is the system notification center as the platform code exposes
// it: the calls, no decisions.
type Center interface {
	// Status asks the center for the app's authorization now
	// (getNotificationSettingsWithCompletionHandler:).
	Status(ctx context.Context) (CenterStatus, error)
	// Post shows n (addNotificationRequest:withCompletionHandler:).
	Post(ctx context.Context, n Notification) error
}

// maxHeld bounds the notifications kept while the prompt is unanswered.
const maxHeld = 8

// Gate is the app's Notifier: it routes each notification by what the
// center says at that moment (RouteFor). Ask for permission once at launch
// without waiting, and pass the answer to Resolved: notifications held
// meanwhile are then shown, through the center when allowed, through the
// fallback when the center refused the app, or dropped when the user said
// no. Safe for concurrent use.
type Gate struct {
	center   Center
	fallback Notifier

	mu      sync.Mutex
	refused bool // the authorization request failed: the center refuses the app
	held    []Notification
}

var _ Notifier = (*Gate)(nil)

// NewGate returns a Gate over center (nil where the process has none) and
// fallback (osascript; nil for none).
func NewGate(center Center, fallback Notifier) *Gate {
	return &Gate{center: center, fallback: fallback}
}

// status is the center's effective status: unavailable once it refused
// the app, or when it cannot be asked.
func (g *Gate) status(ctx context.Context) CenterStatus {
	g.mu.Lock()
	refused := g.refused
	g.mu.Unlock()
	if g.center == nil || refused {
		return CenterUnavailable
	}
	st, err := g.center.Status(ctx)
	if err != nil {
		return CenterUnavailable
	}
	return st
}

// Notify shows n as RouteFor decides. A held notification returns nil: it
// is shown once the user answers. A center that fails to post is treated
// as refusing the app: n goes to the fallback.
func (g *Gate) Notify(ctx context.Context, n Notification) error {
	switch RouteFor(g.status(ctx)) {
	case RouteCenter:
		err := g.center.Post(ctx, n)
		if err == nil || ctx.Err() != nil {
			return err
		}
		return g.viaFallback(ctx, n, err)
	case RouteHold:
		g.hold(n)
		return nil
	case RouteDrop:
		return ErrDeclined
	}
	return g.viaFallback(ctx, n, nil)
}

func (g *Gate) viaFallback(ctx context.Context, n Notification, centerErr error) error {
	if g.fallback == nil {
		if centerErr != nil {
			return centerErr
		}
		return ErrNotAvailable
	}
	err := g.fallback.Notify(ctx, n)
	if err != nil && centerErr != nil {
		return errors.Join(centerErr, err)
	}
	return err
}

// hold keeps n; a newer one with the same ID replaces it, and past maxHeld
// the oldest goes.
func (g *Gate) hold(n Notification) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n.ID != "" {
		for i, h := range g.held {
			if h.ID == n.ID {
				g.held = append(g.held[:i], g.held[i+1:]...)
				break
			}
		}
	}
	g.held = append(g.held, n)
	if len(g.held) > maxHeld {
		g.held = g.held[len(g.held)-maxHeld:]
	}
}

// Held returns the notifications waiting for the user's answer, oldest first.
func (g *Gate) Held() []Notification {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Notification(nil), g.held...)
}

// Resolved takes the answer to the one authorization request
// (requestAuthorizationWithOptions:completionHandler:): granted, or not with
// err set when the center refused the app (from then on the fallback is
// used), or not without an error when the user declined. The held
// notifications are then shown by the same rule, in order; it returns the
// first error.
func (g *Gate) Resolved(ctx context.Context, granted bool, err error) error {
	g.mu.Lock()
	if !granted && err != nil {
		g.refused = true
	}
	held := g.held
	g.held = nil
	g.mu.Unlock()
	var first error
	for _, n := range held {
		var nerr error
		switch {
		case granted && g.center != nil:
			if nerr = g.center.Post(ctx, n); nerr != nil && ctx.Err() == nil {
				nerr = g.viaFallback(ctx, n, nerr)
			}
		case err != nil:
			nerr = g.viaFallback(ctx, n, nil)
		}
		if first == nil && nerr != nil {
			first = nerr
		}
	}
	return first
}
