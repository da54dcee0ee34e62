package syncer

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
)

// pacedESP is an ESP whose batch list answers at once and whose file lists
// behave as files says, counting like *esp.Client: at most 8 requests in
// flight, Requests per attempt, Failures per call given up, Responses and
// BodyBytes for what came back. It runs in a synctest bubble, where its
// sleeps take no real time.
type pacedESP struct {
	batches int
	files   func(ctx context.Context, e *pacedESP) error
	slots   chan struct{}

	mu sync.Mutex
	st esp.Stats
}

func newPacedESP(batches int, files func(ctx context.Context, e *pacedESP) error) *pacedESP {
	return &pacedESP{batches: batches, files: files, slots: make(chan struct{}, 8)}
}

func (e *pacedESP) count(f func(s *esp.Stats)) {
	e.mu.Lock()
	f(&e.st)
	e.mu.Unlock()
}

func (e *pacedESP) Stats() esp.Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st
}

func (e *pacedESP) ListBatchesExpecting(ctx context.Context, pageSize, expected int) ([]esp.Batch, error) {
	e.count(func(s *esp.Stats) { s.Requests++; s.Responses++; s.BodyBytes += 4096 })
	out := make([]esp.Batch, e.batches)
	for i := range out {
		out[i] = esp.Batch{ID: fmt.Sprint(1000 + i), Name: fmt.Sprint("batch ", i), Status: "closed",
			UpdatedAt: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), ContributionsCount: 1}
	}
	return out, nil
}

func (e *pacedESP) ListContributions(ctx context.Context, batchID string, expected, pageSize int) ([]esp.Contribution, error) {
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.slots }()
	if err := e.files(ctx, e); err != nil {
		return nil, err
	}
	return nil, nil
}

func (e *pacedESP) GetContribution(ctx context.Context, batchID, id string) (esp.Contribution, error) {
	return esp.Contribution{}, errors.New("not used")
}

func (e *pacedESP) UpdateContribution(ctx context.Context, batchID, id string, u esp.ContributionUpdate) (esp.Contribution, error) {
	return esp.Contribution{}, errors.New("not used")
}

// sleepCtx sleeps d of the bubble's time, or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// silentFiles is a silent ESP as *esp.Client meets it: each attempt is
// sent, gets nothing, and the client's 15-s stall detector ends it; here
// after one retry (30 s, inside DefaultStallTimeout) the call fails for good
// and the run starts the next one, so the run sees calls given up and calls
// started while nothing comes back — neither of which is progress.
func silentFiles(ctx context.Context, e *pacedESP) error {
	for attempt := range 2 {
		e.count(func(s *esp.Stats) {
			s.Requests++
			if attempt > 0 {
				s.Retries++
			}
		})
		if err := sleepCtx(ctx, 15*time.Second); err != nil {
			return err
		}
	}
	e.count(func(s *esp.Stats) { s.Failures++ })
	return &esp.Error{Endpoint: esp.EndpointContributionsList, Kind: esp.ErrUnavailable, Message: "no answer for 15s (stalled connection)"}
}

// syncInBubble runs one sync against e with the default no-progress budget
// and returns its error and how long it took in the bubble's time.
func syncInBubble(t *testing.T, e *pacedESP) (error, time.Duration) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "stocksync.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eng := &Engine{DB: db, ESP: e, LockPath: filepath.Join(dir, "sync.lock"), Command: "test"}
	start := time.Now()
	_, err = eng.Run(context.Background(), Options{})
	return err, time.Since(start)
}

// RELIABILITY.md finding 17: a silent ESP with many batches to fetch. Each
// call the stall detector ends lets the next one start; that is not
// progress, so the run stops within the promised 60 s.
func TestSilentESPWithManyBatchesStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newPacedESP(60, silentFiles)
		err, took := syncInBubble(t, e)
		var st *StalledError
		if !errors.As(err, &st) || !errors.Is(err, ErrNoProgress) {
			t.Fatalf("sync ended with %v after %s, want ESP stopped answering", err, took)
		}
		if took > 60*time.Second || took < DefaultStallTimeout {
			t.Errorf("gave up after %s, want between %s and 60s", took, DefaultStallTimeout)
		}
		if st.Phase != PhaseFiles {
			t.Errorf("stopped while %q, want fetching files", phaseWords(st.Phase))
		}
		if f := e.Stats().Failures; f == 0 {
			t.Errorf("no file list was given up before the run stopped (%d failures): the case is not the finding's", f)
		}
	})
}

// A throttled ESP answering one file list every 10 s (8 in flight, so the
// 60 batches take 80 s) is slow, not silent: the run completes.
func TestSlowAnsweringESPIsNeverStopped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		next := time.Now()
		e := newPacedESP(60, func(ctx context.Context, e *pacedESP) error {
			mu.Lock()
			next = next.Add(10 * time.Second)
			at := next
			mu.Unlock()
			e.count(func(s *esp.Stats) { s.Requests++ })
			if err := sleepCtx(ctx, time.Until(at)); err != nil {
				return err
			}
			e.count(func(s *esp.Stats) { s.Responses++; s.BodyBytes += 512 })
			return nil
		})
		err, took := syncInBubble(t, e)
		if err != nil {
			t.Fatalf("sync of a slow ESP failed after %s: %v", took, err)
		}
		if took < 10*time.Minute-10*time.Second || took > 10*time.Minute+10*time.Second {
			t.Errorf("took %s, want about 10m (60 answers 10 s apart)", took)
		}
	})
}

// trickleFiles is a file list whose headers come at once and whose body
// trickles in, n bytes every 5 s for 3 minutes, answered in full at the end.
func trickleFiles(n int64) func(ctx context.Context, e *pacedESP) error {
	return func(ctx context.Context, e *pacedESP) error {
		e.count(func(s *esp.Stats) { s.Requests++ })
		for range 36 {
			if err := sleepCtx(ctx, 5*time.Second); err != nil {
				return err
			}
			e.count(func(s *esp.Stats) { s.BodyBytes += n })
		}
		e.count(func(s *esp.Stats) { s.Responses++ })
		return nil
	}
}

// A long body arriving slowly (512 bytes every 5 s, for 3 minutes) is an
// ESP answering: the run completes.
func TestTricklingBodyIsNeverStopped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		err, took := syncInBubble(t, newPacedESP(2, trickleFiles(512)))
		if err != nil {
			t.Fatalf("sync of a trickling body failed after %s: %v", took, err)
		}
		if took < 3*time.Minute {
			t.Errorf("took %s, want the body's 3 minutes", took)
		}
	})
}

// Eight connections held open by a stuck server, a byte a second each
// (the reliability suite's trickle case), are not ESP answering: the run
// stops within 60 s.
func TestByteASecondStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		err, took := syncInBubble(t, newPacedESP(10, trickleFiles(5)))
		if !errors.Is(err, ErrNoProgress) {
			t.Fatalf("sync ended with %v after %s, want ESP stopped answering", err, took)
		}
		if took > 60*time.Second {
			t.Errorf("gave up after %s, want at most 60s", took)
		}
	})
}
