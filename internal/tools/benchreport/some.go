package main

import (
	"fmt"
	"strings"
)

// renderSome is the plain-text summary of a partial run (-only): each
// figure that was measured with its ratio and target, for iterating on one
// figure; the report proper needs the whole run.
func renderSome(p params, r results) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	sync := func(m measurement, target float64) {
		if m.name == "" {
			return
		}
		fl := m.floor(p.latency, p.inflight)
		w("%-45s %6d requests  wall %-9s floor %-9s wall ÷ floor %.2f", m.name, m.requests, dur(m.wall), dur(fl), ratio(m.wall, fl))
		if target > 0 {
			w(" (target ≤ %.2f: %s)", target, strings.Trim(pass(ratio(m.wall, fl) <= target), "*"))
		}
		w("\n")
	}
	sync(r.initial, 1.15)
	sync(r.nochange, 1.5)
	sync(r.warm, 1.3)
	sync(r.onePct, 0)
	if r.big != nil {
		sync(*r.big, 1.15)
	}
	if r.naive != nil {
		w("%-45s %6d requests  wall %s", r.naive.name, r.naive.requests, dur(r.naive.wall))
		if r.initial.wall > 0 {
			w("  initial sync %.1f × faster (target ≥ 20)", ratio(r.naive.wall, r.initial.wall))
		}
		w("\n")
	}
	if r.thumbDone > 0 {
		w("thumbnails: %.0f/s, %.2f × floor\n", r.thumbRate, r.thumbRate*p.latency.Seconds()/float64(p.inflight))
	}
	if s := idleSection(r.idle); s != "" {
		w("%s", s)
	}
	for _, out := range []string{r.backup, r.store, r.throttle} {
		if out != "" {
			w("%s\n", out)
		}
	}
	return b.String()
}
