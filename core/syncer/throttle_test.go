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

// throttledEnv is a server limiting the API to qps requests a second and a
// client that starts at 20 requests a second, as the default settings do.
func throttledEnv(t *testing.T, opts espfake.Options, qps float64) *env {
	t.Helper()
	opts.RateLimit = qps
	srv := espfake.NewTest(t, opts)
	cr := srv.Credentials()
	client, err := esp.New(esp.Config{
		APIRoot: srv.URL(), TokenURL: srv.TokenURL(),
		APIKey: cr.APIKey, APISecret: cr.APISecret, Username: cr.Username, Password: cr.Password,
		RequestsPerSecond: 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, espfake.Options{Batches: -1})
	e.srv, e.client, e.eng.ESP = srv, client, client
	return e
}

// A first sync of 100 batches against a server throttling at 5 requests a
// second completes with every file, says it is being slowed down, and
// remembers the rate ESP tolerated for the next run.
func TestThrottledSyncCompletes(t *testing.T) {
	t.Parallel()
	e := throttledEnv(t, espfake.Options{Seed: 31, Batches: 100, FilesPerBatch: 1}, 5)
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
	t.Logf("%d requests (%d retries) in %s: %.2f × the time the limit allows", st.Requests, st.Retries, took,
		took.Seconds()/(float64(st.Requests-st.Retries)/5))
	mu.Lock()
	defer mu.Unlock()
	if !res.Throttled || len(notes) == 0 {
		t.Errorf("ESP throttled %d requests, but the run says throttled=%v and progress said %q", st.Retries, res.Throttled, notes)
	}
	if _, rps := e.client.Throttle(); rps > 0 {
		if got, _, err := e.db.LearnedRate(context.Background()); err != nil || got <= 0 || got > 20 {
			t.Errorf("learned rate %v, %v", got, err)
		}
	}
}
