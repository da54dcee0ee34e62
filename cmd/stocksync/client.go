package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/secrets"
)

// debugLogger is the --debug log on standard error, or nil.
func debugLogger() *slog.Logger {
	if !g.debug {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// settingsAndClient loads the settings of d and the ESP client they name.
func settingsAndClient(d datadir.Dir) (config.Config, *esp.Client, error) {
	cfg, err := loadConfig(d)
	if err != nil {
		return cfg, nil, err
	}
	client, err := espClient(cfg)
	return cfg, client, err
}

// espClient builds the ESP client from the settings and the stored
// credentials, with an error that says how to fix a missing sign-in.
func espClient(cfg config.Config) (*esp.Client, error) {
	store := secrets.Auto()
	cr, err := store.Load()
	if errors.Is(err, secrets.ErrNotFound) {
		return nil, &exitError{code: exitSignedOut, msg: "not signed in to ESP: run `stocksync login` first (or try `stocksync demo`)"}
	}
	if err != nil {
		return nil, fmt.Errorf("read ESP credentials: %w", err)
	}
	ec, err := account.ESPConfig(cfg, cr)
	if err != nil {
		return nil, err
	}
	ec.Logger = debugLogger()
	return esp.New(ec)
}
