package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

// The CLI's advice for core's typed errors, in one place (restic's style):
// core's errors state facts (which file, which ID, which database); hint
// adds what to type next. finish prints it after the error; commands that
// turn an error into an exitError of their own use withHint.

// hint is the advice for err: the exact command to run or what to change,
// "" when err is of no kind that has one.
func hint(err error) string {
	var lo *backup.LocalOnlyDamagedError
	var ce *store.CorruptError
	var nf *store.NotFoundError
	var de *backup.DestinationError
	var ve *backup.VerifyError
	var cd *config.DamagedError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &lo):
		return fmt.Sprintf("restore everything with `stocksync restore %s`, "+
			"or move %s away, run `stocksync sync`, then run `stocksync restore %s --local-only` again",
			shellQuote(lo.Snapshot), shellQuote(lo.DB), shellQuote(lo.Snapshot))
	case errors.As(err, &ce):
		return "restore it from a backup with `stocksync restore SNAPSHOT` (see `stocksync backup list`), " +
			"or move it away and run `stocksync sync` to fetch the server data again"
	case errors.Is(err, store.ErrInUse):
		return "quit the Stocksync app and any running stocksync command, then try again"
	case errors.As(err, &nf):
		if nf.What == store.NotFoundFile {
			return "run `stocksync list files` to see IDs"
		}
		return "run `stocksync pending list` to see IDs"
	case errors.As(err, &de):
		return destinationHint(de.Reason)
	case errors.As(err, &cd):
		return "fix the settings file, or restore it with `stocksync restore SNAPSHOT --local-only`"
	case errors.Is(err, config.ErrNoAPIRoot):
		return "set it first (`stocksync config set api_root URL`), or choose another server"
	case errors.Is(err, account.ErrDemoNotRunning):
		return "it runs only inside `stocksync demo` or the app; choose production or a custom server (`stocksync config set server production`)"
	case errors.Is(err, account.ErrSandboxNeedsPartnerKeys):
		return "sign in with `stocksync login --partner`"
	case errors.Is(err, backup.ErrNoDestination):
		return "choose one with `stocksync backup destination DIR`, or pass --to DIR"
	case errors.As(err, &ve):
		return "use another snapshot (`stocksync backup list`)"
	case errors.Is(err, store.ErrDiskFull):
		return "free some space on the disk holding the data folder, then run the command again"
	case errors.Is(err, esp.ErrSignedOut):
		return problemHint(store.SyncProblemSignedOut)
	case errors.Is(err, esp.ErrBadCredentials):
		return problemHint(store.SyncProblemBadCredentials)
	case errors.Is(err, syncer.ErrNoProgress):
		return problemHint(store.SyncProblemNoProgress)
	}
	return ""
}

// withHint is err's text followed by its hint, for an exitError.
func withHint(err error) string { return joinHint(err.Error(), hint(err)) }

func joinHint(msg, h string) string {
	if h == "" {
		return msg
	}
	return msg + "; " + h
}

const chooseDestination = "choose another folder with `stocksync backup destination DIR`"

// destinationHint says what to do about a backup folder that cannot be used.
func destinationHint(r backup.Reason) string {
	switch r {
	case backup.ReasonMissing:
		return "connect the drive (or mount the share) and try again, or " + chooseDestination
	case backup.ReasonNotFolder:
		return chooseDestination
	case backup.ReasonReadOnly:
		return "make the drive writable, or " + chooseDestination
	case backup.ReasonFull:
		return "free space there or " + chooseDestination
	case backup.ReasonPermission:
		return "check the folder's permissions, or " + chooseDestination
	}
	return ""
}

// problemHint is the advice for a sync run's stored problem kind
// (store.SyncRun.Problem), worded for where the credentials come from: the
// environment (which `stocksync login` cannot replace) or the keychain.
func problemHint(p store.SyncProblem) string {
	envSession := os.Getenv(secrets.EnvSession) != ""
	envPartner := os.Getenv(secrets.EnvUsername) != "" && os.Getenv(secrets.EnvPassword) != ""
	switch p {
	case store.SyncProblemSignedOut:
		switch {
		case envSession:
			return "sign in to ESP in the browser again and set " + secrets.EnvSession + " to the new Cookie header"
		case envPartner:
			return "check " + secrets.EnvUsername + ", " + secrets.EnvPassword + " and the API key variables"
		}
		return "sign in again with `stocksync login`"
	case store.SyncProblemBadCredentials:
		if envPartner {
			return "check " + secrets.EnvUsername + ", " + secrets.EnvPassword + ", " + secrets.EnvAPIKey + " and " + secrets.EnvAPISecret
		}
		return "check the username, password, API key and secret, then sign in again with `stocksync login --partner`"
	case store.SyncProblemForbidden:
		return "the ESP account lacks rights for this: contact Getty Images contributor support"
	case store.SyncProblemUnavailable:
		return "the next sync will try again"
	case store.SyncProblemRateLimited:
		return "try again in a few minutes"
	case store.SyncProblemNoProgress:
		return "the next sync continues where this one stopped (check the network, or whether ESP is down)"
	case store.SyncProblemDamaged:
		return "restore it from a backup with `stocksync restore SNAPSHOT` (see `stocksync backup list`)"
	case store.SyncProblemDiskFull:
		return "free some space on the disk of the data folder, then sync again"
	case store.SyncProblemDataGone:
		return "put the data folder back or restore it with `stocksync restore SNAPSHOT`, then sync again"
	case store.SyncProblemItemsFailed:
		return "the next sync retries them"
	}
	return ""
}

// runText words a stored sync run's message with the advice for its
// problem kind, for `status` and the end of `sync`.
func runText(r store.SyncRun) string { return joinHint(termSafe(r.Message), problemHint(r.Problem)) }

// badCredentialsHint says what to fix when ESP's token endpoint refuses the
// partner credentials (exit 5, as docs/cli.md says for credentials ESP no
// longer accepts), from where they came from.
func badCredentialsHint() string {
	if os.Getenv(secrets.EnvUsername) != "" && os.Getenv(secrets.EnvPassword) != "" {
		return "ESP refused the sign-in: check " + secrets.EnvUsername + ", " + secrets.EnvPassword + ", " +
			secrets.EnvAPIKey + " and " + secrets.EnvAPISecret + " (nothing local was touched)"
	}
	return "ESP refused the sign-in: check the username, password, API key and secret, then sign in again with `stocksync login --partner` (nothing local was touched)"
}

// signedOutHint says how to sign in again from where the session came from:
// the environment (STOCKSYNC_ESP_SESSION, or the partner variables, which
// `stocksync login` cannot replace) or the keychain.
func signedOutHint() string {
	switch {
	case os.Getenv(secrets.EnvSession) != "":
		return "signed out of ESP: ESP did not accept the session in " + secrets.EnvSession +
			" (it has expired, was ended, or is not a signed-in ESP session); sign in to ESP in the browser again and set " +
			secrets.EnvSession + " to the new Cookie header (what was synced before is kept; no local work was touched)"
	case os.Getenv(secrets.EnvUsername) != "" && os.Getenv(secrets.EnvPassword) != "":
		return "signed out of ESP: ESP did not accept the credentials in " + secrets.EnvUsername + " and " + secrets.EnvPassword +
			"; check them and the API key variables (what was synced before is kept; no local work was touched)"
	}
	return "signed out of ESP: the session has expired or was ended; sign in again with `stocksync login` (what was synced before is kept; no local work was touched)"
}

// signInAgain says how to sign in again: `stocksync login`, or a fresh
// session in STOCKSYNC_ESP_SESSION when the sign-in comes from there.
func signInAgain() string {
	if strings.TrimSpace(os.Getenv(secrets.EnvSession)) != "" {
		return "ESP no longer accepts the session; set " + secrets.EnvSession + " to a fresh one (see `stocksync login --help`)"
	}
	return "ESP no longer accepts the sign-in; run `stocksync login`"
}
