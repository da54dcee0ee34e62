package syncer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stocksync/stocksync/core/esp"
)

// DefaultStallTimeout is how long a run waits without any progress from ESP
// before it stops with ErrNoProgress (issue #12: give-up time ≤ 60 s). It is
// 40 s, not 45: while every connection is held by a silent request, a queued
// request gets a connection only when the client's 15-second stall detector
// (esp.DefaultStallTimeout) frees one, and its answer is real progress, so
// the stop can come up to 15 s + 40 s (+ one check) after ESP went silent;
// with 45 s the reliability suite measured 60.3–60.5 s.
const DefaultStallTimeout = 40 * time.Second

// ErrNoProgress means ESP stopped answering: for Engine.StallTimeout no
// response and no body byte came back from ESP and nothing was written. Test with errors.Is; the error
// is a *StalledError.
var ErrNoProgress = errors.New("ESP stopped answering")

// StalledError is a run stopped by its no-progress budget.
type StalledError struct {
	For   time.Duration // how long nothing moved
	Phase Phase         // what the run was doing
}

func (e *StalledError) Error() string {
	return fmt.Sprintf("%s: nothing came back for %s while %s", ErrNoProgress.Error(), e.For.Round(time.Second), phaseWords(e.Phase))
}

func (e *StalledError) Unwrap() error { return ErrNoProgress }

func phaseWords(p Phase) string {
	switch p {
	case PhasePushing:
		return "sending local changes"
	case PhaseListing:
		return "listing batches"
	case PhaseFiles:
		return "fetching files"
	}
	return "syncing"
}

// minProgressBytes is how much of the bodies still arriving counts as
// progress without a response ending: a large body on a slow link moves a
// run along, a byte a second on every connection (a stuck server keeping
// connections open) does not.
const minProgressBytes = 1024

// throttler is the optional part of ESP reporting its adaptive state (*esp.Client).
type throttler interface {
	Throttle() (throttled bool, requestsPerSecond float64)
}

// watchdog stops a run that makes no progress for limit, and reports the
// client's throttling in progress. Progress is only what came back from
// ESP (a response read to its end, of any status, or at least
// minProgressBytes of body: esp.Stats Responses and BodyBytes), any request
// at all while ESP throttles, and anything the run writes. Calls started or given up are not progress: when ESP is silent,
// the client's stall detector ends an attempt every 15 s and the run starts
// the next call, which must not reset the timer (RELIABILITY.md finding 17).
type watchdog struct {
	r     *run
	limit time.Duration
	bumps atomic.Int64
	// waitingUntil (UnixNano) is the end of a pause the run itself takes
	// (ESP's Retry-After): that silence is not ESP stopping answering.
	waitingUntil atomic.Int64

	mu            sync.Mutex
	throttledSeen bool
	lastThrottle  time.Time
	lastRate      float64
}

// bump records progress made by the run itself (a batch written, an edit sent).
func (w *watchdog) bump() { w.bumps.Add(1) }

func (w *watchdog) start(ctx context.Context, cancel context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := 250 * time.Millisecond
		if w.limit > 0 && w.limit/4 < tick {
			tick = max(w.limit/4, time.Millisecond)
		}
		t := time.NewTicker(tick)
		defer t.Stop()
		var lastSig [2]int64
		var lastBytes int64
		lastMove := time.Now()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			throttled := w.pollThrottle()
			st := w.r.e.ESP.Stats()
			sig := [2]int64{st.Responses + w.bumps.Load(), 0}
			if throttled {
				sig[1] = st.Requests
			}
			if sig != lastSig || st.BodyBytes-lastBytes >= minProgressBytes || time.Now().UnixNano() < w.waitingUntil.Load() {
				lastSig, lastBytes, lastMove = sig, st.BodyBytes, time.Now()
				continue
			}
			if w.limit > 0 && time.Since(lastMove) >= w.limit {
				cancel(&StalledError{For: time.Since(lastMove), Phase: w.r.rep.snapshot().Phase})
				return
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// sawThrottle records that a call came back throttled after the client's
// own retries: progress says so until the client reports otherwise.
func (w *watchdog) sawThrottle() {
	w.mu.Lock()
	w.throttledSeen = true
	w.lastThrottle = time.Now()
	w.mu.Unlock()
	w.pollThrottle()
}

// pollThrottle copies the client's throttle state into progress.
func (w *watchdog) pollThrottle() bool {
	var throttled bool
	rps := -1.0
	if th, ok := w.r.e.ESP.(throttler); ok {
		throttled, rps = th.Throttle()
	}
	w.mu.Lock()
	if throttled {
		w.throttledSeen = true
	}
	// A call the run itself is waiting out counts for a few seconds.
	throttled = throttled || time.Since(w.lastThrottle) < 5*time.Second
	w.lastRate = rps
	w.mu.Unlock()
	w.r.rep.update(func(p *Progress) {
		p.Throttled = throttled
		p.RequestsPerSecond = 0
		if throttled && rps > 0 {
			p.RequestsPerSecond = rps
		}
	})
	return throttled
}

// learned returns the rate to remember for the next run, if any: the rate
// the client ended with when ESP throttled this run; throttled says whether
// ESP throttled it at all.
func (w *watchdog) learned() (rps float64, ok, throttled bool) {
	w.pollThrottle()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastRate, w.throttledSeen && w.lastRate > 0, w.throttledSeen
}

// stopsRun reports whether err makes every other request pointless: the
// sign-in was refused, or the session is gone.
func stopsRun(err error) bool {
	return errors.Is(err, esp.ErrBadCredentials) || errors.Is(err, esp.ErrSignedOut)
}

// maxThrottleRounds bounds how often one call is tried again after the
// client gave up on ESP's throttling (each round already retried with
// backoff inside the client).
const maxThrottleRounds = 30

// maxPatientWait is the longest Retry-After a run waits out: the client's
// own limit (esp.DefaultMaxRetryAfter), past which ESP is not throttling a
// sync but closing its door for a while.
const maxPatientWait = esp.DefaultMaxRetryAfter

// patient runs call until ESP stops throttling it: a call that fails with
// esp.ErrRateLimited is tried again after a pause (ESP's Retry-After, at
// least a second, growing to 30 s), so throttling slows a run down but never
// fails it. Other errors and ctx's end return at once.
func patient[T any](ctx context.Context, r *run, call func() (T, error)) (T, error) {
	pause := time.Second
	giveUp := r.e.ThrottleGiveUp
	if giveUp <= 0 {
		giveUp = esp.DefaultMaxThrottleWait
	}
	start := time.Now()
	for round := 0; ; round++ {
		v, err := call()
		if err == nil || !errors.Is(err, esp.ErrRateLimited) || round >= maxThrottleRounds || time.Since(start)+pause > giveUp {
			return v, err
		}
		r.dog.sawThrottle()
		wait := pause
		var ee *esp.Error
		if errors.As(err, &ee) && ee.RetryAfter > wait {
			if ee.RetryAfter > maxPatientWait {
				// ESP asks for a longer pause than a sync waits: stop
				// with its rate-limit message, not by waiting for hours.
				return v, err
			}
			wait = ee.RetryAfter
		}
		r.dog.waitingUntil.Store(time.Now().Add(wait).UnixNano())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, err
		case <-t.C:
		}
		pause = min(2*pause, 30*time.Second)
	}
}
