package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/secrets"
)

// debugLogger is the --debug log on standard error, or nil.
func (o globalOptions) debugLogger() *slog.Logger {
	if !o.Debug {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// settingsAndClient loads the settings of d and the ESP client they name.
func (o globalOptions) settingsAndClient(d datadir.Dir) (config.Config, *esp.Client, error) {
	cfg, err := loadConfig(d)
	if err != nil {
		return cfg, nil, err
	}
	client, err := o.espClient(cfg)
	return cfg, client, err
}

// espClient builds the ESP client (account.NewClient, the one constructor)
// from the settings and the stored credentials, with an error that says how
// to fix a missing or expired sign-in.
func (o globalOptions) espClient(cfg config.Config) (*esp.Client, error) {
	return o.espClientWith(cfg, account.ClientOptions{})
}

// espClientWith is espClient with options (e.g. the rate learned on an
// earlier run as InitialRate).
func (o globalOptions) espClientWith(cfg config.Config, opts account.ClientOptions) (*esp.Client, error) {
	opts.Logger = o.debugLogger()
	if opts.ThrottleGiveUp == 0 {
		d, err := throttleGiveUp()
		if err != nil {
			return nil, err
		}
		opts.ThrottleGiveUp = d
	}
	c, err := account.NewClient(cfg, secrets.Auto(), opts)
	switch {
	case err == nil:
		return c, nil
	case errors.Is(err, account.ErrNotSignedIn):
		var me *secrets.MissingEnvError
		if errors.As(err, &me) && me.NoKeychain != nil {
			return nil, &exitError{code: exitSignedOut, msg: "not signed in to ESP: " + me.Error()}
		}
		return nil, &exitError{code: exitSignedOut, msg: "not signed in to ESP: run `stocksync login` first (or try `stocksync demo`)"}
	}
	if e := signedOut(err); e != nil {
		return nil, e
	}
	return nil, fmt.Errorf("ESP sign-in: %w", err)
}

// signedOut turns an esp.ErrSignedOut or esp.ErrBadCredentials anywhere in
// err into the signed-out exit (exitSignedOut) with what to do; nil when err
// is something else.
// Sync and other commands that talk to ESP can pass their errors through it.
func signedOut(err error) error {
	switch {
	case errors.Is(err, esp.ErrSignedOut):
		return &exitError{code: exitSignedOut, msg: signedOutHint()}
	case errors.Is(err, esp.ErrBadCredentials):
		return &exitError{code: exitSignedOut, msg: badCredentialsHint()}
	}
	return nil
}

// envThrottleGiveUp names how long a sync waits out ESP's throttling of one
// request before it stops (a Go duration such as "15m"; default 15 minutes).
const envThrottleGiveUp = "STOCKSYNC_ESP_THROTTLE_GIVE_UP"

// throttleGiveUp reads envThrottleGiveUp: 0 when unset, a usage error when
// it is not a duration between 1 second and 24 hours.
func throttleGiveUp() (time.Duration, error) {
	v, ok := os.LookupEnv(envThrottleGiveUp)
	if !ok {
		return 0, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < time.Second || d > 24*time.Hour {
		return 0, usageError(fmt.Sprintf("%s=%q is not a time between 1s and 24h (e.g. 15m)", envThrottleGiveUp, termSafe(v)))
	}
	return d, nil
}
