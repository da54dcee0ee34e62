package espfake

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// ThrottleStyle is how the server throttles above Options.ThrottleQPS.
type ThrottleStyle int

const (
	// Throttle403 answers 403 with X-Error-Detail "Account Over Queries Per
	// Second Limit" and {"message":…} (confirmed: Getty's API gateway).
	Throttle403 ThrottleStyle = iota
	// Throttle429 answers 429 with the same X-Error-Detail and no
	// Retry-After (confirmed by a 2026 summary).
	Throttle429
	// ThrottleMixed alternates between the two.
	ThrottleMixed
)

// ParseThrottleStyle accepts "403", "429" or "mixed".
func ParseThrottleStyle(s string) (ThrottleStyle, error) {
	switch strings.TrimSpace(s) {
	case "403", "":
		return Throttle403, nil
	case "429":
		return Throttle429, nil
	case "mixed":
		return ThrottleMixed, nil
	}
	return Throttle403, fmt.Errorf("throttle style %q: use 403, 429 or mixed", s)
}

// QPSDetail is the X-Error-Detail of a throttled answer.
const QPSDetail = "Account Over Queries Per Second Limit"

type throttler struct {
	limiter *rate.Limiter
	style   ThrottleStyle
	n       atomic.Int64
}

// SetThrottle throttles API requests above qps per second (burst 1) in the
// given style; qps 0 turns throttling off.
func (s *Server) SetThrottle(qps float64, style ThrottleStyle) {
	s.knobMu.Lock()
	defer s.knobMu.Unlock()
	if !(qps > 0) || math.IsInf(qps, 1) { // NaN, 0, negative or infinite: off
		s.throttle = nil
		return
	}
	s.throttle = &throttler{limiter: rate.NewLimiter(rate.Limit(qps), 1), style: style}
}

// throttled answers a throttled request itself and reports true when t is
// over its limit.
func (t *throttler) throttled(w http.ResponseWriter) bool {
	if t == nil || t.limiter.Allow() {
		return false
	}
	status := http.StatusForbidden
	switch t.style {
	case Throttle429:
		status = http.StatusTooManyRequests
	case ThrottleMixed:
		if t.n.Add(1)%2 == 0 {
			status = http.StatusTooManyRequests
		}
	}
	w.Header().Set("X-Error-Detail", QPSDetail)
	writeJSON(w, status, map[string]string{"message": QPSDetail})
	return true
}
