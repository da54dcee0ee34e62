package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
	"github.com/stocksync/stocksync/core/thumbs"
)

// canSyncLocked: an account (or the demo) is set up and the data is there.
func (c *Controller) canSyncLocked() bool {
	return canSync(c.f) && !c.f.dbGone && !c.f.folderGone
}

// startSyncLocked starts a sync unless one runs or none is possible; it
// reports whether it started one. While signed out of ESP no sync starts:
// it would only fail again; signing in starts one.
func (c *Controller) startSyncLocked() bool {
	if c.f.sync.running || !c.canSyncLocked() || c.closed || c.ctx == nil || activeFailure(c.f) == failSignedOut {
		return false
	}
	c.syncDue = time.Time{}
	c.armLocked()
	c.f.sync.running = true
	c.f.sync.progress = syncer.Progress{Phase: syncer.PhaseStarting}
	cfg := c.f.cfg
	c.goLocked(func(ctx context.Context) { c.runSync(ctx, cfg) })
	c.publishLocked()
	return true
}

// scheduleSyncLocked arms the automatic-sync timer for one interval after
// the last sync started (now, if that is past). Nothing is armed while no
// sync could start (no account, data gone, signed out of ESP): waking up
// for it would do nothing. Whatever makes a sync possible again
// (accountChangedLocked, Woke) schedules anew.
func (c *Controller) scheduleSyncLocked() {
	c.syncDue = time.Time{}
	defer c.armLocked()
	every := time.Duration(c.f.cfg.SyncIntervalMinutes) * time.Minute
	if every <= 0 || c.closed || c.ctx == nil || !c.canSyncLocked() || activeFailure(c.f) == failSignedOut {
		return
	}
	wait := every
	if last := c.f.summary.LastSync; last != nil {
		wait = max(0, last.StartedAt.Add(every).Sub(c.clock.Now()))
	}
	if wait == 0 {
		wait = every // never run back to back: the next is due one interval after this
	}
	c.syncDue = c.clock.Now().Add(wait)
}

// dueLocked reports whether an automatic sync is due (after a wake).
func (c *Controller) dueLocked() bool {
	every := time.Duration(c.f.cfg.SyncIntervalMinutes) * time.Minute
	if every <= 0 {
		return false
	}
	last := c.f.summary.LastSync
	return last == nil || !c.clock.Now().Before(last.StartedAt.Add(every))
}

func (c *Controller) runSync(ctx context.Context, cfg config.Config) {
	client, err := c.espClient(ctx, cfg)
	var notes []notify.Notification
	persist := false // app-state.json changed
	if err == nil {
		firstSync := c.contributionsKnown() == 0
		lastSync := c.lastSyncStart()
		eng := &syncer.Engine{
			DB:               c.db,
			ESP:              client,
			LockPath:         c.dir.Lock(),
			Command:          c.deps.Command,
			Fetchers:         cfg.Concurrency,
			Progress:         c.onSyncProgress,
			ThumbnailsQueued: c.wakeThumbs,
			Now:              c.clock.Now,
		}
		var res syncer.Result
		res, err = eng.Run(ctx, syncer.Options{Push: cfg.PushLocalChanges})
		c.logSync(ctx, res, err)
		if ctx.Err() == nil {
			// Even a failed run may have stored some batches' decisions.
			notes, persist = c.reviewNews(ctx, firstSync, lastSync)
		}
	} else if ctx.Err() == nil {
		c.log.sync.Error("sync not started", "err", err)
	}
	c.readDB(context.WithoutCancel(ctx), true)

	c.mu.Lock()
	c.f.sync.running = false
	c.f.sync.progress = syncer.Progress{}
	now := c.clock.Now()
	var held *lockfile.HeldError
	switch {
	case err == nil || errors.Is(err, syncer.ErrPartial):
		c.f.sync.fail, c.f.sync.failMsg = failNone, ""
		c.f.sync.badCredsNotified = false
		if c.f.app.SignedOutNotified {
			c.f.app.SignedOutNotified, persist = false, true
		}
		c.startThumbsLocked()
	case ctx.Err() != nil:
		// Closing: nothing to tell.
	case errors.Is(err, secrets.ErrNotFound):
		c.f.creds = credFacts{note: c.f.creds.note}
	case errors.Is(err, esp.ErrSignedOut):
		c.forgetClientLocked()
		n, p := c.signedOutLocked()
		notes, persist = append(notes, n...), persist || p
	case errors.Is(err, esp.ErrBadCredentials):
		c.forgetClientLocked()
		c.f.sync.fail, c.f.sync.failedAt = failBadCredentials, now
		if !c.f.sync.badCredsNotified {
			c.f.sync.badCredsNotified = true
			notes = append(notes, signInNote())
		}
	case errors.As(err, &held):
		c.f.sync.fail, c.f.sync.failedAt, c.f.sync.holder = failHeld, now, held.Holder
	default:
		c.f.sync.fail, c.f.sync.failedAt, c.f.sync.failMsg = failOther, now, failureReason(err)
	}
	c.scheduleSyncLocked()
	c.publishLocked()
	c.mu.Unlock()
	if persist {
		c.persistAppState()
	}
	c.notify(ctx, notes...)
}

// lastSyncStart is when the last sync known at the last refresh started
// (zero: none).
func (c *Controller) lastSyncStart() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.f.summary.LastSync; r != nil {
		return r.StartedAt
	}
	return time.Time{}
}

// contributionsKnown is how many contributions the database held at the
// last refresh, those removed from ESP included.
func (c *Controller) contributionsKnown() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.f.summary.Files + c.f.summary.FilesRemoved
}

func (c *Controller) onSyncProgress(p syncer.Progress) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.f.sync.running || p.Phase == syncer.PhaseDone {
		return // the run's end is published with its outcome
	}
	c.f.sync.progress = p
	c.publishLocked() // the engine's reports are throttled already (four a second, the last counts always sent)
}

func (c *Controller) wakeThumbs() {
	select {
	case c.thumbWake <- struct{}{}:
	default:
	}
}

// espClient returns the client for cfg and the stored credentials, reusing
// the last one while neither changed (it holds the session and the request
// rate ESP tolerates). A warm client is returned without reading the
// keychain (a round trip to the macOS keychain each time): the credentials
// are read only to build a client, and the client is forgotten whenever
// the account may have changed (accountChangedLocked for the app's own
// sign-ins and settings, forgetClientLocked when ESP refuses the sign-in
// or ends the session, so the next sync reads the keychain again and
// picks up a sign-in made elsewhere, such as `stocksync signin`). Callers
// that ask at once (Start's thumbnail resume and the first sync, a Verify
// click) share one build through a singleflight group, so the app signs in
// once. A client built afresh starts at the rate a recent sync learned
// (newClient).
func (c *Controller) espClient(ctx context.Context, cfg config.Config) (ESPClient, error) {
	ck := configKey(cfg)
	if cl := c.cachedClient(ck); cl != nil {
		return cl, nil
	}
	var creds secrets.Credentials
	if cfg.Server != config.ServerDemo {
		var err error
		creds, err = c.deps.Secrets.Load()
		if err != nil {
			return nil, &credentialsError{err}
		}
	}
	key := clientKey(cfg, creds)
	v, err, _ := c.clientBuild.Do(key, func() (any, error) {
		c.mu.Lock()
		if c.client != nil && c.clientKey == key {
			cl := c.client
			c.mu.Unlock()
			return cl, nil // a flight that just ended built it
		}
		c.mu.Unlock()
		cl, err := c.newClient(ctx, cfg, creds)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.client, c.clientKey = cl, key
		c.fetcher.set(cl)
		c.mu.Unlock()
		return cl, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(ESPClient), nil
}

// cachedClient is the current client if it was built for the settings
// configKey describes, else nil.
func (c *Controller) cachedClient(cfgKey string) ESPClient {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client != nil && strings.HasPrefix(c.clientKey, cfgKey+"|") {
		return c.client
	}
	return nil
}

// forgetClientLocked drops the client after ESP refused its sign-in or
// ended its session: the next sync reads the keychain again and builds a
// client with what it holds then. c.mu is held.
func (c *Controller) forgetClientLocked() { c.client, c.clientKey = nil, "" }

// learnedRateFor is how long a learned request rate seeds a new client,
// as in the CLI's sync.
const learnedRateFor = 7 * 24 * time.Hour

// newClient builds a client with Deps.NewESP, starting at the request rate
// (requests per second) ESP tolerated when it last throttled a sync
// (store.LearnedRate, saved by the syncer) if that is under a week old.
func (c *Controller) newClient(ctx context.Context, cfg config.Config, creds secrets.Credentials) (ESPClient, error) {
	var opts account.ClientOptions
	rps, at, err := c.db.LearnedRate(ctx)
	switch {
	case err != nil && !errors.Is(err, store.ErrNotFound):
		c.log.sync.Warn("read the learned request rate; starting at the configured rate", "err", err)
	case err == nil && rps > 0 && c.clock.Now().Sub(at) < learnedRateFor:
		opts.InitialRate = rps
		c.log.sync.Info("starting at the request rate ESP tolerated last", "requests_per_second", rps)
	}
	return c.deps.NewESP(cfg, creds, opts)
}

// configKey identifies the settings a client was built for.
func configKey(cfg config.Config) string {
	return fmt.Sprintf("%s|%s|%s|%s", cfg.Server, cfg.APIRoot, cfg.TokenURL, cfg.AuthScheme)
}

// clientKey identifies what a client was built from: configKey, then the
// credentials; secrets are compared, never kept in the key in clear.
func clientKey(cfg config.Config, creds secrets.Credentials) string {
	h := sha256.New()
	for _, s := range []string{creds.Password.Reveal(), creds.APIKey.Reveal(), creds.APISecret.Reveal()} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return fmt.Sprintf("%s|%q|%x", configKey(cfg), creds.Username, h.Sum(nil))
}

// startThumbsLocked starts the thumbnail downloader once a client exists: jobs
// tried without one would only fail and use up their attempts.
func (c *Controller) startThumbsLocked() {
	if c.thumbsOn || c.client == nil {
		c.wakeThumbs()
		return
	}
	c.thumbsOn = true
	d := &thumbs.Downloader{DB: c.db, Fetch: c.fetcher, Dir: c.dir.Thumbnails(), Now: c.clock.Now,
		Clock: c.clock, OnError: c.logThumbError}
	c.serviceLocked(func(ctx context.Context) { d.Run(ctx, c.thumbWake) })
}

// logThumbError logs what the downloader reports (from its workers): a job
// that will be tried again at debug level, everything else as a warning.
func (c *Controller) logThumbError(err error) {
	var je *thumbs.JobError
	if errors.As(err, &je) && !je.Final {
		c.log.thumbs.Debug("download failed; tried again later", "err", err)
		return
	}
	c.log.thumbs.Warn("thumbnail or release document download", "err", err)
}

// logSync logs a sync's outcome: failures with their error, a partial
// run with each failure, a good one with its counts.
func (c *Controller) logSync(ctx context.Context, res syncer.Result, err error) {
	r := res.Run
	switch {
	case err == nil:
		c.log.sync.Info("sync done", "run", r.ID, "batches", r.BatchesSynced, "files", r.FilesWritten, "edits_sent", r.EditsSent, "requests", r.Requests)
	case ctx.Err() != nil:
		c.log.sync.Info("sync cancelled", "run", r.ID)
	case errors.Is(err, syncer.ErrPartial):
		c.log.sync.Warn("sync finished with failures", "run", r.ID, "failures", len(res.Failures), "err", err)
	default:
		c.log.sync.Error("sync failed", "run", r.ID, "err", err)
	}
}

// currentFetcher hands thumbnail and release document downloads to the
// current ESP client, so the downloader survives a change of account. It is
// a thumbs.ReleaseFetcher: the downloader fetches release documents after
// the thumbnails, as the CLI's does.
type currentFetcher struct {
	mu sync.Mutex
	f  ESPClient
}

func (cf *currentFetcher) set(f ESPClient) {
	cf.mu.Lock()
	cf.f = f
	cf.mu.Unlock()
}

func (cf *currentFetcher) DownloadThumbnail(ctx context.Context, rawURL string, w io.Writer, maxBytes int64) (int64, string, error) {
	cf.mu.Lock()
	f := cf.f
	cf.mu.Unlock()
	if f == nil {
		return 0, "", errors.New("no ESP account set up")
	}
	return f.DownloadThumbnail(ctx, rawURL, w, maxBytes)
}

// credentialsError: the stored ESP account could not be read.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return "read the ESP account: " + e.err.Error() }
func (e *credentialsError) Unwrap() error { return e.err }

func (cf *currentFetcher) DownloadRelease(ctx context.Context, rawURL string, w io.Writer, maxBytes int64) (int64, string, error) {
	cf.mu.Lock()
	f := cf.f
	cf.mu.Unlock()
	if f == nil {
		return 0, "", errors.New("no ESP account set up")
	}
	return f.DownloadRelease(ctx, rawURL, w, maxBytes)
}

var _ thumbs.ReleaseFetcher = (*currentFetcher)(nil)
