//go:build darwin

package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/stocksync/stocksync/core/datadir"
)

const (
	logName = "Stocksync.log"
	// logMax is the size past which the log is moved to Stocksync.log.1
	// (replacing the previous one) at launch.
	logMax = 4 << 20
)

// openLog opens ~/Library/Logs/Stocksync/Stocksync.log. An app started by
// launchd has no useful stderr, so this is also where a crash report goes
// (a Go panic, or an Objective-C exception reaching Go). Without a log
// folder the app still runs, logging to stderr.
func openLog() *slog.Logger {
	var w io.Writer = os.Stderr
	if f, err := logFile(); err == nil {
		w = f
		_ = debug.SetCrashOutput(f, debug.CrashOptions{}) // best effort: stderr still gets it
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func logFile() (*os.File, error) {
	env, err := datadir.CurrentEnv()
	if err != nil {
		return nil, err
	}
	dir := datadir.LogDir(env)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, logName)
	if fi, err := os.Stat(path); err == nil && fi.Size() > logMax {
		_ = os.Rename(path, path+".1") // a log that cannot be rotated keeps growing
	}
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
}
