package app

import (
	"context"
	"errors"
)

// ErrClosed is returned by WaitState when the controller closed before the
// condition held.
var ErrClosed = errors.New("app: the controller closed")

// WaitState waits, through Watch, for a published state that satisfies
// cond and returns it. It fails with ctx's error when ctx ends first, and
// with ErrClosed when the controller closes. cond runs on the caller's
// goroutine and must not call the controller.
func (c *Controller) WaitState(ctx context.Context, cond func(State) bool) (State, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var got State
	found := false
	c.Watch(wctx, func(s State) {
		if !found && cond(s) {
			got, found = s, true
			cancel()
		}
	})
	switch {
	case found:
		return got, nil
	case ctx.Err() != nil:
		return State{}, ctx.Err()
	}
	return State{}, ErrClosed
}
