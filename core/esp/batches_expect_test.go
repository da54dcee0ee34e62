package esp_test

import (
	"reflect"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// A good guess saves the round trip for page 1; a wrong one costs a few
// requests at most and never changes the result.
func TestListBatchesExpecting(t *testing.T) {
	tests := []struct {
		name            string
		batches, expect int
		cap             int
		wantRequests    int
	}{
		{"exact guess", 95, 95, 0, 10},
		{"no guess", 95, 0, 0, 10},
		{"guess too low", 95, 40, 0, 10},
		{"guess too high", 35, 95, 0, 10},
		{"empty portfolio, old guess", -1, 50, 0, 5},
		{"server caps page size", 23, 23, 5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := pair(t, espfake.Options{Seed: 3, Batches: tt.batches, ContributionsPerBatch: 1, BatchPageSizeCap: tt.cap}, nil)
			c.VerifyCredentials(ctx(t)) // the token is not part of what is measured
			before := c.Stats().Requests
			got, err := c.ListBatchesExpecting(ctx(t), 10, tt.expect)
			if err != nil {
				t.Fatal(err)
			}
			var want []esp.Batch
			for _, b := range srv.Portfolio().Batches {
				want = append(want, b.Batch)
			}
			if !reflect.DeepEqual(noRaw(got, clearBatchRaw), want) {
				t.Errorf("got %d batches, want %d", len(got), len(want))
			}
			if n := int(c.Stats().Requests - before); n != tt.wantRequests {
				t.Errorf("requests = %d, want %d", n, tt.wantRequests)
			}
		})
	}
}
