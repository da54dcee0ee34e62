package esp_test

import (
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
)

// BenchmarkThrottledSync is the throttled figure of issue #10: a sync of
// 100 batches (list + each batch's files) against a server that throttles
// above 5 requests per second with 403 + X-Error-Detail, from a client
// starting at its default 20 requests/s. It reports
//
//	ratio       wall time ÷ (successful requests ÷ QPS limit): 1 is ideal, target ≤ 1.2
//	throttled-% the share of requests that were throttled
//	learned-rps the rate the client settled on (Client.Throttle)
//
// One iteration takes about 25 s; run it with -benchtime=1x.
func BenchmarkThrottledSync(b *testing.B) {
	const qps = 5
	for b.Loop() {
		srv := espfaketest.New(b, espfake.Options{Seed: 80, Batches: 100, ContributionsPerBatch: 1, ContributionsPerBatchMax: 3,
			ThrottleQPS: qps, ThrottleStyle: espfake.Throttle403, NoThumbnails: true})
		s := srv.NewSession()
		c, err := esp.New(esp.Config{APIRoot: srv.URL(), Session: &s})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		batches, err := c.ListBatches(b.Context(), 0)
		if err != nil {
			b.Fatal(err)
		}
		for _, bt := range batches {
			if _, err := c.ListContributions(b.Context(), bt.ID, bt.ContributionsCount, 0); err != nil {
				b.Fatal(err)
			}
		}
		wall := time.Since(start)
		ok, throttled := 0, 0
		for _, r := range srv.Requests() {
			if r.Fault == "throttled" {
				throttled++
			} else if r.Status == 200 {
				ok++
			}
		}
		_, rps := c.Throttle()
		b.ReportMetric(wall.Seconds()/(float64(ok)/qps), "ratio")
		b.ReportMetric(100*float64(throttled)/float64(ok+throttled), "throttled-%")
		b.ReportMetric(rps, "learned-rps")
	}
}
