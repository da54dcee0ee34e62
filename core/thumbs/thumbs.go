package thumbs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/clock"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
)

// MaxBytes bounds one thumbnail by default. ESP's thumbnails are tens of
// kilobytes; a larger body is not a thumbnail, and with eight downloads at
// once a generous limit multiplies into hundreds of megabytes.
const MaxBytes = 2 << 20

// Fetcher downloads one URL (*esp.Client).
type Fetcher interface {
	DownloadThumbnail(ctx context.Context, rawURL string, w io.Writer, maxBytes int64) (int64, string, error)
}

// Downloader works through the thumbnail queue.
type Downloader struct {
	DB      *store.DB
	Fetch   Fetcher
	Dir     string // the data folder's thumbnails/
	Workers int    // default 8
	// MaxBytes bounds one thumbnail; default MaxBytes (2 MiB).
	MaxBytes int64
	// MaxAttempts before a job is marked failed; default 3.
	MaxAttempts int
	// Progress, if set, is told after each finished thumbnail job.
	Progress func(Stats)
	// OnError, if set, is told of every failure, so a long-running app can
	// log it: a thumbnail or release document that could not be downloaded
	// (a *JobError) and a queue that could not be read or drained (the
	// store's or ctx's error). It runs on the downloader's goroutines, at
	// most Workers at once, and must not block for long.
	OnError func(error)
	// Clock times Run's retry pause and, unless Now is set, the jobs'
	// updated_at; default clock.System().
	Clock clock.Clock
	// Now, if set, stamps the jobs instead of Clock.Now.
	Now func() time.Time
	// ReleasesDir is the data folder's releases/, where release documents
	// go when Fetch can download them (ReleaseFetcher); default: the
	// releases folder beside Dir.
	ReleasesDir string
	// MaxDocBytes bounds one release document; default MaxDocBytes.
	MaxDocBytes int64

	mu        sync.Mutex
	stats     Stats
	docStats  Stats
	sweepOnce sync.Once
	// requeueOnce checks once per Downloader that downloaded documents are still there.
	requeueOnce sync.Once
	// thumbCheckOnce does the same for thumbnails.
	thumbCheckOnce sync.Once
	// made holds the fan-out folders already created (mkdir).
	made sync.Map
}

// sweepTemps removes temporary files a killed download left behind, in
// thumbnails/ and releases/. Only names atomicfile made, and only old ones:
// another process's download in flight is minutes younger.
func (d *Downloader) sweepTemps() {
	cutoff := time.Now().Add(-time.Hour)
	for _, dir := range []string{d.Dir, d.releasesDir()} {
		filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !atomicfile.IsTemp(p) {
				return nil
			}
			if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
				os.Remove(p)
			}
			return nil
		})
	}
}

// Stats counts a downloader's work since it was created.
type Stats struct {
	Done, Failed, Retried int
	Bytes                 int64
}

// Stats returns the counts so far.
func (d *Downloader) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// FileName is where a file's thumbnail goes, relative to the thumbnails
// folder: two hex characters of fan-out and a SHA-256 name. It is never built
// from server strings beyond hashing the ID.
func FileName(contributionID string) string {
	sum := sha256.Sum256([]byte(contributionID))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(h[:2], h+".img")
}

// Drain downloads until the thumbnail queue, then the release document
// queue, is empty (or ctx ends). Jobs that fail temporarily are retried
// within the same call up to MaxAttempts.
func (d *Downloader) Drain(ctx context.Context) error {
	d.sweepOnce.Do(d.sweepTemps)
	d.requeueThumbs(ctx)
	workers := d.Workers
	if workers <= 0 {
		workers = 8
	}
	slots := make(chan struct{}, workers)
	if err := drain(ctx, workers, d.DB.NextThumbnails, func(j store.ThumbJob) string { return j.ContributionID },
		func(ctx context.Context, j store.ThumbJob) (bool, error) { return d.one(ctx, j, slots) }); err != nil {
		return err
	}
	return d.drainReleaseDocs(ctx, workers)
}

// drain works through a queue, workers jobs at once, in passes; it runs
// twice as many goroutines, so that a job's download (which one bounds to
// workers at once) overlaps the previous job's checking and saving. Within a
// pass the queue is read ahead while downloads run (no round waits for its
// slowest job): each read skips the jobs in flight or already tried in this
// pass. A job that did not leave the queue (it failed but has attempts
// left, or ESP was unavailable) is tried again in the next pass. A pass
// ends when the queue has nothing new, or after workers×4 jobs in a row
// settled nothing (an outage: they stay queued for a later try instead of
// being tried again at once); drain returns after a pass that settled no
// job, or when ctx ends.
func drain[J any](ctx context.Context, workers int, next func(context.Context, int, map[string]bool) ([]J, error),
	key func(J) string, one func(context.Context, J) (bool, error)) error {
	for {
		settled, err := drainPass(ctx, workers, next, key, one)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if settled == 0 {
			return nil
		}
	}
}

func drainPass[J any](ctx context.Context, workers int, next func(context.Context, int, map[string]bool) ([]J, error),
	key func(J) string, one func(context.Context, J) (bool, error)) (int, error) {
	var mu sync.Mutex
	skip := map[string]bool{} // in flight, or tried in this pass and still queued
	settled, streak := 0, 0
	jobs := make(chan J)
	g, gctx := errgroup.WithContext(ctx)
	for range 2 * workers {
		g.Go(func() error {
			for j := range jobs {
				done, err := one(gctx, j)
				mu.Lock()
				if done {
					settled++
					streak = 0
					delete(skip, key(j)) // it left the queue
				} else {
					streak++
				}
				mu.Unlock()
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(jobs)
		for {
			mu.Lock()
			if streak >= workers*4 {
				mu.Unlock()
				return nil
			}
			busy := maps.Clone(skip)
			mu.Unlock()
			list, err := next(gctx, workers*2, busy)
			if err != nil || len(list) == 0 {
				return err
			}
			mu.Lock()
			for _, j := range list {
				skip[key(j)] = true
			}
			mu.Unlock()
			for _, j := range list {
				select {
				case jobs <- j:
				case <-gctx.Done():
					return nil // the cause is a worker's error or ctx's
				}
			}
		}
	})
	err := g.Wait()
	return settled, err
}

// RetryPause is how long Run waits before trying jobs again that could not
// be fetched because ESP was unavailable.
const RetryPause = 5 * time.Minute

// Run drains the queue, then waits for wake (a sync queued more) and drains
// again, until ctx ends. Jobs left queued by an outage, and errors reading
// the queue, are retried after RetryPause on Clock; an empty queue arms no
// timer, so an idle Run never wakes the process. Errors go to OnError.
func (d *Downloader) Run(ctx context.Context, wake <-chan struct{}) {
	for {
		err := d.Drain(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			d.report(err)
		}
		left, qerr := d.DB.NextThumbnails(ctx, 1, nil)
		if d.releaseFetcher() != nil {
			docs, derr := d.DB.NextReleaseDocs(ctx, 1, nil)
			qerr = errors.Join(qerr, derr)
			for range docs {
				left = append(left, store.ThumbJob{})
			}
		}
		if qerr != nil && ctx.Err() == nil {
			d.report(qerr)
		}
		var retry chan struct{}
		var t clock.Timer
		if err != nil || qerr != nil || len(left) > 0 {
			retry = make(chan struct{})
			t = d.clock().AfterFunc(RetryPause, func() { close(retry) })
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-retry:
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

func (d *Downloader) clock() clock.Clock {
	if d.Clock != nil {
		return d.Clock
	}
	return clock.System()
}

func (d *Downloader) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return d.clock().Now()
}

func (d *Downloader) report(err error) {
	if d.OnError != nil {
		d.OnError(err)
	}
}

// JobError is one download that failed: what it was for, and whether it
// left the queue for good (Final) or waits for a later try.
type JobError struct {
	// Kind is "thumbnail" or "release document".
	Kind string
	// ContributionID is the file (thumbnails); BatchID and ReleaseID the
	// release (release documents).
	ContributionID, BatchID, ReleaseID string
	// Attempt is this try's number, from 1.
	Attempt int
	Final   bool
	Err     error
}

func (e *JobError) Error() string {
	what := e.Kind + " of file " + e.ContributionID
	if e.Kind == KindReleaseDoc {
		what = e.Kind + " " + e.ReleaseID + " of batch " + e.BatchID
	}
	if e.Final {
		return fmt.Sprintf("%s failed for good on try %d: %v", what, e.Attempt, e.Err)
	}
	return fmt.Sprintf("%s failed on try %d and stays queued: %v", what, e.Attempt, e.Err)
}

func (e *JobError) Unwrap() error { return e.Err }

// JobError kinds.
const (
	KindThumbnail  = "thumbnail"
	KindReleaseDoc = "release document"
)

// one downloads a job. settled reports whether the job left the queue (done
// or failed for good).
func (d *Downloader) one(ctx context.Context, j store.ThumbJob, slots chan struct{}) (settled bool, _ error) {
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 3
	}
	name := FileName(j.ContributionID)
	n, err := d.download(ctx, j.URL, name, slots)
	if ctx.Err() != nil {
		return false, ctx.Err() // leave the job queued for the next run
	}
	// A passing outage must not use up a job's attempts: the client already
	// retried with backoff, so the job simply waits for a later round.
	final := err == nil || (!temporary(err) && (j.Attempts+1 >= maxAttempts || permanent(err)))
	if ferr := d.DB.FinishThumbnail(context.WithoutCancel(ctx), j, filepath.ToSlash(name), err, final, d.now()); ferr != nil {
		return false, ferr
	}
	if err != nil {
		d.report(&JobError{Kind: KindThumbnail, ContributionID: j.ContributionID, Attempt: j.Attempts + 1, Final: final, Err: err})
	}
	d.mu.Lock()
	switch {
	case err == nil:
		d.stats.Done++
		d.stats.Bytes += n
	case final:
		d.stats.Failed++
	default:
		d.stats.Retried++
	}
	s := d.stats
	d.mu.Unlock()
	if d.Progress != nil {
		d.Progress(s)
	}
	return final, nil
}

// download fetches a thumbnail, checks that it is a whole image, and saves
// it. The fetch holds one of slots (Workers of them) only while the request
// is under way: checking and saving the image (an fsync) overlap the next
// download, so Workers requests stay in flight.
func (d *Downloader) download(ctx context.Context, url, name string, slots chan struct{}) (int64, error) {
	max := d.MaxBytes
	if max <= 0 {
		max = MaxBytes
	}
	buf := getBuffer()
	defer putBuffer(buf)
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	n, _, err := d.Fetch.DownloadThumbnail(ctx, url, buf, max)
	<-slots
	if err != nil {
		return 0, err
	}
	if err := checkImage(buf.Bytes()); err != nil {
		return 0, err
	}
	if err := d.saveRefetchable(name, buf.Bytes()); err != nil {
		return 0, err
	}
	return n, nil
}

// buffers holds download buffers for reuse: thumbnails are tens of
// kilobytes, and one buffer per download would be garbage at hundreds a second.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled keeps an unusually large body's buffer out of the pool.
const maxPooled = 256 << 10

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooled {
		b.Reset()
		buffers.Put(b)
	}
}

// save writes data atomically to dir/name, creating the fan-out folder.
func save(dir, name string, data []byte, what string) error {
	dst := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("create %s folder: %w", what, err)
	}
	return atomicfile.WriteFile(dst, data, 0o600)
}

// saveRefetchable writes a thumbnail whole (a temporary file, fsynced, then
// renamed into place) without the fsync of its folder that makes the rename
// itself durable: a thumbnail can be fetched again, and one whose rename a
// power cut undid is queued again by the next Drain (requeueThumbs). That is
// one fsync per image instead of two, on the downloader's critical path.
func (d *Downloader) saveRefetchable(name string, data []byte) (err error) {
	dst := filepath.Join(d.Dir, name)
	if err := d.mkdir(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("create thumbnails folder: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(dst), atomicfile.TempPrefix+filepath.Base(dst)+"-*")
	if errors.Is(err, fs.ErrNotExist) {
		// The folder went away since it was made (deleted by hand): make it again.
		d.made.Delete(filepath.Dir(dst))
		if err = d.mkdir(filepath.Dir(dst)); err == nil {
			f, err = os.CreateTemp(filepath.Dir(dst), atomicfile.TempPrefix+filepath.Base(dst)+"-*")
		}
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: flush to disk: %w", dst, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err = os.Rename(f.Name(), dst); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return nil
}

// mkdir creates a fan-out folder once per Downloader instead of once per
// image (256 folders; a MkdirAll is a system call per path element).
func (d *Downloader) mkdir(dir string) error {
	if _, ok := d.made.Load(dir); ok {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	d.made.Store(dir, true)
	return nil
}

// requeueThumbs queues again every downloaded thumbnail whose file is gone
// (deleted by hand, a restore without thumbnails/, or a rename a power cut
// undid), once per Downloader.
func (d *Downloader) requeueThumbs(ctx context.Context) {
	d.thumbCheckOnce.Do(func() {
		n, err := d.DB.RequeueMissingThumbnails(ctx, func(file string) bool {
			_, err := os.Stat(filepath.Join(d.Dir, filepath.FromSlash(file)))
			return err == nil
		}, d.now())
		if err != nil && ctx.Err() == nil {
			d.report(fmt.Errorf("check downloaded thumbnails: %w", err))
		} else if n > 0 {
			d.report(fmt.Errorf("downloaded thumbnails missing from %s, queued again: %d", d.Dir, n))
		}
	})
}

type notImageError struct {
	kind string
	err  error
	doc  bool // a release document, not a thumbnail
}

func (e *notImageError) Error() string {
	if e.doc {
		return fmt.Sprintf("the release document is %s; it was not saved", e.kind)
	}
	if e.err != nil {
		return fmt.Sprintf("the thumbnail is %s (%v); it was not saved", e.kind, e.err)
	}
	return fmt.Sprintf("the thumbnail is not an image (it is %s); it was not saved", e.kind)
}

// isImage accepts the formats whose structure checkImage walks, so every
// saved thumbnail is known to be whole.
func isImage(kind string) bool {
	switch kind {
	case "image/jpeg", "image/png", "image/gif":
		return true
	}
	return false
}

// temporary errors pass by themselves (ESP unavailable or limiting the
// rate) or once the user signs in again (a download from the ESP host with
// an expired session): the job waits, its attempts are not used up.
func temporary(err error) bool {
	return errors.Is(err, esp.ErrUnavailable) || errors.Is(err, esp.ErrRateLimited) || errors.Is(err, esp.ErrSignedOut)
}

// permanent errors are not worth retrying.
func permanent(err error) bool {
	var ni *notImageError
	return errors.As(err, &ni) || errors.Is(err, esp.ErrNotFound) || errors.Is(err, esp.ErrTooLarge) ||
		errors.Is(err, esp.ErrForbidden) || errors.Is(err, esp.ErrUnexpected)
}
