//go:build darwin

package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/app"
	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/timemachine"
	"github.com/stocksync/stocksync/core/version"
	"github.com/stocksync/stocksync/core/watch"
	"github.com/stocksync/stocksync/darwin"
)

const (
	// lockName is the single-instance lock in the data folder; the sync
	// lock (datadir.LockName) is a different one, shared with the CLI.
	lockName = "app.lock"
	command  = "Stocksync app"
	// closeWait bounds how long quitting waits for a running sync or
	// backup to stop. Past it the database is left to SQLite's own crash
	// safety rather than closed under a writer. The menu stays responsive
	// meanwhile (applicationShouldTerminate: answers "later").
	closeWait = 10 * time.Second
	// demoLatencyEnv slows the built-in demo server down (e.g. "300ms" a
	// request), so a tester can quit in the middle of a sync
	// (docs/macos-manual-test.md). It changes nothing else.
	demoLatencyEnv = "STOCKSYNC_DEMO_LATENCY"
	// demoThrottleEnv makes the built-in demo server throttle requests
	// above this many a second as ESP's gateway does (403 with
	// X-Error-Detail), so a tester sees the app slow down and carry on
	// (docs/macos-manual-test.md).
	demoThrottleEnv = "STOCKSYNC_DEMO_THROTTLE_QPS"
)

// appMain is the app's lifetime: what onReady opened and onExit closes.
type appMain struct {
	log      *slog.Logger
	dir      datadir.Dir
	lock     *lockfile.Lock
	setupErr error // from before systray started
	notifier *darwin.Notifier
	selfTest *selfTestRun // nil unless --self-test

	mu      sync.Mutex // onReady's goroutine against stop and exit
	exiting bool
	db      *store.DB
	demo    *app.Demo
	ctrl    *app.Controller
	login   loginitem.Manager
	cancel  context.CancelFunc

	stopOnce sync.Once
	stopped  bool // the services stopped in time: the database may be closed
	exitOnce sync.Once
}

// lockDataDir finds and creates the data folder and takes the app lock.
// root, when set, is the data folder (the self-test's).
func (a *appMain) lockDataDir(root string) error {
	if root == "" {
		env, err := datadir.CurrentEnv()
		if err != nil {
			return err
		}
		if root, err = datadir.Resolve("", env); err != nil {
			return err
		}
	}
	a.dir = datadir.Dir{Root: root}
	if err := a.dir.Ensure(); err != nil {
		return err
	}
	var err error
	a.lock, err = lockfile.TryAcquire(filepath.Join(root, lockName), command)
	return err
}

// ready is systray's onReady, on its own goroutine. The status item comes
// first, saying "Starting…", so the app is visible (and can be quit) while
// the database opens.
func (a *appMain) ready() {
	f := darwin.Start()
	err := a.setupErr
	var ctx context.Context
	var ctrl *app.Controller
	if err == nil {
		ctx, ctrl, err = a.start()
	}
	if a.selfTest != nil {
		a.selfTest.started(err)
	}
	if err != nil {
		a.log.Error("start", "err", err)
		if a.selfTest != nil {
			f.Quit()
			return
		}
		title, body := "Stocksync could not start", err.Error()
		if al, ok := app.StartupProblem(a.dir, err); ok {
			title, body = al.Title, al.Body
		}
		f.Fatal(title, body)
		return
	}
	if ctrl == nil {
		return // quitting already
	}
	f.Run(ctx, ctrl)
	// After Run, which listens for effects: the click that launched the
	// app (kept by the delegate until now) opens its window.
	a.notifier.OnAction(ctrl.NotificationAction)
	if a.selfTest != nil {
		go a.selfTest.run(ctx, f, ctrl, a.login, a.notifier)
	}
}

// start opens the database and starts the controller with the real macOS
// pieces. It returns a nil controller when the app is already quitting.
func (a *appMain) start() (context.Context, *app.Controller, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, nil, err
	}
	// Complete or undo a restore a killed process left half done, and
	// remove leftover temporaries, before anything reads the folder. A
	// restore that cannot be completed stops the start (StartupProblem).
	rec, err := a.dir.Recover()
	if err != nil {
		return nil, nil, err
	}
	if rec.Completed != "" {
		a.log.Info("completed an interrupted "+rec.Completed, "data", a.dir.Root)
	}
	if len(rec.Removed) > 0 {
		a.log.Info("removed leftover temporary files", "count", len(rec.Removed))
	}
	ctx, cancel := context.WithCancel(context.Background())
	// A damaged database (*store.CorruptError) is refused by store.Open
	// without a write; ready() shows StartupProblem's alert and the app
	// never creates a new database in its place.
	db, err := store.Open(ctx, a.dir.DB(), store.Options{BeforeMigrate: backup.BeforeMigrate(a.dir, nil)})
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("open the database in %s: %w", a.dir.Root, err)
	}
	login, mechanism := darwin.NewLoginItems(home)
	demo := app.NewDemo(a.demoOptions())
	safety := backup.NewSafetySnapshotter(backup.SafetySnapshotterOptions{Dir: a.dir, DB: db,
		OnResult: app.LogSafetyResult(a.log.With("component", "safety"))})
	st := secrets.Auto()
	ctrl, err := app.New(app.Deps{
		DataDir:     a.dir,
		DB:          db,
		Home:        home,
		NewESP:      app.NewESPFactory(demo),
		Secrets:     st,
		Login:       login,
		Notifier:    a.notifier,
		TimeMachine: timemachine.NewChecker(timemachine.SystemRunner(), home),
		NewWatcher:  app.NewFolderWatcher(watch.Options{}),
		Logger:      a.log,
		Safety:      safety,
		Command:     command,
		APIRoot:     apiRoot(demo),
		SaveSession: sessionSaver(st),
	})
	if err != nil {
		safety.Close()
		cancel()
		if cerr := db.Close(); cerr != nil {
			a.log.Error("close the database", "err", cerr)
		}
		return nil, nil, err
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	if a.exiting {
		// The app is terminating: leave the database to SQLite's crash
		// safety, as a stop that timed out would.
		cancel()
		return nil, nil, nil
	}
	a.db, a.demo, a.ctrl, a.login, a.cancel = db, demo, ctrl, login, cancel
	if err := ctrl.Start(ctx); err != nil {
		return nil, nil, err
	}
	a.log.Info("started", "version", version.Version, "data", a.dir.Root, "login", mechanism.String())
	return ctx, ctrl, nil
}

// apiRoot is the web API root whose sign-in page the sign-in window opens:
// the demo server's own address for the demo, account.Endpoints otherwise.
func apiRoot(demo *app.Demo) func(config.Config) (string, error) {
	return func(cfg config.Config) (string, error) {
		if cfg.Server == config.ServerDemo {
			srv, err := demo.Server()
			if err != nil {
				return "", err
			}
			return srv.URL(), nil
		}
		root, _, err := account.Endpoints(cfg)
		return root, err
	}
}

// stopServices stops the controller (a running sync or backup is
// cancelled) and waits at most closeWait. It runs once: from
// applicationShouldTerminate:'s goroutine while the UI stays responsive,
// or from exit when that did not run.
func (a *appMain) stopServices() {
	a.stopOnce.Do(func() {
		a.mu.Lock()
		a.exiting = true
		ctrl, cancel := a.ctrl, a.cancel
		a.mu.Unlock()
		if cancel != nil {
			cancel()
		}
		a.stopped = true
		if ctrl == nil {
			return
		}
		done := make(chan error, 1)
		go func() { done <- ctrl.Close() }()
		select {
		case err := <-done:
			if err != nil {
				a.log.Error("stop", "err", err)
			}
		case <-time.After(closeWait):
			a.stopped = false
			a.log.Error("stop: a sync or backup did not stop in time; leaving the database to SQLite's crash recovery")
		}
	})
}

// exit is systray's onExit: on the main thread, while the app terminates
// (Quit, logout, shutdown). The services have normally stopped already
// (applicationShouldTerminate:); nothing here waits for the main thread.
func (a *appMain) exit() {
	a.exitOnce.Do(func() {
		a.stopServices()
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.demo != nil {
			a.demo.Close()
		}
		if a.db != nil && a.stopped {
			if err := a.db.Close(); err != nil {
				a.log.Error("close the database", "err", err)
			}
		}
		if a.lock != nil {
			if err := a.lock.Release(); err != nil {
				a.log.Error("release the app lock", "err", err)
			}
		}
		a.log.Info("quit")
		if a.selfTest != nil {
			a.selfTest.finish(a.stopped) // prints the report and exits
		}
	})
}

// demoOptions is the demo portfolio, slowed down when demoLatencyEnv asks
// and throttled when demoThrottleEnv does.
func (a *appMain) demoOptions() espfake.Options {
	opts := app.DemoOptions()
	if v := os.Getenv(demoLatencyEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			a.log.Warn("ignoring "+demoLatencyEnv+": not a duration like 300ms", "value", v)
		} else {
			opts.Latency = d
		}
	}
	if v := os.Getenv(demoThrottleEnv); v != "" {
		qps, err := strconv.ParseFloat(v, 64)
		if err != nil || !(qps > 0) || math.IsInf(qps, 1) { // NaN too
			a.log.Warn("ignoring "+demoThrottleEnv+": not a positive number of requests per second like 3", "value", v)
		} else {
			opts.ThrottleQPS = qps
		}
	}
	return opts
}
