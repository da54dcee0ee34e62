package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// benchRaw is a contribution as ESP sends it, about 900 bytes: the raw JSON
// every file keeps (schema 3).
const benchRaw = `{"id":%q,"submission_batch_id":%q,"master_id":"","status":"processed","file_name":"IMG_0001.jpg",` +
	`"mime_type":"image/jpeg","media_type":"image","image_width":6000,"image_height":4000,"thumbnail_url":%q,` +
	`"headline":"Red maple leaf on wet stone in autumn light","caption":"A single red maple leaf lying on a wet grey stone, ` +
	`autumn, close-up, natural light.","keywords":["autumn","leaf","maple","red","stone","wet","nature","close-up",` +
	`"season","fall"],"country_of_shoot":"Canada","city":"Montreal","province_state":"Quebec","copyright":"Jane Doe",` +
	`"credit_line":"Jane Doe","camera_shot_date":"2026-10-12T08:14:00Z","submittable":false,` +
	`"submitted_at":"2026-10-20T10:00:00Z","submitted_to_review_at":"2026-10-20T10:00:00Z",` +
	`"published_at":"2026-11-01T00:00:00Z","created_at":"2026-10-19T09:00:00Z","updated_at":"2026-11-01T00:00:00Z",` +
	`"errors":{},"file_size":18234567,"iptc_category":"","alternate_id":""}`

// benchBatchID is the i-th batch's ID, numbered as ESP and the built-in
// server number them (increasing numbers of the same width, sent as text).
func benchBatchID(i int) string { return strconv.Itoa(1_000_001 + i) }

// benchFiles are n files of batch: IDs the batch's ID and a three-digit
// number, so they too increase as ESP's do, with the same width.
func benchFiles(batch string, n int) []Contribution {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	out := make([]Contribution, n)
	for i := range out {
		// The fields as core/esp decodes them from the raw JSON.
		out[i] = Contribution{ID: fmt.Sprintf("%s%03d", batch, i), BatchID: batch, Status: "processed",
			FileName: "IMG_0001.jpg", MimeType: "image/jpeg", MediaType: "image", Width: 6000, Height: 4000,
			Headline:       "Red maple leaf on wet stone in autumn light",
			Caption:        "A single red maple leaf lying on a wet grey stone, autumn, close-up, natural light.",
			Keywords:       []string{"autumn", "leaf", "maple", "red", "stone", "wet", "nature", "close-up", "season", "fall"},
			CountryOfShoot: "Canada", City: "Montreal", ProvinceState: "Quebec", Copyright: "Jane Doe",
			CreditLine: "Jane Doe", CameraShotDate: "2026-10-12T08:14:00Z",
			SubmittedAt:         time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC),
			SubmittedToReviewAt: time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC),
			CreatedAt:           time.Date(2026, 10, 19, 9, 0, 0, 0, time.UTC),
			ThumbnailURL:        fmt.Sprintf("http://127.0.0.1:1/thumbs/%s%03d", batch, i), UpdatedAt: now, PublishedAt: now,
			Reviews: []Review{{ReviewedAt: now, Outcome: "accepted"}}}
		out[i].Raw = []byte(fmt.Sprintf(benchRaw, out[i].ID, batch, out[i].ThumbnailURL))
	}
	return out
}

// benchBatchFiles is the files per batch of BenchmarkWriteBatchFiles.
const benchBatchFiles = 50

// writerTarget is the store writer's target (issue 15), in files per second
// of BenchmarkWriteBatchFiles.
const writerTarget = 40_000

// BenchmarkWriteBatchFiles measures one batch of 50 new files, the unit of
// work of an initial sync, each file with its raw JSON (~900 bytes), a
// review, a review event and a thumbnail job (docs/BENCHMARKS.md explains
// the sync figures). It reports files/s, and make bench marks the target
// (writerTarget) met or missed in docs/BENCHMARKS.md. With
// STOCKSYNC_ENFORCE_TARGETS=1 in the environment a run of at least 100
// batches below the target fails (a gate for a quiet machine); plain
// go test never runs benchmarks, so no test depends on timing.
func BenchmarkWriteBatchFiles(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	// The batch list comes first, in one transaction, as in a sync.
	list := make([]Batch, b.N)
	work := make([][]Contribution, b.N)
	for i := range list {
		list[i] = Batch{ID: benchBatchID(i), ServerVersion: "v"}
		work[i] = benchFiles(list[i].ID, benchBatchFiles)
	}
	if _, err := db.UpsertBatchList(ctx, list, now); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.WriteBatchContributions(ctx, list[i].ID, "v", work[i], now); err != nil {
			b.Fatal(err)
		}
	}
	fps := float64(b.N*benchBatchFiles) / b.Elapsed().Seconds()
	b.ReportMetric(fps, "files/s")
	if os.Getenv("STOCKSYNC_ENFORCE_TARGETS") != "" && b.N >= 100 && fps < writerTarget {
		b.Fatalf("the store writer wrote %.0f files/s, below its target of %d (issue 15)", fps, writerTarget)
	}
}

// BenchmarkWriteBatchesGrouped is the writer as a sync drives it when
// batches arrive faster than one commit: 8 batches of 50 new files in one
// transaction (WriteBatches). It reports files/s.
func BenchmarkWriteBatchesGrouped(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const group = 8
	now := time.Now()
	list := make([]Batch, b.N*group)
	work := make([]BatchWrite, b.N*group)
	for i := range list {
		list[i] = Batch{ID: benchBatchID(i), ServerVersion: "v"}
		work[i] = BatchWrite{BatchID: list[i].ID, Version: "v", Files: benchFiles(list[i].ID, benchBatchFiles)}
	}
	if _, err := db.UpsertBatchList(ctx, list, now); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.WriteBatches(ctx, work[i*group:(i+1)*group], now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*group*benchBatchFiles)/b.Elapsed().Seconds(), "files/s")
}
