package app

import (
	"errors"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

// The app's words for core's typed errors and stored problem kinds (issue
// #14): core's errors state facts and carry them as fields; what to do is
// said here for the app and in cmd/stocksync's hint.go for the CLI. The app
// never names a CLI command in these texts.

// problemReasons word a sync's problem kind (store.SyncProblem, from
// syncer.ProblemOf or a stored run) short enough for a menu item, saying
// what happens next or what to do.
var problemReasons = map[store.SyncProblem]string{
	store.SyncProblemSignedOut:      "signed out of ESP — choose Sign in again…",
	store.SyncProblemBadCredentials: "ESP refused the sign-in — open Settings…",
	store.SyncProblemForbidden:      "the ESP account has no rights for this",
	store.SyncProblemUnavailable:    "ESP is unavailable, will retry",
	store.SyncProblemRateLimited:    "ESP is limiting requests, will retry",
	store.SyncProblemNoProgress:     "ESP stopped answering, will retry",
	store.SyncProblemDamaged:        "the database is damaged — open Backups… to restore",
	store.SyncProblemDiskFull:       "the disk is full — free some space",
	store.SyncProblemDataGone:       "the data folder is missing — put it back or restore it from a backup",
}

// failureReason is why a sync this process ran stopped.
func failureReason(err error) string {
	var cred *credentialsError
	switch {
	case errors.As(err, &cred):
		return "Stocksync cannot read the ESP account — open Settings…"
	case errors.Is(err, esp.ErrMalformed), errors.Is(err, esp.ErrUnexpected):
		return "ESP sent an answer Stocksync does not understand"
	}
	if r, ok := problemReasons[syncer.ProblemOf(err)]; ok {
		return r
	}
	return "unexpected error, will retry"
}

// storedFailureText is the last-sync line for a run that failed or was
// signed out, read from the database (by this process or another, e.g. the
// CLI): its stored problem kind in the app's words.
func storedFailureText(at string, r *store.SyncRun) string {
	if r.Outcome == store.OutcomeSignedOut {
		return "Last sync stopped " + at + ": signed out of ESP"
	}
	if why, ok := problemReasons[r.Problem]; ok {
		return "Last sync failed " + at + ": " + why
	}
	return "Last sync failed " + at
}

// settingsProblem is why the settings file could not be read, with what to
// do about it in the app.
func settingsProblem(err error) string {
	var de *config.DamagedError
	if errors.As(err, &de) {
		return err.Error() + ". Fix the file in a text editor, or restore it from a backup."
	}
	return err.Error()
}

// destinationReasons say what to do about a backup folder that cannot be
// used (package backup's *DestinationError states only what is wrong).
var destinationReasons = map[backup.Reason]string{
	backup.ReasonMissing:    "the backup folder is not there: connect the drive (or mount the share) and try again, or choose another folder",
	backup.ReasonNotFolder:  "the backup destination is a file, not a folder: choose a folder",
	backup.ReasonReadOnly:   "the backup folder is on a read-only disk: choose another folder",
	backup.ReasonFull:       "the backup disk is full: free some space or choose another folder",
	backup.ReasonPermission: "Stocksync may not write to the backup folder: allow it in Finder (Get Info → Sharing & Permissions) or choose another folder",
}

// espAdvice says what the user can do about a failed ESP call, by its
// kind, in the app's terms; "" when there is nothing to add.
var espAdvice = map[error]string{
	esp.ErrBadCredentials: "Check the ESP username, password and API key in Settings.",
	esp.ErrSignedOut:      "Sign in to ESP again with Sign in to ESP… in the Stocksync menu.",
	esp.ErrForbidden:      "Your ESP account lacks rights for this; contact Getty Images contributor support.",
	esp.ErrRateLimited:    "ESP asked Stocksync to slow down; try again in a few minutes.",
	esp.ErrUnavailable:    "ESP or the network is not answering; try again later.",
	esp.ErrMalformed:      "ESP answered something Stocksync does not understand; try again later, and report it if it persists.",
	esp.ErrTooLarge:       "ESP answered something Stocksync does not understand; try again later, and report it if it persists.",
}

// verifyFailed is the Settings window's result of a failed sign-in check.
func verifyFailed(err error) string {
	var ee *esp.Error
	if errors.As(err, &ee) {
		if h := espAdvice[ee.Kind]; h != "" {
			return ee.Error() + ". " + h
		}
		return ee.Error() + ". Try again later."
	}
	return "Sign-in failed: " + err.Error()
}
