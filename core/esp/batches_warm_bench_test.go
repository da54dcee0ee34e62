package esp_test

import (
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
)

// BenchmarkListBatchesWarm is the batch list of a no-change sync (issue 15):
// 2,000 batches in 20 pages of 100 over 8 slots with 50 ms added latency;
// the floor is 3 rounds (150 ms). It reports ms per list. It measures the
// client and the built-in server alone, without the store.
func BenchmarkListBatchesWarm(b *testing.B) {
	srv := espfaketest.New(b, espfake.Options{Mode: espfake.ModePartner, Seed: 1, Batches: 2000,
		ContributionsPerBatch: 1, Latency: 50 * time.Millisecond})
	c, err := esp.New(configFor(srv))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if _, err := c.ListBatchesExpecting(ctx, 100, 2000); err != nil { // warm the connections
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	n := 0
	for b.Loop() {
		got, err := c.ListBatchesExpecting(ctx, 100, 2000)
		if err != nil || len(got) != 2000 {
			b.Fatalf("%d batches, %v", len(got), err)
		}
		n++
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(n), "ms/list")
}
