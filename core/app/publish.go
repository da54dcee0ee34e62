package app

import (
	"context"
	"reflect"
)

// watcher is one Watch call. pending holds only the newest state not yet
// delivered, so a slow frontend skips states instead of blocking the
// controller.
type watcher struct {
	pending *State
	signal  chan struct{} // capacity 1
}

// effectSub is one Effects call. Effects are never merged or dropped while
// someone listens: each is something the user asked for.
type effectSub struct {
	queue  []Effect
	signal chan struct{} // capacity 1
}

// Watch calls fn with the current state, then again after each real
// change, until ctx ends or the controller closes; it returns then. fn runs on
// the caller's goroutine; while it runs, newer states replace each other,
// so the next call gets the latest one. Progress-only changes come at most
// about four times a second.
func (c *Controller) Watch(ctx context.Context, fn func(State)) {
	w := &watcher{signal: make(chan struct{}, 1)}
	c.mu.Lock()
	st := c.renderLocked()
	if c.hasPub {
		st = c.published
	}
	w.pending = &st
	w.signal <- struct{}{}
	c.watchers[w] = struct{}{}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.watchers, w)
		c.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.done:
			return
		case <-w.signal:
		}
		c.mu.Lock()
		p := w.pending
		w.pending = nil
		c.mu.Unlock()
		if p != nil {
			fn(*p)
		}
	}
}

// Effects calls fn with each effect emitted from now on, in order, until ctx
// ends or the controller closes. Effects emitted while nobody listens are
// dropped, like a click nobody receives.
func (c *Controller) Effects(ctx context.Context, fn func(Effect)) {
	c.runEffects(ctx, c.subscribeEffects(), fn)
}

// ListenEffects is Effects for a frontend that must not miss the first
// effect: it subscribes before it returns, then calls fn on a goroutine of
// its own with each effect emitted from then on, in order, until ctx ends
// or the controller closes. An intent called after ListenEffects returns
// (a notification click that launched the app, a menu click) has its
// effect delivered.
func (c *Controller) ListenEffects(ctx context.Context, fn func(Effect)) {
	s := c.subscribeEffects()
	go c.runEffects(ctx, s, fn)
}

// subscribeEffects starts queueing effects for a listener; runEffects
// delivers them. Effects is both: tests subscribe first, so no effect
// emitted before their listener goroutine runs is lost.
func (c *Controller) subscribeEffects() *effectSub {
	s := &effectSub{signal: make(chan struct{}, 1)}
	c.mu.Lock()
	c.effectSubs[s] = struct{}{}
	c.mu.Unlock()
	return s
}

func (c *Controller) runEffects(ctx context.Context, s *effectSub, fn func(Effect)) {
	defer func() {
		c.mu.Lock()
		delete(c.effectSubs, s)
		c.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.done:
			return
		case <-s.signal:
		}
		c.mu.Lock()
		q := s.queue
		s.queue = nil
		c.mu.Unlock()
		for _, e := range q {
			fn(e)
		}
	}
}

// emitLocked queues e for every Effects listener.
func (c *Controller) emitLocked(e Effect) {
	for s := range c.effectSubs {
		s.queue = append(s.queue, e)
		select {
		case s.signal <- struct{}{}:
		default:
		}
	}
}

// publishLocked renders the state and hands it to every watcher if it differs
// from the last one published.
func (c *Controller) publishLocked() {
	st := c.renderLocked()
	if c.hasPub && reflect.DeepEqual(st, c.published) {
		return
	}
	c.published, c.hasPub = st, true
	if c.onPublish != nil {
		c.onPublish(st)
	}
	for w := range c.watchers {
		cp := st
		w.pending = &cp
		select {
		case w.signal <- struct{}{}:
		default:
		}
	}
}
