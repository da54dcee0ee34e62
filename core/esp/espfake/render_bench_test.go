package espfake

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkBatchListPage is one page of 100 of the no-change sync's batch
// list (2,000 batches), handler only, nothing changing between pages.
func BenchmarkBatchListPage(b *testing.B) {
	s, err := New(Options{Seed: 1, Batches: 2000, ContributionsPerBatch: 50})
	if err != nil {
		b.Fatal(err)
	}
	page := 0
	for b.Loop() {
		page = page%20 + 1
		rec := httptest.NewRecorder()
		s.listBatches(rec, httptest.NewRequest("GET", "/x?page_size=100&page="+id(int64(page)), nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkContributionList is one batch's whole contribution list (100
// files), as the initial sync asks for it, handler only.
func BenchmarkContributionList(b *testing.B) {
	s, err := New(Options{Seed: 1, Batches: 20, ContributionsPerBatch: 100})
	if err != nil {
		b.Fatal(err)
	}
	ids := s.BatchIDs()
	n := 0
	for b.Loop() {
		n++
		req := httptest.NewRequest("GET", "/x", nil)
		req.SetPathValue("bid", ids[n%len(ids)])
		rec := httptest.NewRecorder()
		s.listContributions(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
