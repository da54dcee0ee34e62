package backup

import (
	"context"
	"maps"
	"sync"
	"time"

	timeseam "github.com/stocksync/stocksync/core/clock" // the test helpers have their own type clock
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// DefaultSafetyDebounce is how long local data must stay unchanged before
// the SafetySnapshotter takes a snapshot.
const DefaultSafetyDebounce = 2 * time.Minute

// SafetySnapshotterOptions configure a SafetySnapshotter.
type SafetySnapshotterOptions struct {
	Dir      datadir.Dir
	DB       *store.DB
	Debounce time.Duration // 0 means DefaultSafetyDebounce
	// Clock times the debounce and names the snapshots; nil means
	// clock.System(). Tests pass a clocktest.Fake and advance it.
	Clock timeseam.Clock
	// OnResult, if set, is called after every debounced attempt, from the
	// timer's goroutine.
	OnResult func(SafetyResult)
}

// SafetyResult is the outcome of one attempt.
type SafetyResult struct {
	Taken bool // false: local-only data was as in the newest safety snapshot
	Info  Info
	Err   error
}

// SafetySnapshotter takes a safety snapshot a while after local-only data
// stopped changing. Feed it every watch.LocalDataChanged event with
// Changed; each restarts the debounce. When the timer fires it compares the
// local-only rows' digest with the newest safety snapshot's and takes a new
// one only if they differ, so writes to server tables (sync) and to the
// backup history cost one digest and nothing else.
type SafetySnapshotter struct {
	opt    SafetySnapshotterOptions
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex // guards timer, closed
	timer  timeseam.Timer
	closed bool

	run sync.Mutex // one attempt at a time
	wg  sync.WaitGroup
}

// NewSafetySnapshotter returns a snapshotter; Close it when done.
func NewSafetySnapshotter(opt SafetySnapshotterOptions) *SafetySnapshotter {
	if opt.Debounce <= 0 {
		opt.Debounce = DefaultSafetyDebounce
	}
	if opt.Clock == nil {
		opt.Clock = timeseam.System()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &SafetySnapshotter{opt: opt, ctx: ctx, cancel: cancel}
}

// Changed notes that local data may have changed and restarts the debounce.
func (s *SafetySnapshotter) Changed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = s.opt.Clock.AfterFunc(s.opt.Debounce, s.fire)
}

func (s *SafetySnapshotter) fire() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	r := s.TakeIfChanged(s.ctx)
	if s.opt.OnResult != nil {
		s.opt.OnResult(r)
	}
}

// TakeIfChanged takes a safety snapshot now if the local-only rows differ
// from the newest safety snapshot's (or there is none).
func (s *SafetySnapshotter) TakeIfChanged(ctx context.Context) SafetyResult {
	s.run.Lock()
	defer s.run.Unlock()
	cur, err := s.opt.DB.LocalOnlyDigest(ctx)
	if err != nil {
		return SafetyResult{Err: err}
	}
	if prev := newestSafetyDigest(s.opt.Dir); prev != nil && maps.Equal(prev, cur) {
		return SafetyResult{}
	}
	info, err := SafetySnapshot(ctx, SafetyOptions{Dir: s.opt.Dir, DB: s.opt.DB, Reason: "local-only data changed",
		Now: s.opt.Clock.Now, Record: s.opt.DB})
	return SafetyResult{Taken: err == nil, Info: info, Err: err}
}

// newestSafetyDigest is the local-only digest of the newest readable safety
// snapshot, or nil.
func newestSafetyDigest(dir datadir.Dir) map[string]string {
	list, err := List(dir.Snapshots())
	if err != nil {
		return nil
	}
	for _, in := range list {
		if in.Problem != "" || in.Raw {
			continue
		}
		m, err := ReadManifest(in.Path)
		if err != nil {
			continue
		}
		return m.LocalOnly
	}
	return nil
}

// Close stops the timer, cancels a running snapshot and waits for it.
func (s *SafetySnapshotter) Close() {
	s.mu.Lock()
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}
