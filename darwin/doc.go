//go:build darwin

// Package darwin is the macOS frontend of the Stocksync menu-bar app. It
// renders each State published by core/app's Controller with systray (the
// status item and its menu) and darwinkit (the Backups and Settings windows,
// folder pickers, alerts), and forwards every click to a Controller intent.
// It decides nothing: every text it shows comes ready in the State.
//
// It also holds the pieces of the app that need Apple frameworks: launch at
// login through SMAppService, notifications through UNUserNotificationCenter,
// Reveal in Finder, and the wake-from-sleep observer.
//
// Threading (see docs/macos.md): systray owns the main thread and its run
// loop. systray setters hop to the main thread and wait, so they are called
// only from this package's own goroutines, never from a main-queue block.
// AppKit objects are touched only inside onMain blocks; modals (alerts) start
// from the run loop (onMainLoop), never inside a main-queue block. Nothing
// here ever waits on the main thread from the main thread, and button
// handlers never block it: they call intents on new goroutines.
//
// Quitting (quit.go) ends modals, sheets and pickers and calls terminate:;
// the app's applicationShouldTerminate:, added to systray's delegate class,
// answers "later" while the services stop. The SelfTest steps exercise every
// AppKit path for the app's --self-test.
package darwin
