package esp

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Throttling: ESP's gateway answers 429 (with or without Retry-After), or
// 403 with X-Error-Detail "Account Over Queries Per Second Limit" / "Account
// Over Rate Limit" (confirmed; docs/esp-api.md). Such answers never end a
// sync: the request is retried after a jittered pause, and the client slows
// down adaptively (AIMD): the API host's request rate and the number of its
// requests in flight are cut on throttling and grow back while requests
// succeed: quickly up to 95% of the rate that was throttled, slowly above.
// Once throttled, requests are paced (evenly spaced at the rate, no bursts).
//
// The cut: a gateway that allows N requests a second lets through about one
// request each 1/N s while it throttles the rest, so the spacing of the
// answers ESP accepted over the last seconds (acceptWindow, at least
// minAccepted answers) estimates its limit.
// The rate goes to 95% of that estimate, or to half the throttled rate when
// that is higher (no estimate yet, or a client that was sending slower than
// the limit). Halving every time, as before, left a paced client well below
// the limit for seconds after each probe past it (issue 15: 1.26 × the
// ideal time against a 5 requests/s gateway).

// overLimit matches the words ESP's gateway uses for throttling.
var overLimit = regexp.MustCompile(`(?i)over\s+(the\s+)?(queries\s+per\s+second|qps|rate)(\s+limit)?|rate\s*limit|too\s+many\s+requests|throttl`)

// isThrottle reports whether a response is throttling rather than a refusal.
func isThrottle(status int, header http.Header, body []byte) bool {
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusForbidden:
		if overLimit.MatchString(header.Get("X-Error-Detail")) {
			return true
		}
		msg, _ := modeledErrorBody(body)
		return msg != "" && overLimit.MatchString(msg)
	}
	return false
}

// Limits of the adaptive controller.
const (
	minAdaptiveRate = 0.5                    // requests per second: never slower
	cutSpacing      = 500 * time.Millisecond // throttles closer together count once
	throttledFor    = 30 * time.Second       // Throttle reports true this long after the last throttle
	acceptWindow    = 2 * time.Second        // accepted answers counted to estimate ESP's limit
	minAccepted     = 4                      // fewer accepted answers in the window: no estimate
	estimateShare   = 0.95                   // share of the estimated limit a cut goes to
)

// adaptive is the AIMD controller of the API host.
type adaptive struct {
	mu        sync.Mutex
	floor     float64 // never slower than this
	ceiling   float64 // configured limit; <= 0: none
	rate      float64 // current limit; <= 0: none (until the first throttle)
	peak      float64 // the rate that was throttled last
	limiter   *rate.Limiter
	window    int // requests allowed in flight
	maxWindow int
	inFlight  int
	successes int // since the window last grew
	wake      chan struct{}
	paced     bool      // after the first throttle: strict spacing instead of the limiter
	next      time.Time // paced: the earliest start of the next request
	lastCut   time.Time
	lastGrow  time.Time
	lastThr   time.Time
	starts    []time.Time // recent request starts, to measure the rate when unlimited
	accepted  []time.Time // recent successful answers, to estimate ESP's limit
}

func newAdaptive(ceiling, initial, floor float64, maxInFlight, burst int) *adaptive {
	a := &adaptive{floor: floor, ceiling: ceiling, window: maxInFlight, maxWindow: maxInFlight, wake: make(chan struct{})}
	r := ceiling
	if initial > 0 && (ceiling <= 0 || initial < ceiling) {
		r = max(initial, floor)
		a.peak = r / 0.9 // recover to about here quickly, then probe slowly
	}
	a.rate = r
	if r > 0 {
		a.limiter = rate.NewLimiter(rate.Limit(r), max(1, burst))
	}
	return a
}

// acquire waits for a place in the window and for the rate limiter.
func (a *adaptive) acquire(ctx context.Context) (release func(), err error) {
	for {
		a.mu.Lock()
		if a.inFlight < a.window {
			a.inFlight++
			l := a.limiter
			now := time.Now()
			var pause time.Duration
			if a.paced {
				// Once throttled, requests are spaced at least one
				// interval apart (no bursts): a gateway that allows
				// N per second with no burst throttles any closer pair.
				at := a.next
				if at.Before(now) {
					at = now
				}
				a.next = at.Add(time.Duration(float64(time.Second) / a.rate))
				pause, l = at.Sub(now), nil
			}
			a.starts = append(a.starts, now)
			if len(a.starts) > 256 {
				a.starts = a.starts[len(a.starts)-128:]
			}
			a.mu.Unlock()
			release = sync.OnceFunc(a.release)
			if pause > 0 {
				if err := sleep(ctx, pause); err != nil {
					release()
					return nil, err
				}
			}
			if l != nil {
				if err := l.Wait(ctx); err != nil {
					release()
					if ctx.Err() != nil {
						return nil, ctx.Err()
					}
					return nil, context.DeadlineExceeded
				}
			}
			return release, nil
		}
		wake := a.wake
		a.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (a *adaptive) release() {
	a.mu.Lock()
	a.inFlight--
	close(a.wake)
	a.wake = make(chan struct{})
	a.mu.Unlock()
}

// throttled records a throttling answer: halve the rate and the window
// (once per cutSpacing, so a burst of throttled answers counts once).
func (a *adaptive) throttled(now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lastThr = now
	if now.Sub(a.lastCut) < cutSpacing {
		return
	}
	a.lastCut, a.lastGrow = now, now
	// What was really sent is the best estimate of the limit: a client
	// may send slower than its allowed rate.
	// The rate that was too much.
	cur := a.rate
	if cur <= 0 { // no limit yet: what was really sent
		cur = a.measuredLocked(now)
	}
	a.peak = cur
	a.rate = max(a.floor, cur/2, estimateShare*min(cur, a.acceptedRateLocked(now)))
	a.window = max(1, a.window/2)
	a.successes = 0
	a.paced = true
	if a.limiter == nil {
		a.limiter = rate.NewLimiter(rate.Limit(a.rate), 1)
	} else {
		a.limiter.SetLimitAt(now, rate.Limit(a.rate))
		a.limiter.SetBurstAt(now, 1)
	}
}

// measuredLocked is the request rate over the last second (at least 1).
func (a *adaptive) measuredLocked(now time.Time) float64 {
	n := 0
	for _, t := range a.starts {
		if now.Sub(t) <= time.Second {
			n++
		}
	}
	return max(1, float64(n))
}

// acceptedRateLocked estimates the rate ESP accepts: one over the median
// spacing of the successful answers in the last acceptWindow, or 0 with
// fewer than minAccepted of them. The median, not the mean: the long gap a
// throttled request and its retry leave would otherwise pull the estimate
// down after every probe, and the rate with it.
func (a *adaptive) acceptedRateLocked(now time.Time) float64 {
	var gaps []time.Duration
	var prev time.Time
	for _, t := range a.accepted {
		if now.Sub(t) > acceptWindow {
			continue
		}
		if !prev.IsZero() {
			gaps = append(gaps, t.Sub(prev))
		}
		prev = t
	}
	if len(gaps) < minAccepted-1 {
		return 0
	}
	slices.Sort(gaps)
	mid := gaps[len(gaps)/2]
	if len(gaps)%2 == 0 {
		mid = (gaps[len(gaps)/2-1] + mid) / 2
	}
	if mid <= 0 {
		return 0
	}
	return float64(time.Second) / float64(mid)
}

// succeeded records a successful answer: grow the rate (additively, fast
// below 95% of the last throttled rate) and the window (by one per window's
// worth of successes).
func (a *adaptive) succeeded(now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.accepted = append(a.accepted, now)
	if len(a.accepted) > 256 {
		a.accepted = a.accepted[len(a.accepted)-128:]
	}
	a.successes++
	if a.window < a.maxWindow && a.successes >= a.window {
		a.window++
		a.successes = 0
		close(a.wake)
		a.wake = make(chan struct{})
	}
	if a.limiter == nil || a.rate <= 0 {
		return
	}
	dt := min(now.Sub(a.lastGrow), time.Second).Seconds()
	a.lastGrow = now
	if dt <= 0 {
		return
	}
	step := a.rate * 0.01 // slow probing: +1% a second
	if a.peak > 0 && a.rate < 0.95*a.peak {
		step = a.peak * 0.5 // fast recovery to just below the rate that was throttled
	}
	r := a.rate + step*dt
	if a.peak > 0 && a.rate < 0.95*a.peak {
		r = min(r, 0.95*a.peak)
	}
	if a.ceiling > 0 {
		r = min(r, a.ceiling)
	}
	if r != a.rate {
		a.rate = r
		a.limiter.SetLimitAt(now, rate.Limit(r))
	}
}

// state is what Client.Throttle reports.
func (a *adaptive) state(now time.Time, configured float64) (bool, float64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	thr := !a.lastThr.IsZero() && now.Sub(a.lastThr) < throttledFor
	if a.rate > 0 {
		return thr, math.Round(a.rate*100) / 100
	}
	return thr, configured
}

// throttleWait is the pause before retrying throttled attempt n (0-based):
// at least the server's Retry-After; otherwise a random pause of up to half
// a request interval at the current rate (within minWait..maxWait: the
// retry delays), doubling with each throttle of the same call.
func (a *adaptive) throttleWait(n int, retryAfter, minWait, maxWait time.Duration) time.Duration {
	a.mu.Lock()
	r := a.rate
	a.mu.Unlock()
	base := minWait
	if r > 0 {
		base = min(max(base, time.Duration(float64(time.Second)/r)), maxWait)
	}
	d := base << min(n, 7)
	if d > maxWait || d <= 0 {
		d = maxWait
	}
	// Jitter over half the interval: the halved rate already paces the
	// retries; the pause only spreads throttled requests apart.
	d = rand.N(d/2 + 1)
	return max(d, retryAfter)
}

// throttleMessage is the user-facing words for a throttled response.
func throttleMessage(header http.Header, msg string) string {
	if d := strings.TrimSpace(header.Get("X-Error-Detail")); d != "" {
		return clip(d, 200)
	}
	return msg
}
