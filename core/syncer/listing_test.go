package syncer

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
)

// expecting records the count each batch list was sized from.
type expecting struct {
	*esp.Client
	got []int
}

func (x *expecting) ListBatchesExpecting(ctx context.Context, pageSize, expected int) ([]esp.Batch, error) {
	x.got = append(x.got, expected)
	return x.Client.ListBatchesExpecting(ctx, pageSize, expected)
}

// Issue 15: the batch list is sized from the count the last sync listed
// (one row), not by counting the stored batches (the whole table); a first
// sync knows nothing, and after a sync that did not get through the list the
// stored batches are counted. A wrong count costs requests, never batches.
func TestBatchListSizedFromLastSync(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 3, Batches: 250, ContributionsPerBatch: 2})
	x := &expecting{Client: e.client}
	e.eng.ESP = x
	e.sync(t, false)
	if _, err := e.srv.AddBatch(espfake.BatchSpec{Files: 2}); err != nil {
		t.Fatal(err)
	}
	e.sync(t, false)
	// A run that stopped before its list was recorded with none listed.
	id, err := e.db.StartSyncRun(context.Background(), false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.FinishSyncRun(context.Background(), store.SyncRun{ID: id, StartedAt: time.Now(), FinishedAt: time.Now(),
		Outcome: store.OutcomeFailed, Message: "ESP is unavailable right now"}); err != nil {
		t.Fatal(err)
	}
	e.sync(t, false)
	// The last run's count, not the stored batches: here it says 300 (as a
	// run whose list was stored only in part could), and the list is still
	// complete.
	id, err = e.db.StartSyncRun(context.Background(), false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.FinishSyncRun(context.Background(), store.SyncRun{ID: id, StartedAt: time.Now(), FinishedAt: time.Now(),
		Outcome: store.OutcomeFailed, BatchesListed: 300, Message: "store batch list: disk full"}); err != nil {
		t.Fatal(err)
	}
	e.sync(t, false)
	want := []int{0, 250, 251, 300}
	if fmt.Sprint(x.got) != fmt.Sprint(want) {
		t.Errorf("batch lists sized from %v, want %v", x.got, want)
	}
	assertConverged(t, e)
}
