package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func benchFiles(batch string, n int) []Contribution {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	out := make([]Contribution, n)
	for i := range out {
		out[i] = Contribution{ID: fmt.Sprintf("%s-%d", batch, i), BatchID: batch, Status: "processed",
			FileName: "IMG_0001.jpg", Headline: "Red maple leaf on wet stone in autumn light",
			Caption:      "A single red maple leaf lying on a wet grey stone, autumn, close-up, natural light.",
			Keywords:     []string{"autumn", "leaf", "maple", "red", "stone", "wet", "nature", "close-up", "season", "fall"},
			ThumbnailURL: "http://127.0.0.1:1/thumbs/" + batch + fmt.Sprint(i), UpdatedAt: now, CreatedAt: now, PublishedAt: now,
			Reviews: []Review{{ReviewedAt: now, Outcome: "accepted"}}}
	}
	return out
}

// BenchmarkWriteBatchFiles measures one batch of 50 new files, the unit of
// work of an initial sync (docs/BENCHMARKS.md explains the sync figures).
func BenchmarkWriteBatchFiles(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprintf("b%d", i)
		if _, err := db.UpsertBatchList(ctx, []Batch{{ID: id, ServerVersion: "v"}}, now); err != nil {
			b.Fatal(err)
		}
		if _, err := db.WriteBatchFiles(ctx, id, "v", benchFiles(id, 50), now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*50)/b.Elapsed().Seconds(), "files/s")
}
