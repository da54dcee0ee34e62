package app

import (
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
	"github.com/stocksync/stocksync/core/timemachine"
)

// facts is everything the controller knows that a State shows. render
// turns facts and the time into a State; nothing else decides wording.
type facts struct {
	dataDir string
	home    string

	cfg    config.Config
	cfgErr error // the settings file could not be read

	creds credFacts

	sync syncFacts

	summary store.Summary
	// lastFinished is the newest sync that is not running; summary.LastSync
	// may be one running now.
	lastFinished *store.SyncRun
	summaryErr   error
	// lastBackup is the newest backup that counts for reminders (an app
	// snapshot, or a Time Machine backup that includes the folder);
	// sinceBackup is what changed after it.
	lastBackup  time.Time
	sinceBackup store.AtRisk
	sinceErr    error

	login      loginitem.State
	loginErr   error
	loginKnown bool
	loginBusy  bool

	tm          timemachine.Status
	tmKnown     bool
	tmIncluding bool
	tmResult    string

	backup backupFacts

	app    appState // reminder bookkeeping, persisted
	appErr error

	dbGone, folderGone bool
	// folderBack: a data folder appeared again after one of the above; the
	// open database is still the old file, so the app must be reopened.
	folderBack bool
	watchErr   string

	verifying    bool
	verifyResult string
	verifyOK     bool
	saveErr      string
	notifyErr    string

	// tasks counts the goLocked tasks still running (State.Idle).
	tasks int

	// signInErr is why the last sign-in could not be kept; signedIn is
	// set once a sign-in in this process succeeded.
	signInErr string
	signedIn  bool
	// signInPageErr is why the sign-in window's page did not load.
	signInPageErr string
}

// credFacts says which credentials are stored, never what they are.
type credFacts struct {
	found                          bool
	username                       string
	hasPassword, hasKey, hasSecret bool
	note                           string // why they cannot be read, or where they come from
}

type failKind int

const (
	failNone failKind = iota
	failBadCredentials
	failHeld
	failOther
	// failSignedOut: ESP ended the session (esp.ErrSignedOut). Automatic
	// syncs wait for a new sign-in instead of failing again and again.
	failSignedOut
)

type syncFacts struct {
	running  bool
	progress syncer.Progress

	// The last failure this process saw, until a later run in any process
	// succeeds: store records runs, not refusals such as a held lock.
	fail     failKind
	failMsg  string
	failedAt time.Time
	holder   lockfile.Holder

	badCredsNotified bool
}

type backupFacts struct {
	lastSnapshot store.BackupRun // newest successful snapshot; zero if none
	lastAttempt  store.BackupRun // newest snapshot attempt, ok or not
	lastVerify   store.BackupRun // newest verify or test restore
	busy         Operation
	progress     backup.Progress // of busy; zero until package backup reports
	result       string
	resultOK     bool
}
