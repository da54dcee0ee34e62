package espfake_test

import (
	"runtime"
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// BenchmarkGenerate100k generates the benchmark portfolio (2,000 batches ×
// 50 files) and reports the heap it keeps.
func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := espfake.New(espfake.Options{Seed: 1, Batches: 2000, ContributionsPerBatch: 50})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-kept")
		runtime.KeepAlive(s)
	}
}
