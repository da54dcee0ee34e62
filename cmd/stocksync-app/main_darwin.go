//go:build darwin

// Command stocksync-app is the Stocksync menu-bar app (Stocksync.app). It
// wires the core controller (core/app) to the macOS frontend (darwin/):
// main sets up notifications and starts systray, which owns the main
// thread; onReady shows the status item, opens the data folder and starts
// everything; quitting stops the services while the menu stays responsive,
// then onExit closes the rest.
//
// With --self-test it runs without a user on a temporary data folder
// against the built-in ESP server, exercises every AppKit path, quits
// through the normal path and prints a JSON report of each step, exiting
// non-zero when one failed (docs/macos-manual-test.md).
package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/getlantern/systray"

	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/darwin"
)

const selfTestFlag = "--self-test"

func main() {
	a := &appMain{}
	root := ""
	if hasArg(selfTestFlag) {
		// The self-test logs to stderr and works in a folder of its own.
		a.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
		st, err := newSelfTestRun()
		if err != nil {
			fmt.Fprintln(os.Stderr, "stocksync self-test:", err)
			os.Exit(1)
		}
		a.selfTest, root = st, st.folders.Data.Root
		st.armWatchdog() // before AppKit, which may never finish launching
	} else {
		a.log = openLog()
	}
	// Before any UI: a second copy of the app exits here, quietly.
	if err := a.lockDataDir(root); errors.Is(err, lockfile.ErrHeld) {
		a.log.Info("another Stocksync app already runs on this data folder; exiting", "err", err)
		os.Exit(0)
	} else if err != nil {
		a.setupErr = err // shown by onReady, where an alert can be
	}
	// Before the app finishes launching: the notification delegate (a click
	// that launched the app reaches only a delegate set by then) and the one
	// permission request, not waited for.
	a.notifier = darwin.NewNotifier()
	darwin.SetLifecycle(a.stopServices, a.exit)
	// Before systray sets its delegate: Quit, logout and shutdown then ask
	// the app, which stops the services without freezing the menu.
	if !darwin.InstallTermination() {
		a.log.Warn("applicationShouldTerminate: could not be added to systray's delegate: quitting waits on the main thread")
	}
	// SIGTERM (kill, launchctl bootout of an unbundled build started by its
	// LaunchAgent when Open at Login is switched off) and SIGINT (Control-C
	// in a terminal) quit through the normal path instead of Go's default,
	// which would end the process without stopping the services.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		s := <-sigs
		a.log.Info("quitting on a signal", "signal", s.String())
		darwin.Quit()
	}()
	// systray's init locked this goroutine to the main thread; Run runs the
	// Cocoa event loop and never returns (defers here would never run).
	systray.Run(a.ready, a.exit)
}

// hasArg reports whether arg is among the command-line arguments.
func hasArg(arg string) bool {
	for _, a := range os.Args[1:] {
		if a == arg {
			return true
		}
	}
	return false
}
