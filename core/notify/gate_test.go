package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// fakeCenter answers as UNUserNotificationCenter would, with the status
// the test sets, and records what was posted.
type fakeCenter struct {
	mu        sync.Mutex
	status    CenterStatus
	statusErr error
	postErr   error
	posted    []string
}

func (c *fakeCenter) Status(context.Context) (CenterStatus, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status, c.statusErr
}

func (c *fakeCenter) Post(_ context.Context, n Notification) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.postErr != nil {
		return c.postErr
	}
	c.posted = append(c.posted, n.ID)
	return nil
}

func (c *fakeCenter) set(s CenterStatus) {
	c.mu.Lock()
	c.status = s
	c.mu.Unlock()
}

func ids(ns []Notification) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

func same(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func TestRouteFor(t *testing.T) {
	for s, want := range map[CenterStatus]Route{
		CenterAuthorized:    RouteCenter,
		CenterNotDetermined: RouteHold,
		CenterDenied:        RouteDrop,
		CenterUnavailable:   RouteFallback,
	} {
		if got := RouteFor(s); got != want {
			t.Errorf("RouteFor(%s) = %d, want %d", s, got, want)
		}
	}
	for n, want := range map[int]CenterStatus{0: CenterNotDetermined, 1: CenterDenied, 2: CenterAuthorized, 3: CenterAuthorized, 4: CenterAuthorized, 9: CenterNotDetermined} {
		if got := FromUNAuthorizationStatus(n); got != want {
			t.Errorf("FromUNAuthorizationStatus(%d) = %s, want %s", n, got, want)
		}
	}
}

// While the permission prompt is up nothing goes to osascript; once the
// user allows, the held notifications are posted to the center.
func TestGateHoldsWhileUndetermined(t *testing.T) {
	ctx := context.Background()
	c := &fakeCenter{status: CenterNotDetermined}
	osa := &Recorder{}
	g := NewGate(c, osa)
	for _, id := range []string{"a", "b", "a"} {
		if err := g.Notify(ctx, Notification{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if len(osa.Notifications()) != 0 || len(c.posted) != 0 {
		t.Fatalf("while undetermined: osascript %v, center %v", ids(osa.Notifications()), c.posted)
	}
	if got := ids(g.Held()); !same(got, []string{"b", "a"}) {
		t.Errorf("held = %v, want [b a] (a newer a replaces the older)", got)
	}
	c.set(CenterAuthorized)
	if err := g.Resolved(ctx, true, nil); err != nil {
		t.Fatal(err)
	}
	if !same(c.posted, []string{"b", "a"}) || len(g.Held()) != 0 {
		t.Errorf("after allowing: center %v, held %v", c.posted, ids(g.Held()))
	}
	g.Notify(ctx, Notification{ID: "c"})
	if !same(c.posted, []string{"b", "a", "c"}) || len(osa.Notifications()) != 0 {
		t.Errorf("authorized: center %v, osascript %v", c.posted, ids(osa.Notifications()))
	}
}

// An ad-hoc build: the authorization request fails with an error. Held and
// later notifications go to osascript.
func TestGateFallsBackWhenTheCenterRefuses(t *testing.T) {
	ctx := context.Background()
	c := &fakeCenter{status: CenterNotDetermined}
	osa := &Recorder{}
	g := NewGate(c, osa)
	g.Notify(ctx, Notification{ID: "a"})
	if err := g.Resolved(ctx, false, errors.New("Notifications are not allowed for this application")); err != nil {
		t.Fatal(err)
	}
	g.Notify(ctx, Notification{ID: "b"}) // the center still says not determined
	if got := ids(osa.Notifications()); !same(got, []string{"a", "b"}) || len(c.posted) != 0 {
		t.Errorf("refused center: osascript %v, center %v", got, c.posted)
	}
}

func TestGateDeclinedShowsNothing(t *testing.T) {
	ctx := context.Background()
	c := &fakeCenter{status: CenterNotDetermined}
	osa := &Recorder{}
	g := NewGate(c, osa)
	g.Notify(ctx, Notification{ID: "a"})
	c.set(CenterDenied)
	if err := g.Resolved(ctx, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := g.Notify(ctx, Notification{ID: "b"}); !errors.Is(err, ErrDeclined) {
		t.Errorf("declined: Notify = %v, want ErrDeclined", err)
	}
	if len(osa.Notifications()) != 0 || len(c.posted) != 0 || len(g.Held()) != 0 {
		t.Errorf("declined: osascript %v, center %v, held %v", ids(osa.Notifications()), c.posted, ids(g.Held()))
	}
	// Switched on later in System Settings: shown without a restart.
	c.set(CenterAuthorized)
	if err := g.Notify(ctx, Notification{ID: "c"}); err != nil || !same(c.posted, []string{"c"}) {
		t.Errorf("re-enabled: %v, center %v", err, c.posted)
	}
}

func TestGateWithoutCenter(t *testing.T) {
	ctx := context.Background()
	osa := &Recorder{}
	if err := NewGate(nil, osa).Notify(ctx, Notification{ID: "a"}); err != nil || !same(ids(osa.Notifications()), []string{"a"}) {
		t.Errorf("no center: %v, osascript %v", err, ids(osa.Notifications()))
	}
	// A center that cannot be asked, or fails to post, counts as refusing.
	c := &fakeCenter{statusErr: errors.New("no settings")}
	NewGate(c, osa).Notify(ctx, Notification{ID: "b"})
	c2 := &fakeCenter{status: CenterAuthorized, postErr: errors.New("not allowed")}
	NewGate(c2, osa).Notify(ctx, Notification{ID: "c"})
	if got := ids(osa.Notifications()); !same(got, []string{"a", "b", "c"}) {
		t.Errorf("osascript = %v", got)
	}
	if err := NewGate(nil, nil).Notify(ctx, Notification{}); !errors.Is(err, ErrNotAvailable) {
		t.Errorf("nothing at all: %v", err)
	}
}

func TestGateHoldsAtMostMaxHeld(t *testing.T) {
	g := NewGate(&fakeCenter{status: CenterNotDetermined}, nil)
	for i := range maxHeld + 3 {
		g.Notify(context.Background(), Notification{ID: fmt.Sprint(i)})
	}
	h := ids(g.Held())
	if len(h) != maxHeld || h[0] != "3" {
		t.Errorf("held = %v", h)
	}
}
