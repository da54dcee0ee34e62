//go:build darwin

// Command stocksync-app is the Stocksync menu-bar app (Stocksync.app). It
// wires the core controller (core/app) to the macOS frontend (darwin/):
// main only starts systray, which owns the main thread; onReady opens the
// data folder and starts everything; onExit stops it.
package main

import (
	"errors"
	"os"

	"github.com/getlantern/systray"

	"github.com/stocksync/stocksync/core/lockfile"
)

func main() {
	log := openLog()
	a := &appMain{log: log}
	// Before any UI: a second copy of the app exits here, quietly.
	if err := a.lockDataDir(); errors.Is(err, lockfile.ErrHeld) {
		log.Info("another Stocksync app already runs on this data folder; exiting", "err", err)
		os.Exit(0)
	} else if err != nil {
		a.setupErr = err // shown by onReady, where an alert can be
	}
	// systray's init locked this goroutine to the main thread; Run runs the
	// Cocoa event loop and never returns (defers here would never run).
	systray.Run(a.ready, a.exit)
}
