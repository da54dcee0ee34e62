//go:build darwin

package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/logfile"
)

const (
	// logName is the app's log in ~/Library/Logs/Stocksync; past
	// logfile.DefaultMaxBytes it becomes Stocksync.log.1 (and so on, up
	// to logfile.DefaultKeep old files), while the app runs.
	logName = "Stocksync.log"
	// crashName receives a crash report (a Go panic, or an Objective-C
	// exception reaching Go): an app started by launchd has no useful
	// stderr. It is a file of its own so rotation never moves it away.
	crashName = "Stocksync-crash.log"
)

// openLog opens ~/Library/Logs/Stocksync/Stocksync.log, rotated by size.
// Without a log folder the app still runs, logging to stderr.
func openLog() *slog.Logger {
	var w io.Writer = os.Stderr
	var why error
	env, err := datadir.CurrentEnv()
	if err == nil {
		dir := datadir.LogDir(env)
		var f *logfile.File
		if f, why = logfile.Open(filepath.Join(dir, logName), logfile.Options{}); why == nil {
			w = f
		}
		if c, err := os.OpenFile(filepath.Join(dir, crashName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
			_ = debug.SetCrashOutput(c, debug.CrashOptions{}) // best effort: stderr still gets it
		}
	} else {
		why = err
	}
	log := slog.New(slog.NewTextHandler(w, nil))
	if why != nil {
		log.Warn("logging to standard error", "err", why)
	}
	return log
}
