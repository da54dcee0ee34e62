package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/stocksync/stocksync/core/clock"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// Controller owns the running pieces of the app and publishes what they do
// as published States. Create it with New, start it with Start and stop it
// with Close. All methods are safe for concurrent use.
//
// Fields below mu are guarded by it; methods whose names end in Locked
// expect it held. Everything above mu is set by New and never changes.
type Controller struct {
	deps      Deps
	dir       datadir.Dir
	db        *store.DB
	clock     clock.Clock
	statePath string // the reminder bookkeeping (appstate.go)
	thumbWake chan struct{}
	done      chan struct{} // closed by Close
	fetcher   *currentFetcher
	log       logs
	// onPublish, set by tests before Start, sees every published state
	// in order (Watch merges them).
	onPublish func(State)

	saveMu sync.Mutex // serialises writes of app-state.json (persistAppState)

	mu        sync.Mutex
	ctx       context.Context // services' context; nil before Start
	cancel    context.CancelFunc
	started   bool
	closed    bool
	wg        sync.WaitGroup
	f         facts
	client    ESPClient // built on first use, dropped when the settings change
	clientKey string
	// clientBuild makes callers asking for the same client at once share
	// one build (espClient); it has its own lock.
	clientBuild singleflight.Group
	thumbsOn    bool // the downloader runs
	watchers    map[*watcher]struct{}
	effectSubs  map[*effectSub]struct{}
	published   State
	hasPub      bool
	watcher     Watcher
	// The one timer for what is due next (timer.go): the automatic sync
	// at syncDue and the Time Machine and reminder check at recheckDue
	// (zero: not scheduled). dueGen tells a stale firing from the current.
	dueTimer   clock.Timer
	dueAt      time.Time
	dueGen     uint64
	syncDue    time.Time
	recheckDue time.Time
}

// Intervals the controller works at.
const (
	// recheckEvery bounds the wait between two Time Machine and reminder checks.
	recheckEvery = 6 * time.Hour
	// defaultCommand names the app in the sync lock.
	defaultCommand = "Stocksync app"
)

// New checks deps and reads the settings, the credentials' presence and the
// database summary, so the first published state already shows them. It starts
// nothing: call Start.
func New(deps Deps) (*Controller, error) {
	switch {
	case deps.DataDir.Root == "":
		return nil, errors.New("app: no data folder")
	case deps.DB == nil:
		return nil, errors.New("app: no database")
	case deps.NewESP == nil:
		return nil, errors.New("app: no ESP client factory")
	case deps.Secrets == nil:
		return nil, errors.New("app: no credential store")
	case deps.Login == nil:
		return nil, errors.New("app: no login item manager")
	case deps.Notifier == nil:
		return nil, errors.New("app: no notifier")
	case deps.TimeMachine == nil:
		return nil, errors.New("app: no Time Machine checker")
	}
	if deps.Clock == nil {
		deps.Clock = clock.System()
	}
	if deps.Command == "" {
		deps.Command = defaultCommand
	}
	c := &Controller{
		deps:       deps,
		dir:        deps.DataDir,
		db:         deps.DB,
		clock:      deps.Clock,
		statePath:  filepath.Join(deps.DataDir.Root, appStateName),
		thumbWake:  make(chan struct{}, 1),
		done:       make(chan struct{}),
		fetcher:    &currentFetcher{},
		log:        newLogs(deps.Logger),
		watchers:   map[*watcher]struct{}{},
		effectSubs: map[*effectSub]struct{}{},
	}
	c.f.dataDir = deps.DataDir.Root
	c.f.home = deps.Home
	c.f.cfg, c.f.cfgErr = loadConfig(c.dir.Config())
	if c.f.cfgErr != nil {
		c.log.app.Error("read the settings", "err", c.f.cfgErr)
	}
	c.f.creds = c.readCredentials()
	c.f.app, c.f.appErr = loadAppState(c.statePath)
	if c.f.appErr != nil {
		c.log.app.Error("read the reminder state", "err", c.f.appErr)
	}
	ctx := context.Background()
	c.refreshDBFacts(ctx)
	return c, nil
}

// Start starts the services: the automatic sync (one now when an account or
// the demo is set up, then every interval), the thumbnail downloader, the
// data-folder watcher, the Time Machine and launch-at-login checks and the
// reminder scheduler. Cancelling ctx stops them like Close, without waiting.
func (c *Controller) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("app: controller is closed")
	}
	if c.started {
		return errors.New("app: controller already started")
	}
	c.started = true
	c.ctx, c.cancel = context.WithCancel(ctx)
	if c.deps.NewWatcher != nil {
		w, err := c.deps.NewWatcher(c.dir.Root)
		if err != nil {
			c.f.watchErr = fmt.Sprintf("%v", err)
			c.log.watch.Error("changes to the data folder are not watched", "err", err)
		} else {
			c.watcher = w
			c.serviceLocked(func(ctx context.Context) { c.watchFolder(ctx, w) })
		}
	}
	c.goLocked(c.refreshLogin)
	c.goLocked(func(ctx context.Context) {
		c.refreshTimeMachine(ctx)
		c.excludeThumbnailsFromTM(ctx)
		c.checkReminders(ctx)
	})
	// Thumbnails queued before a restart resume at once, whether or not an
	// automatic sync is due: the queue is in the database.
	cfg := c.f.cfg
	c.goLocked(func(ctx context.Context) {
		if _, err := c.espClient(ctx, cfg); err == nil {
			c.mu.Lock()
			c.startThumbsLocked()
			c.mu.Unlock()
		}
	})
	if c.canSyncLocked() && c.f.cfg.SyncIntervalMinutes > 0 {
		c.startSyncLocked()
	} else {
		c.scheduleSyncLocked()
	}
	c.publishLocked()
	return nil
}

// Close stops every service, cancels a running sync or backup, and waits for
// them to end. The database stays open: the caller closes it.
func (c *Controller) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	if c.cancel != nil {
		c.cancel()
	}
	if c.dueTimer != nil {
		c.dueTimer.Stop()
	}
	w := c.watcher
	close(c.done)
	c.mu.Unlock()
	var err error
	if w != nil {
		if cerr := w.Close(); cerr != nil {
			err = fmt.Errorf("stop data folder watcher: %w", cerr)
		}
	}
	c.wg.Wait()
	if c.deps.Safety != nil {
		c.deps.Safety.Close()
	}
	return err
}

// goLocked runs fn, a task that ends by itself, on a goroutine that Close
// waits for. It does nothing once the controller is closed or before it is
// started.
func (c *Controller) goLocked(fn func(ctx context.Context)) {
	if c.closed || c.ctx == nil {
		return
	}
	c.f.tasks++
	if c.hasPub { // Start publishes its first state once all is started
		c.publishLocked() // State.Idle is false from now on
	}
	c.serviceLocked(func(ctx context.Context) {
		defer c.update(func() { c.f.tasks-- })
		fn(ctx)
	})
}

// serviceLocked runs fn, which runs until ctx ends, on a goroutine that
// Close waits for.
func (c *Controller) serviceLocked(fn func(ctx context.Context)) {
	if c.closed || c.ctx == nil {
		return
	}
	ctx := c.ctx
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		fn(ctx)
	}()
}

// afterLocked calls fn with the lock held once d has passed, unless the
// controller closed meanwhile.
func (c *Controller) afterLocked(d time.Duration, fn func()) clock.Timer {
	return c.clock.AfterFunc(d, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.closed {
			return
		}
		fn()
	})
}

// update runs fn with the lock held and publishes the result.
func (c *Controller) update(fn func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fn()
	c.publishLocked()
}

// State returns the current state, rendered now.
func (c *Controller) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.renderLocked()
}

func (c *Controller) renderLocked() State {
	return render(c.f, c.clock.Now())
}

func loadConfig(path string) (config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return config.Default(), err
	}
	return cfg, nil
}
