package main

import (
	"context"
	"errors"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

// Exit codes: the one place they are defined (docs/cli.md has the table, and
// TestExitCodeTable keeps the two in step). Every exit path uses these names.
const (
	exitOK          = 0   // done
	exitFailure     = 1   // failed: nothing was changed beyond what the message says
	exitUsage       = 2   // bad command line: unknown command or flag, missing or empty value
	exitPartial     = 3   // done in part, or problems found (check, verify, push conflicts)
	exitBusy        = 4   // another stocksync process holds the data folder
	exitSignedOut   = 5   // ESP no longer accepts the session or credentials: run `stocksync login`
	exitDamaged     = 6   // data folder unusable: database damaged or foreign, or an interrupted restore that could not be completed
	exitInterrupted = 130 // interrupted (Ctrl-C or SIGTERM)
)

// exitCodes lists every code with its meaning, in the order of docs/cli.md.
var exitCodes = []struct {
	Code    int
	Meaning string
}{
	{exitOK, "done"},
	{exitFailure, "failed"},
	{exitUsage, "usage error"},
	{exitPartial, "partly done, or problems found"},
	{exitBusy, "busy"},
	{exitSignedOut, "signed out"},
	{exitDamaged, "data folder unusable"},
	{exitInterrupted, "interrupted"},
}

// usageError is an exit-2 error with a message saying what to type instead.
func usageError(msg string) error { return &exitError{code: exitUsage, msg: msg} }

// exitCodeOf maps an error returned by a command to its exit code: an
// exitError keeps its code; an interruption is 130; a held lock is busy;
// esp.ErrSignedOut is 5; store.ErrCorrupt (a damaged or foreign database)
// is 6; cobra's own argument and flag errors are usage errors; anything else
// is a failure. Errors of other kinds that need 5 or 6 are returned as an
// exitError with exitSignedOut or exitDamaged by the command that knows them.
func exitCodeOf(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	var held *lockfile.HeldError
	if errors.As(err, &held) || errors.Is(err, lockfile.ErrHeld) || errors.Is(err, store.ErrInUse) {
		return exitBusy
	}
	if errors.Is(err, esp.ErrSignedOut) {
		return exitSignedOut
	}
	if errors.Is(err, store.ErrCorrupt) {
		return exitDamaged
	}
	if isCobraUsageError(err) {
		return exitUsage
	}
	return exitFailure
}
