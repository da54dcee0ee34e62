package main

import (
	"errors"
	"fmt"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/secrets"
)

// espClient builds the ESP client from the settings and the stored
// credentials, with an error that says how to fix a missing sign-in.
func espClient(cfg config.Config) (*esp.Client, error) {
	store := secrets.Auto()
	cr, err := store.Load()
	if errors.Is(err, secrets.ErrNotFound) {
		return nil, &exitError{code: 1, msg: "not signed in to ESP: run `stocksync login` first (or try `stocksync demo`)"}
	}
	if err != nil {
		return nil, fmt.Errorf("read ESP credentials: %w", err)
	}
	ec, err := account.ESPConfig(cfg, cr)
	if err != nil {
		return nil, err
	}
	return esp.New(ec)
}
