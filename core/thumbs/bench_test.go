package thumbs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

// BenchmarkDrainAtLatency is the thumbnail row of docs/BENCHMARKS.md
// (internal/tools/benchreport) on a smaller portfolio: the built-in server
// with 50 ms added latency per request, a client with 8 requests in flight
// and no rate limit, 8 workers. Each iteration downloads the whole queue
// (2,000 thumbnails) into an empty thumbnails folder. floor-ratio is
// thumbnails/s ÷ (8 ÷ 50 ms = 160/s); the target is ≥ 0.95. Run it with
//
//	go test -run '^$' -bench DrainAtLatency -benchtime 1x ./core/thumbs
func BenchmarkDrainAtLatency(b *testing.B) {
	const (
		inflight = 8
		latency  = 50 * time.Millisecond
	)
	srv := espfaketest.New(b, espfake.Options{Mode: espfake.ModePartner, Seed: 42, Batches: 40, ContributionsPerBatch: 50,
		RequestLogLimit: 1})
	cr := srv.Credentials()
	client, err := esp.New(esp.Config{APIRoot: srv.URL(), TokenURL: srv.TokenURL(), APIKey: cr.APIKey,
		APISecret: cr.APISecret, Username: cr.Username, Password: cr.Password, MaxInFlight: inflight, RequestsPerSecond: -1})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "stocksync.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := (&syncer.Engine{DB: db, ESP: client}).Run(ctx, syncer.Options{}); err != nil {
		b.Fatal(err)
	}
	srv.SetLatency(latency)
	thumbDir := filepath.Join(dir, "thumbnails")
	var done int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		// Queue every thumbnail again and start from an empty folder.
		if _, err := db.RequeueMissingThumbnails(ctx, func(string) bool { return false }, time.Now()); err != nil {
			b.Fatal(err)
		}
		if err := os.RemoveAll(thumbDir); err != nil {
			b.Fatal(err)
		}
		d := &Downloader{DB: db, Fetch: client, Dir: thumbDir, Workers: inflight}
		b.StartTimer()
		start := time.Now()
		if err := d.Drain(ctx); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		if st := d.Stats(); st.Failed != 0 || st.Retried != 0 {
			b.Fatalf("stats %+v, want every download to succeed", st)
		}
		done += d.Stats().Done
	}
	rate := float64(done) / elapsed.Seconds()
	b.ReportMetric(rate, "thumbnails/s")
	b.ReportMetric(rate/(float64(inflight)/latency.Seconds()), "floor-ratio")
}
