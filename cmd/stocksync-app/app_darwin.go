//go:build darwin

package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/stocksync/stocksync/core/app"
	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/lockfile"
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
	// safety rather than closed under a writer.
	closeWait = 10 * time.Second
	// demoLatencyEnv slows the built-in demo server down (e.g. "300ms" a
	// request), so a tester can quit in the middle of a sync
	// (docs/macos-manual-test.md). It changes nothing else.
	demoLatencyEnv = "STOCKSYNC_DEMO_LATENCY"
)

// appMain is the app's lifetime: what onReady opened and onExit closes.
type appMain struct {
	log      *slog.Logger
	dir      datadir.Dir
	lock     *lockfile.Lock
	setupErr error // from before systray started

	mu      sync.Mutex // onReady's goroutine against onExit on the main thread
	exiting bool
	db      *store.DB
	demo    *app.Demo
	ctrl    *app.Controller
	cancel  context.CancelFunc
}

// lockDataDir finds and creates the data folder and takes the app lock.
func (a *appMain) lockDataDir() error {
	env, err := datadir.CurrentEnv()
	if err != nil {
		return err
	}
	root, err := datadir.Resolve("", env)
	if err != nil {
		return err
	}
	a.dir = datadir.Dir{Root: root}
	if err := a.dir.Ensure(); err != nil {
		return err
	}
	a.lock, err = lockfile.TryAcquire(filepath.Join(root, lockName), command)
	return err
}

// ready is systray's onReady, on its own goroutine.
func (a *appMain) ready() {
	err := a.setupErr
	var ctx context.Context
	var ctrl *app.Controller
	if err == nil {
		ctx, ctrl, err = a.start()
	}
	if err != nil {
		a.log.Error("start", "err", err)
		darwin.Fatal("Stocksync could not start", err.Error())
		return
	}
	if ctrl != nil {
		darwin.Run(ctx, ctrl)
	}
}

// start opens the database and starts the controller with the real macOS
// pieces. It returns a nil controller when the app is already quitting.
func (a *appMain) start() (context.Context, *app.Controller, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	db, err := store.Open(ctx, a.dir.DB(), store.Options{BeforeMigrate: backup.BeforeMigrate(a.dir, nil)})
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("open the database in %s: %w", a.dir.Root, err)
	}
	notifier := darwin.NewNotifier()
	login, mechanism := darwin.NewLoginItems(home)
	demo := app.NewDemo(a.demoOptions())
	safety := backup.NewSafetySnapshotter(backup.SafetySnapshotterOptions{Dir: a.dir, DB: db})
	ctrl, err := app.New(app.Deps{
		DataDir:     a.dir,
		DB:          db,
		Home:        home,
		NewESP:      app.NewESPFactory(demo),
		Secrets:     secrets.Auto(),
		Login:       login,
		Notifier:    notifier,
		TimeMachine: timemachine.NewChecker(timemachine.SystemRunner(), home),
		Backups:     &app.BackupEngine{Dir: a.dir, DB: db},
		NewWatcher:  app.NewFolderWatcher(watch.Options{}),
		Safety:      safety,
		Command:     command,
	})
	if err != nil {
		safety.Close()
		cancel()
		if cerr := db.Close(); cerr != nil {
			a.log.Error("close the database", "err", cerr)
		}
		return nil, nil, err
	}
	notifier.OnAction(ctrl.NotificationAction)

	a.mu.Lock()
	defer a.mu.Unlock()
	if a.exiting {
		// onExit already ran and the process is ending: leave the
		// database to SQLite's crash safety, as onExit would have.
		cancel()
		return nil, nil, nil
	}
	a.db, a.demo, a.ctrl, a.cancel = db, demo, ctrl, cancel
	if err := ctrl.Start(ctx); err != nil {
		return nil, nil, err
	}
	a.log.Info("started", "version", version.Version, "data", a.dir.Root, "login", mechanism.String())
	return ctx, ctrl, nil
}

// exit is systray's onExit: on the main thread, while the app terminates
// (Quit, logout, shutdown). Nothing here may wait for the main thread.
func (a *appMain) exit() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.exiting = true
	if a.cancel != nil {
		a.cancel()
	}
	closed := true
	if a.ctrl != nil {
		done := make(chan error, 1)
		go func() { done <- a.ctrl.Close() }()
		select {
		case err := <-done:
			if err != nil {
				a.log.Error("stop", "err", err)
			}
		case <-time.After(closeWait):
			closed = false
			a.log.Error("stop: a sync or backup did not stop in time; leaving the database to SQLite's crash recovery")
		}
	}
	if a.demo != nil {
		a.demo.Close()
	}
	if a.db != nil && closed {
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
}

// demoOptions is the demo portfolio, slowed down when demoLatencyEnv asks.
func (a *appMain) demoOptions() espfake.Options {
	opts := app.DemoOptions()
	if v := os.Getenv(demoLatencyEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			a.log.Warn("ignoring "+demoLatencyEnv+": not a duration like 300ms", "value", v)
			return opts
		}
		opts.Latency = d
	}
	return opts
}
