package syncer

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
)

// A first sync of 100 batches against a server throttling at 5 requests a
// second completes with every file, says it is being slowed down, and
// remembers the rate ESP tolerated for the next run.
func TestThrottledSyncCompletes(t *testing.T) {
	if testing.Short() {
		t.Skip("waits about 90 s on a server throttling at 5 requests a second")
	}
	t.Parallel()
	// The default client settings: at most 20 requests a second, 8 at once.
	e := webEnv(t, espfake.Options{Seed: 31, Batches: 100, ContributionsPerBatch: 1, ThrottleQPS: 5, ThrottleStyle: espfake.Throttle403},
		func(c *esp.Config) {
			c.RequestsPerSecond, c.RetryBaseDelay, c.RetryMaxDelay, c.ModeledReviews = 0, 0, 0, true
		})
	var mu sync.Mutex
	var notes []string
	e.eng.Progress = func(p Progress) {
		if n := p.ThrottleNote(); n != "" {
			mu.Lock()
			notes = append(notes, n)
			mu.Unlock()
		}
	}
	start := time.Now()
	res := e.sync(t, false)
	took := time.Since(start)
	assertConverged(t, e)
	if res.Run.Outcome != store.OutcomeOK || res.Run.BatchesSynced != 100 {
		t.Errorf("run %+v", res.Run)
	}
	st := e.client.Stats()
	t.Logf("%d requests (%d retried after throttling or errors) in %s: %.2f × the time the limit allows", st.Requests, st.Retries,
		took.Round(time.Millisecond), took.Seconds()/(float64(st.Requests)/5))
	mu.Lock()
	defer mu.Unlock()
	if !res.Throttled || len(notes) == 0 {
		t.Errorf("ESP throttled %d requests, but the run says throttled=%v and progress said %q", st.Retries, res.Throttled, notes)
	}
	if got, _, err := e.db.LearnedRate(context.Background()); err != nil || got <= 0 || got > 20 {
		t.Errorf("learned rate %v, %v", got, err)
	}
}
