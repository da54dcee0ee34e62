package syncer

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
)

// fingerprintFmt is how fingerprint was built before issue 15 (fmt). Stored
// batches carry its text as synced_version: any other text would make every
// batch stale after an upgrade, so the two must agree byte for byte.
func fingerprintFmt(b esp.Batch) string {
	return fmt.Sprintf("%s|%s|%s|%d|%d|%d|%d|%d|%d|%d|%d|%s",
		b.UpdatedAt.UTC().Format(time.RFC3339Nano), b.LastSubmittedAt.UTC().Format(time.RFC3339Nano),
		b.LastContributionSubmittedAt.UTC().Format(time.RFC3339Nano), b.ContributionsCount, b.SubmittedCount,
		b.AwaitingReviewCount, b.ReviewedCount, b.RevisableCount, b.ProcessedCount, b.RejectedCount,
		b.PendingCount, b.Status)
}

func fingerprintCases() []esp.Batch {
	tokyo := time.FixedZone("JST", 9*3600)
	t1 := time.Date(2026, 11, 1, 9, 30, 0, 0, tokyo)
	t2 := time.Date(2026, 10, 19, 23, 59, 59, 123456789, time.UTC)
	t3 := time.Date(2026, 10, 20, 10, 0, 0, 120000000, time.FixedZone("", -7*3600))
	out := []esp.Batch{{}, {Status: "closed"}}
	for i, n := range []int{0, 1, 49, 50, -1, math.MaxInt, math.MinInt} {
		out = append(out, esp.Batch{UpdatedAt: t1, LastSubmittedAt: t2, LastContributionSubmittedAt: t3,
			ContributionsCount: n, SubmittedCount: i, AwaitingReviewCount: n / 2, ReviewedCount: 7, RevisableCount: 0,
			ProcessedCount: n, RejectedCount: 2, PendingCount: -i, Status: []string{"open", "closed", "", "a|b", "ünï"}[i%5]})
	}
	out = append(out, esp.Batch{UpdatedAt: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		LastSubmittedAt: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), Status: "submitted"})
	return out
}

// Issue 15: fingerprint without fmt is the same text as with it.
func TestFingerprintTextUnchanged(t *testing.T) {
	for i, b := range fingerprintCases() {
		if got, want := fingerprint(b), fingerprintFmt(b); got != want {
			t.Errorf("case %d: fingerprint %q, want %q", i, got, want)
		}
	}
}

// BenchmarkConvertBatchList is the conversion of a 2,000-batch list after
// its last page arrives (toStoreBatch, mostly fingerprint).
func BenchmarkConvertBatchList(b *testing.B) {
	list := make([]esp.Batch, 2000)
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range list {
		list[i] = esp.Batch{ID: strconv.Itoa(1_000_001 + i), UpdatedAt: at, LastSubmittedAt: at,
			ContributionsCount: 50, SubmittedCount: 50, ReviewedCount: 50, ProcessedCount: 48, RejectedCount: 2, Status: "closed"}
	}
	for range b.N {
		for _, x := range list {
			_ = toStoreBatch(x)
		}
	}
}
