package esp_test

import (
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// Responses counts answers read to their end and BodyBytes what came back:
// the sync's no-progress budget runs on them (RELIABILITY.md finding 17).
func TestStatsCountWhatCameBack(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 31, Batches: 1, ContributionsPerBatch: 2}, nil)
	if _, err := c.GetBatch(ctx(t), srv.BatchIDs()[0]); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if st.Requests != 2 || st.Responses != 2 { // the token and the batch
		t.Errorf("%d requests, %d responses read to the end; want 2 and 2", st.Requests, st.Responses)
	}
	if st.BodyBytes < 100 {
		t.Errorf("%d body bytes counted for a token and a batch", st.BodyBytes)
	}
}

// A body that breaks off is not an answer, and its retry's bytes repeat
// what came before: only the complete retry counts as a response.
func TestStatsBrokenBodyIsNoResponse(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 32, Batches: 1, ContributionsPerBatch: 2,
		Faults: []espfake.Fault{{Endpoint: esp.EndpointBatchesGet, Kind: espfake.FaultTruncated, Count: 1}}}, nil)
	if _, err := c.GetBatch(ctx(t), srv.BatchIDs()[0]); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if st.Requests != 3 || st.Retries != 1 || st.Responses != 2 {
		t.Errorf("%d requests (%d retries), %d responses read to the end; want 3 (1), 2", st.Requests, st.Retries, st.Responses)
	}
}
