package syncer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

// ESP is what a sync needs of the ESP client (*esp.Client).
type ESP interface {
	ListBatchesExpecting(ctx context.Context, pageSize, expected int) ([]esp.Batch, error)
	ListContributions(ctx context.Context, batchID string, expected, pageSize int) ([]esp.Contribution, error)
	GetContribution(ctx context.Context, batchID, id string) (esp.Contribution, error)
	UpdateContribution(ctx context.Context, batchID, id string, u esp.ContributionUpdate) (esp.Contribution, error)
	Stats() esp.Stats
}

// Engine syncs one database with one ESP account.
type Engine struct {
	DB  *store.DB
	ESP ESP
	// LockPath, if set, is the data folder's sync lock: a run holds it
	// throughout, and a second run (in any process) is refused.
	LockPath string
	// Command names the holder in the lock ("stocksync sync", "Stocksync app").
	Command string
	// Fetchers bounds the batches fetched at once; the ESP client's own
	// in-flight limit is what bounds requests. Default 16.
	Fetchers int
	// BatchPageSize and ContributionPageSize: 0 means the largest ESP allows.
	BatchPageSize, ContributionPageSize int
	// Progress receives rate-limited reports; it must not block for long.
	Progress func(Progress)
	// ThumbnailsQueued is called after a batch queued thumbnails or release
	// documents, to wake the downloader.
	ThumbnailsQueued func()
	Now              func() time.Time
	// StallTimeout stops a run that gets nothing from ESP for this long
	// with a *StalledError (ErrNoProgress), in every phase. 0 means
	// DefaultStallTimeout; negative means never.
	StallTimeout time.Duration
	// ThrottleGiveUp bounds how long one call is tried again while ESP keeps
	// throttling it (after the client's own waiting); past it the run stops
	// with esp.ErrRateLimited. 0 means esp.DefaultMaxThrottleWait.
	ThrottleGiveUp time.Duration
}

// releaseLister is the optional part of ESP that lists a batch's releases
// (*esp.Client). Without it releases are not synced.
type releaseLister interface {
	ListReleases(ctx context.Context, batchID string) ([]esp.Release, error)
}

// Options are per-run choices.
type Options struct {
	// Push sends local edits of pending files to ESP before fetching.
	Push bool
}

// Failure is one batch (or edit) that could not be synced.
type Failure struct {
	What string `json:"what"` // "batch 123", "edit of file 456", "batch list"
	Err  string `json:"error"`
}

// Result is what a run did.
type Result struct {
	Run      store.SyncRun `json:"run"`
	Failures []Failure     `json:"failures,omitempty"`
	// Releases counts the releases stored, ReleaseDocsQueued the release
	// documents queued for the background download.
	Releases          int `json:"releases"`
	ReleaseDocsQueued int `json:"release_documents_queued"`
	// ReviewEvents counts the review events derived from status changes.
	ReviewEvents int `json:"review_events"`
	// Throttled says ESP slowed this run down (429, or 403 over a rate limit).
	Throttled bool `json:"throttled"`
}

// ErrPartial means the run finished but some batches or edits failed; Result.Failures names them.
var ErrPartial = errors.New("sync finished with failures")

// Run performs one sync. It returns an error when the run did not fully
// succeed: ErrPartial (wrapped, listing each failure), an *esp.Error for a
// failure that stopped the whole run (bad credentials, ESP unavailable; when
// the session expired errors.Is(err, esp.ErrSignedOut) holds, the run is
// recorded as store.OutcomeSignedOut, and nothing more was written), a
// *StalledError (ErrNoProgress) when ESP stopped answering for StallTimeout,
// a *lockfile.HeldError when another sync runs, or ctx's error.
func (e *Engine) Run(ctx context.Context, opt Options) (Result, error) {
	now := e.Now
	if now == nil {
		now = time.Now
	}
	if e.LockPath != "" {
		cmd := e.Command
		if cmd == "" {
			cmd = "stocksync"
		}
		lock, err := lockfile.TryAcquire(e.LockPath, cmd)
		if err != nil {
			return Result{}, err
		}
		defer lock.Release()
	}
	r := &run{e: e, opt: opt, now: now, stats0: e.ESP.Stats()}
	r.rep = &reporter{fn: e.Progress, every: 250 * time.Millisecond, now: now, start: now()}
	// Read before this run's own record becomes the last one.
	r.listedLast = lastListed(ctx, e.DB)
	limit := e.StallTimeout
	if limit == 0 {
		limit = DefaultStallTimeout
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r.dog = &watchdog{r: r, limit: limit}
	if !opt.Push {
		// Nothing to send first: the batch list's requests go out while
		// this run's start is recorded (a durable write).
		r.listing = r.startListing(runCtx)
	}
	id, err := e.DB.StartSyncRun(ctx, opt.Push, now())
	if err != nil {
		if r.listing != nil {
			cancel(nil)
			<-r.listing
		}
		return Result{}, fmt.Errorf("record sync start: %w", err)
	}
	r.res.Run = store.SyncRun{ID: id, StartedAt: now(), Push: opt.Push}
	r.rep.update(func(p *Progress) { p.RunID, p.Phase = id, PhaseStarting })
	stop := r.dog.start(runCtx, cancel)
	fatal := r.do(runCtx)
	stop()
	var stalled *StalledError
	if cause := context.Cause(runCtx); fatal != nil && errors.As(cause, &stalled) && ctx.Err() == nil {
		fatal = stalled
	}
	if fatal == nil {
		fatal = e.DB.StillInPlace()
	}
	rps, ok, throttled := r.dog.learned()
	r.res.Throttled = throttled
	if ok && !errors.Is(fatal, esp.ErrSignedOut) {
		// Best effort: the next run starts at the rate ESP tolerated.
		_ = e.DB.SaveLearnedRate(context.WithoutCancel(ctx), rps, now())
	}
	return r.finish(ctx, fatal)
}

type run struct {
	e      *Engine
	opt    Options
	now    func() time.Time
	rep    *reporter
	stats0 esp.Stats
	dog    *watchdog
	// listedLast is how many batches the last sync listed (0: unknown).
	listedLast int
	// listing, when set, delivers the batch list fetched from the start
	// of the run (startListing).
	listing <-chan listResult

	mu  sync.Mutex
	res Result
}

func (r *run) fail(what string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Failures = append(r.res.Failures, Failure{What: what, Err: err.Error()})
	r.rep.update(func(p *Progress) { p.Errors++ })
}

// do runs the phases; its error is one that stopped the whole run.
func (r *run) do(ctx context.Context) error {
	if r.opt.Push {
		r.rep.update(func(p *Progress) { p.Phase = PhasePushing })
		if err := r.push(ctx); err != nil {
			return err
		}
	}
	r.rep.update(func(p *Progress) { p.Phase = PhaseListing })
	var l listResult
	if r.listing != nil {
		l = <-r.listing
	} else {
		l = r.listBatches(ctx)
	}
	batches, err := l.batches, l.err
	if err != nil {
		return err
	}
	sb := make([]store.Batch, len(batches))
	for i, b := range batches {
		sb[i] = toStoreBatch(b)
	}
	listed, err := r.e.DB.UpsertBatchListFrom(ctx, l.stored, sb, r.now())
	if err != nil {
		return fmt.Errorf("store batch list: %w", err)
	}
	files := 0
	for _, b := range listed.Stale {
		files += b.Counts.Contributions
	}
	r.res.Run.BatchesListed = len(batches)
	r.rep.update(func(p *Progress) {
		p.Phase, p.BatchesTotal, p.FilesTotal = PhaseFiles, len(listed.Stale), files
	})
	return r.fetchContributions(ctx, listed.Stale)
}

type fetched struct {
	batch    store.Batch
	files    []store.Contribution
	releases []store.Release
	// listed: the releases were listed; false keeps the batch stale so the
	// next sync lists them again.
	listed bool
}

// fetchContributions fetches stale batches in parallel and writes them on this
// goroutine, one transaction each, in the order they arrive.
func (r *run) fetchContributions(ctx context.Context, stale []store.Batch) error {
	if len(stale) == 0 {
		return nil
	}
	n := r.e.Fetchers
	if n <= 0 {
		n = 16
	}
	// Writes use the run's context, not the fetchers': a fetcher that
	// stops the run (signed out) stops the fetching, but the batches already
	// fetched are still written, so the run keeps what ESP did answer.
	wctx := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := make(chan fetched, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(n)
	go func() {
		defer close(out)
		for _, b := range stale {
			if gctx.Err() != nil {
				break
			}
			g.Go(func() error {
				list, err := patient(gctx, r, func() ([]esp.Contribution, error) {
					return r.e.ESP.ListContributions(gctx, b.ID, b.Counts.Contributions, r.e.ContributionPageSize)
				})
				if err != nil {
					if stopsRun(err) {
						return err
					}
					if gctx.Err() == nil {
						r.fail("batch "+b.ID, err)
					}
					return nil
				}
				files := make([]store.Contribution, len(list))
				for i, c := range list {
					files[i] = toStoreContribution(c, b.ID)
				}
				f := fetched{batch: b, files: files}
				if err := r.fetchReleases(gctx, &f); err != nil {
					return err
				}
				select {
				case out <- f:
				case <-gctx.Done():
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			cancel(err)
		}
	}()
	for f := range out {
		// Batches that arrived while the last commit ran are written
		// together, in one transaction.
		group := []fetched{f}
	more:
		for len(group) < maxGroup {
			select {
			case g, ok := <-out:
				if !ok {
					break more
				}
				group = append(group, g)
			default:
				break more
			}
		}
		if err := r.writeGroup(wctx, group); err != nil {
			cancel(err)
			for range out { // let the fetchers finish
			}
			// A fetcher's run-stopping error (signed out) came first: it is
			// the one to report.
			if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
				return cause
			}
			return err
		}
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// fetchReleases lists a batch's releases into f. A batch whose releases
// could not be listed is written with its files but stays stale; its error
// is a failure of the run unless it stops the whole run.
func (r *run) fetchReleases(ctx context.Context, f *fetched) error {
	rl, ok := r.e.ESP.(releaseLister)
	if !ok {
		return nil
	}
	list, err := patient(ctx, r, func() ([]esp.Release, error) { return rl.ListReleases(ctx, f.batch.ID) })
	switch {
	case err == nil:
	case errors.Is(err, esp.ErrNotFound):
		list = nil // a batch type without releases
	case stopsRun(err):
		return err
	default:
		if ctx.Err() == nil {
			r.fail("releases of batch "+f.batch.ID, err)
		}
		return nil
	}
	f.listed = true
	f.releases = make([]store.Release, len(list))
	for i, rel := range list {
		f.releases[i] = toStoreRelease(rel, f.batch.ID)
	}
	return nil
}

// maxGroup bounds the batches written in one transaction.
const maxGroup = 16

// writeGroup writes fetched batches in one transaction. If that fails for
// a reason that does not stop the run, each batch is written on its own, so
// one bad batch fails alone.
func (r *run) writeGroup(ctx context.Context, group []fetched) error {
	if len(group) == 1 {
		return r.write(ctx, group[0])
	}
	ws := make([]store.BatchWrite, len(group))
	for i, f := range group {
		ws[i] = r.batchWrite(f)
	}
	res, err := r.e.DB.WriteBatches(ctx, ws, r.now())
	if err == nil {
		err = r.e.DB.StillInPlace()
	}
	if err != nil {
		if stop := r.writeStops(ctx, err); stop != nil {
			return stop
		}
		for _, f := range group {
			if err := r.write(ctx, f); err != nil {
				return err
			}
		}
		return nil
	}
	for i, f := range group {
		r.written(f, res[i])
	}
	return nil
}

func (r *run) batchWrite(f fetched) store.BatchWrite {
	version := f.batch.ServerVersion
	if _, ok := r.e.ESP.(releaseLister); ok && !f.listed {
		version = "" // list the releases again next time
	}
	return store.BatchWrite{BatchID: f.batch.ID, Version: version, Files: f.files, Releases: f.releases, ReleasesListed: f.listed}
}

// writeStops returns the error that stops the run, if err is one.
func (r *run) writeStops(ctx context.Context, err error) error {
	if errors.Is(err, store.ErrGone) || errors.Is(err, store.ErrDiskFull) {
		return err // no other batch can be written either
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ce *store.CorruptError
	if errors.As(err, &ce) {
		return err
	}
	return nil
}

func (r *run) write(ctx context.Context, f fetched) error {
	res, err := r.e.DB.WriteBatch(ctx, r.batchWrite(f), r.now())
	if err == nil {
		// Deleting the data folder does not stop writes into the open file;
		// stop as soon as it happened rather than sync into nothing.
		err = r.e.DB.StillInPlace()
	}
	if err != nil {
		if stop := r.writeStops(ctx, err); stop != nil {
			return stop
		}
		r.fail("batch "+f.batch.ID, err)
		return nil
	}
	r.written(f, res)
	return nil
}

// written counts a batch stored.
func (r *run) written(f fetched, res store.ContributionsResult) {
	r.dog.bump()
	r.mu.Lock()
	r.res.Run.BatchesSynced++
	r.res.Run.FilesWritten += res.Written
	r.res.Run.ThumbnailsQueued += res.ThumbnailsQueued
	r.res.Releases += res.Releases
	r.res.ReleaseDocsQueued += res.ReleaseDocsQueued
	r.res.ReviewEvents += res.ReviewEvents
	r.mu.Unlock()
	r.rep.update(func(p *Progress) {
		p.BatchesDone++
		p.FilesDone += len(f.files)
		p.ThumbnailsQueued += res.ThumbnailsQueued
		p.Requests = r.e.ESP.Stats().Requests - r.stats0.Requests
	})
	if (res.ThumbnailsQueued > 0 || res.ReleaseDocsQueued > 0) && r.e.ThumbnailsQueued != nil {
		r.e.ThumbnailsQueued()
	}
}

func (r *run) finish(ctx context.Context, fatal error) (Result, error) {
	run := &r.res.Run
	run.FinishedAt = r.now()
	run.Requests = int(r.e.ESP.Stats().Requests - r.stats0.Requests)
	sort.Slice(r.res.Failures, func(i, j int) bool { return r.res.Failures[i].What < r.res.Failures[j].What })
	for _, f := range r.res.Failures {
		run.Errors = append(run.Errors, f.What+": "+f.Err)
	}
	var err error
	switch {
	case fatal != nil && ctx.Err() != nil:
		run.Outcome, run.Message, err = store.OutcomeCancelled, "cancelled", ctx.Err()
	case errors.Is(fatal, esp.ErrSignedOut):
		run.Outcome, err = store.OutcomeSignedOut, fatal
		run.Problem, run.Message = runProblem(fatal)
		if run.BatchesSynced > 0 {
			// What was written before the session ended is kept.
			if run.BatchesSynced == 1 {
				run.Message += " (after 1 batch was synced)"
			} else {
				run.Message += fmt.Sprintf(" (after %d batches were synced)", run.BatchesSynced)
			}
		}
	case fatal != nil:
		run.Outcome, err = store.OutcomeFailed, fatal
		run.Problem, run.Message = runProblem(fatal)
	case len(r.res.Failures) > 0:
		run.Outcome, run.Problem = store.OutcomePartial, store.SyncProblemItemsFailed
		run.Message = fmt.Sprintf("%d of %d items failed", len(r.res.Failures), len(r.res.Failures)+run.BatchesSynced)
		err = fmt.Errorf("%w: %s", ErrPartial, strings.Join(run.Errors, "; "))
	default:
		run.Outcome = store.OutcomeOK
	}
	// Record the outcome even when ctx was cancelled.
	if ferr := r.e.DB.FinishSyncRun(context.WithoutCancel(ctx), *run); ferr != nil && err == nil {
		err = fmt.Errorf("record sync result: %w", ferr)
	}
	r.rep.update(func(p *Progress) { p.Phase, p.Requests = PhaseDone, int64(run.Requests) })
	return r.res, err
}
