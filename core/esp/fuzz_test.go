package esp

import (
	"bytes"
	"testing"
	"time"
)

// Fuzz targets for every decoder of server data. Seed corpora live in
// testdata/fuzz/<name>; run one with e.g.
//   go test ./core/esp -run '^$' -fuzz FuzzDecodeContributionList -fuzztime 30s
// No input may panic, and whatever decodes must keep the strict guarantees.

func checkContribution(t *testing.T, c Contribution) {
	if c.ID == "" {
		t.Fatalf("decoded a contribution without id: %+v", c)
	}
	if c.ImageWidth < 0 || c.ImageHeight < 0 {
		t.Fatalf("negative size: %+v", c)
	}
}

func checkBatch(t *testing.T, b Batch) {
	if b.ID == "" {
		t.Fatalf("decoded a batch without id: %+v", b)
	}
	for _, n := range []int{b.ContributionsCount, b.SubmittedCount, b.AwaitingReviewCount, b.ReviewedCount,
		b.RevisableCount, b.ProcessedCount, b.RejectedCount, b.PendingCount} {
		if n < 0 {
			t.Fatalf("negative count: %+v", b)
		}
	}
}

func FuzzDecodeBatchList(f *testing.F) {
	f.Add([]byte(`{"items":[{"id":"1","contributions_count":2}],"meta":{"total_items":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, total, err := decodeBatchList(bytes.NewReader(data))
		if err != nil {
			return
		}
		if total < -1 {
			t.Fatalf("total %d", total)
		}
		for _, b := range items {
			checkBatch(t, b)
		}
	})
}

func FuzzDecodeBatchObject(f *testing.F) {
	f.Add([]byte(`{"id":"1","status":"closed","updated_at":"2024-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if b, err := decodeBatchObject(bytes.NewReader(data)); err == nil {
			checkBatch(t, b)
		}
	})
}

func FuzzDecodeContributionList(f *testing.F) {
	f.Add([]byte(`[{"id":"1","keywords":["a",{"term":"b"}],"reviews":[{"outcome":"accepted"}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := decodeContributionList(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, c := range items {
			checkContribution(t, c)
		}
	})
}

func FuzzDecodeContributionObject(f *testing.F) {
	f.Add([]byte(`{"contribution":{"id":"1","headline":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := decodeContributionObject(bytes.NewReader(data)); err == nil {
			checkContribution(t, c)
		}
	})
}

func FuzzDecodeReleaseList(f *testing.F) {
	f.Add([]byte(`[{"id":"1","release_type":"Model","model_ethnicities":["A"]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := decodeReleaseList(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, r := range items {
			if r.ID == "" {
				t.Fatalf("release without id: %+v", r)
			}
		}
	})
}

func FuzzModeledErrorBody(f *testing.F) {
	f.Add([]byte(`{"ErrorCode":"TokenRequired","ErrorMessage":"Token missing"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, fields := modeledErrorBody(data)
		if len(msg) > 310 {
			t.Fatalf("message not clipped: %d bytes", len(msg))
		}
		for k := range fields {
			if len(k) > 110 {
				t.Fatalf("field name not clipped: %d bytes", len(k))
			}
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	f.Add("120")
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, _ := parseRetryAfter(s, now)
		if d < 0 || d > 24*time.Hour {
			t.Fatalf("parseRetryAfter(%q) = %v", s, d)
		}
	})
}
