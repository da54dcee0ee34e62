package esp_test

import (
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
)

// BenchmarkListContributions measures fetching and decoding 200-file pages
// over loopback (no added latency), reporting files per second.
func BenchmarkListContributions(b *testing.B) {
	srv := espfaketest.New(b, espfake.Options{Mode: espfake.ModePartner, Seed: 1, Batches: 1, ContributionsPerBatch: 1000})
	c, err := esp.New(configFor(srv))
	if err != nil {
		b.Fatal(err)
	}
	bid := srv.BatchIDs()[0]
	ctx := b.Context()
	b.ResetTimer()
	start := time.Now()
	files := 0
	for b.Loop() {
		got, err := c.ListContributions(ctx, bid, 1000, 200)
		if err != nil {
			b.Fatal(err)
		}
		files += len(got)
	}
	b.ReportMetric(float64(files)/time.Since(start).Seconds(), "files/s")
}
