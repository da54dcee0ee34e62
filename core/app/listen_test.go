package app

import (
	"context"
	"testing"

	"github.com/stocksync/stocksync/core/notify"
)

// A notification click handed over right after ListenEffects returns (the
// click that launched the app) opens its window: the effect is not dropped
// for want of a listener (review F4).
func TestListenEffectsDeliversTheFirstEffect(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan Effect, 4)
	h.c.ListenEffects(ctx, func(e Effect) { got <- e })
	h.c.mu.Lock()
	subs := len(h.c.effectSubs)
	h.c.mu.Unlock()
	if subs != 2 { // the harness's own and this one
		t.Fatalf("%d effect listeners right after ListenEffects returned, want 2", subs)
	}
	h.c.NotificationAction(noteIDReminder, notify.OpenBackups.ID)
	e := <-got // a hang here is the bug: the test's deadline reports it
	if e.Kind != EffectOpenPanel || e.Panel != PanelBackups {
		t.Fatalf("first effect = %v, want the Backups window opened", e)
	}
}

// A listener whose ctx ended receives nothing more.
func TestListenEffectsStopsWithContext(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan Effect, 4)
	h.c.ListenEffects(ctx, func(e Effect) { got <- e })
	cancel()
	h.waitFor("the listener to unsubscribe", func() bool {
		h.c.mu.Lock()
		defer h.c.mu.Unlock()
		return len(h.c.effectSubs) == 1 // the harness's own
	})
	h.c.OpenSettings()
	h.waitFor("the harness to see the effect", func() bool { return len(h.effectsSeen()) > 0 })
	select {
	case e := <-got:
		t.Fatalf("a cancelled listener received %v", e)
	default:
	}
}
