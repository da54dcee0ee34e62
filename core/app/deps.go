package app

import (
	"context"
	"log/slog"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/clock"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/session"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
	"github.com/stocksync/stocksync/core/thumbs"
	"github.com/stocksync/stocksync/core/timemachine"
	"github.com/stocksync/stocksync/core/watch"
)

// Deps is everything the controller uses from the outside world. Tests pass
// fakes for the pieces that need macOS.
type Deps struct {
	// DataDir is the data folder; it must exist (datadir.Dir.Ensure).
	DataDir datadir.Dir
	// DB is the open database. The caller opened it and closes it after
	// Controller.Close.
	DB *store.DB
	// Home is the user's home folder, used to recognise cloud folders
	// (iCloud Drive, Dropbox, …) among backup destinations.
	Home string

	// Clock is the time source and the timers' (clock.System() when nil).
	Clock clock.Clock
	// NewESP makes an ESP client for the configured server and credentials.
	// NewESPFactory gives the real one.
	NewESP ESPFactory
	// Secrets holds the ESP credentials (secrets.Auto() in the app).
	Secrets secrets.Store
	// Login turns Open at Login on and off.
	Login loginitem.Manager
	// Notifier shows notifications.
	Notifier notify.Notifier
	// TimeMachine answers Time Machine questions; tests build it on a
	// timemachine.Runner that replays recorded tmutil output.
	TimeMachine *timemachine.Checker
	// ScratchDir is where test restores unpack a snapshot (package
	// backup's TestRestoreOptions.TempDir); "" means the system's
	// temporary folder.
	ScratchDir string
	// NewWatcher starts the data-folder watcher; nil means none.
	NewWatcher WatcherFactory
	// Safety, if set, is told about every local data change and closed by
	// Close (*backup.SafetySnapshotter).
	Safety SafetySnapshots

	// Logger receives what happens in the background, above all every
	// failure no window shows; the controller scopes it per component
	// (.With("component", …)). nil discards it. No secret is ever logged.
	Logger *slog.Logger

	// Command names the app in the sync lock; default "Stocksync app".
	Command string

	// APIRoot is the web API root of cfg's server, whose sign-in page
	// SignInPage returns; nil means account.Endpoints (no demo server).
	APIRoot func(cfg config.Config) (string, error)
	// SaveSession stores an ESP browser session in the keychain
	// (account.SaveSession with Secrets); nil refuses sign-ins.
	SaveSession func(s session.Session) error
}

// ESPClient is what the controller needs of an ESP client (*esp.Client):
// syncing, thumbnails, release documents and a sign-in check.
type ESPClient interface {
	syncer.ESP
	thumbs.Fetcher
	thumbs.ReleaseFetcher
	VerifyCredentials(ctx context.Context) error
}

// ESPFactory makes a client for cfg's server signing in with creds. For the
// demo server creds are zero: the factory supplies the demo account (and
// sets opts.Demo). opts.InitialRate is the request rate a recent sync
// learned (0: the configured rate).
type ESPFactory func(cfg config.Config, creds secrets.Credentials, opts account.ClientOptions) (ESPClient, error)

// SafetySnapshots takes safety snapshots a while after local data changed.
type SafetySnapshots interface {
	Changed()
	Close()
}

// Watcher watches the data folder (*watch.Watcher). Events is closed when
// the watcher stops.
type Watcher interface {
	Events() <-chan watch.Event
	Close() error
}

// WatcherFactory starts a watcher on the data folder.
type WatcherFactory func(dataDir string) (Watcher, error)
