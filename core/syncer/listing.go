package syncer

import (
	"context"
	"fmt"
	"net/http/httptrace"
	"sync"
	"sync/atomic"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
)

// listResult is the batch list, or why it could not be had.
type listResult struct {
	batches []esp.Batch
	// stored is the stored batches read while the list was on the network
	// (store.ReadBatchListState); nil if that failed.
	stored *store.BatchListState
	err    error
}

// startListing fetches the batch list in the background.
func (r *run) startListing(ctx context.Context) <-chan listResult {
	ch := make(chan listResult, 1)
	go func() { ch <- r.listBatches(ctx) }()
	return ch
}

// listBatches fetches every batch, waiting out ESP's throttling (patient).
// Meanwhile it reads what the list will be compared against, so that after
// the last page only the comparison is left (store.UpsertBatchListFrom uses
// that read only if no batch changed since).
func (r *run) listBatches(ctx context.Context) listResult {
	known, err := r.expectedBatches(ctx)
	if err != nil {
		return listResult{err: err}
	}
	// The read starts once the first wave of list requests is written (or
	// at ESP's first answer, whichever comes first): it then runs while
	// they are on the network. Started at once, its few ms of CPU delayed
	// that wave (2–6 ms on 2 cores); started at the first answer, it slowed
	// the decoding of the first round's pages.
	stored := make(chan *store.BatchListState, 1)
	readAhead := sync.OnceFunc(func() {
		go func() {
			st, err := r.e.DB.ReadBatchListState(ctx)
			if err != nil {
				st = nil // the write reads them itself
			}
			stored <- st
		}()
	})
	firstWave := int32(r.firstWave(known))
	var written atomic.Int32
	lctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) {
			if written.Add(1) >= firstWave {
				readAhead()
			}
		},
		GotFirstResponseByte: readAhead,
	})
	batches, err := patient(ctx, r, func() ([]esp.Batch, error) {
		return r.e.ESP.ListBatchesExpecting(lctx, r.e.BatchPageSize, known)
	})
	readAhead() // no HTTP answer came (an error, or an ESP without HTTP)
	st := <-stored
	if err != nil {
		return listResult{err: fmt.Errorf("list batches: %w", err)}
	}
	return listResult{batches: batches, stored: st}
}

// lastListed is the number of batches the last sync listed, 0 when there
// was none or it did not get through the list: one row by its key.
func lastListed(ctx context.Context, db *store.DB) int {
	last, err := db.LastSyncRun(ctx)
	if err != nil {
		return 0
	}
	return last.BatchesListed
}

// expectedBatches sizes the batch list's first requests (all the pages that
// many batches fill go out at once, esp.Client.ListBatchesExpecting): the
// count the last sync listed, else the batches stored. Counting the stored
// batches reads the whole table, which on a no-change sync of a large
// portfolio took longer than the rest of the local work.
func (r *run) expectedBatches(ctx context.Context) (int, error) {
	if r.listedLast > 0 {
		return r.listedLast, nil
	}
	return r.e.DB.BatchCount(ctx)
}

// firstWave is how many batch-list requests go out at once for a list of
// about known batches: its pages, up to the client's in-flight limit
// (1 when the client does not say).
func (r *run) firstWave(known int) int {
	l, ok := r.e.ESP.(interface{ InFlightLimit() int })
	if !ok {
		return 1
	}
	per := r.e.BatchPageSize
	if per <= 0 {
		per = esp.DefaultBatchPageSize
	}
	return max(1, min((known+per-1)/per, l.InFlightLimit()))
}
