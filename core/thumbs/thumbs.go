package thumbs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
)

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
	// MaxBytes bounds one thumbnail; default 8 MiB.
	MaxBytes int64
	// MaxAttempts before a job is marked failed; default 3.
	MaxAttempts int
	// Progress, if set, is told after each finished job.
	Progress func(Stats)
	Now      func() time.Time

	mu    sync.Mutex
	stats Stats
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

// Drain downloads until the queue is empty (or ctx ends). Jobs that fail
// temporarily are retried within the same call up to MaxAttempts.
func (d *Downloader) Drain(ctx context.Context) error {
	workers := d.Workers
	if workers <= 0 {
		workers = 8
	}
	for {
		jobs, err := d.DB.NextThumbnails(ctx, workers*4, nil)
		if err != nil {
			return err
		}
		if len(jobs) == 0 {
			return nil
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(workers)
		for _, j := range jobs {
			g.Go(func() error { return d.one(gctx, j) })
		}
		if err := g.Wait(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// Run drains the queue, then waits for wake (a sync queued more) and drains
// again, until ctx ends. Errors reading the queue are retried after a pause.
func (d *Downloader) Run(ctx context.Context, wake <-chan struct{}) {
	for {
		if err := d.Drain(ctx); err != nil && ctx.Err() == nil {
			select {
			case <-time.After(30 * time.Second):
			case <-ctx.Done():
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		}
	}
}

func (d *Downloader) one(ctx context.Context, j store.ThumbJob) error {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 3
	}
	name := FileName(j.ContributionID)
	n, err := d.download(ctx, j.URL, name)
	if ctx.Err() != nil {
		return ctx.Err() // leave the job queued for the next run
	}
	final := err == nil || j.Attempts+1 >= maxAttempts || permanent(err)
	if ferr := d.DB.FinishThumbnail(context.WithoutCancel(ctx), j, filepath.ToSlash(name), err, final, now()); ferr != nil {
		return ferr
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
	return nil
}

func (d *Downloader) download(ctx context.Context, url, name string) (int64, error) {
	max := d.MaxBytes
	if max <= 0 {
		max = esp.DefaultMaxThumbnailBytes
	}
	var buf bytes.Buffer
	n, _, err := d.Fetch.DownloadThumbnail(ctx, url, &buf, max)
	if err != nil {
		return 0, err
	}
	if kind := http.DetectContentType(buf.Bytes()); !isImage(kind) {
		return 0, &notImageError{kind}
	}
	dst := filepath.Join(d.Dir, name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return 0, fmt.Errorf("create thumbnails folder: %w", err)
	}
	if err := atomicfile.WriteFile(dst, buf.Bytes(), 0o600); err != nil {
		return 0, err
	}
	return n, nil
}

type notImageError struct{ kind string }

func (e *notImageError) Error() string {
	return fmt.Sprintf("the thumbnail is not an image (it is %s); it was not saved", e.kind)
}

func isImage(kind string) bool {
	switch kind {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp":
		return true
	}
	return false
}

// permanent errors are not worth retrying.
func permanent(err error) bool {
	var ni *notImageError
	return errors.As(err, &ni) || errors.Is(err, esp.ErrNotFound) || errors.Is(err, esp.ErrTooLarge) ||
		errors.Is(err, esp.ErrForbidden) || errors.Is(err, esp.ErrUnexpected)
}
