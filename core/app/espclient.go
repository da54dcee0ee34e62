package app

import (
	"fmt"
	"sync"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
)

// Demo is the built-in ESP server behind the "demo" server choice. It starts
// on loopback the first time a client needs it and serves the same generated
// portfolio every launch.
type Demo struct {
	opts espfake.Options

	mu  sync.Mutex
	srv *espfake.Server
}

// DemoOptions is the demo portfolio: a dozen batches of a typical mix.
func DemoOptions() espfake.Options {
	return espfake.Options{Seed: 2026, Batches: 12, ContributionsPerBatch: 15, ContributionsPerBatchMax: 60}
}

// NewDemo returns a demo server that is not started yet.
func NewDemo(opts espfake.Options) *Demo { return &Demo{opts: opts} }

// Server starts the demo server if needed and returns it.
func (d *Demo) Server() (*espfake.Server, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.srv != nil {
		return d.srv, nil
	}
	srv, err := espfake.New(d.opts)
	if err != nil {
		return nil, fmt.Errorf("start the demo server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start the demo server: %w", err)
	}
	d.srv = srv
	return srv, nil
}

// Close stops the demo server if it runs.
func (d *Demo) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.srv != nil {
		d.srv.Close()
		d.srv = nil
	}
}

// NewESPFactory returns the factory the app uses: account.NewClient, the
// one constructor the CLI and the demo use too, signing in with creds (a
// browser session or partner keys), and the demo server (which may be nil
// when the demo is not offered) for config.ServerDemo.
func NewESPFactory(demo *Demo) ESPFactory {
	return func(cfg config.Config, creds secrets.Credentials, opts account.ClientOptions) (ESPClient, error) {
		if cfg.Server == config.ServerDemo {
			if demo == nil {
				return nil, fmt.Errorf("the demo server is not available in this build")
			}
			srv, err := demo.Server()
			if err != nil {
				return nil, err
			}
			opts.Demo = srv
		}
		c, err := account.NewClient(cfg, fixedCreds{creds}, opts)
		if err != nil {
			return nil, err // not a typed nil in the interface
		}
		return c, nil
	}
}

// fixedCreds is a read-only secrets.Store holding the credentials the app
// already read from the keychain.
type fixedCreds struct{ c secrets.Credentials }

func (f fixedCreds) Load() (secrets.Credentials, error) {
	if !f.c.IsSession() && f.c.Username == "" && !f.c.APIKey.IsSet() {
		return secrets.Credentials{}, secrets.ErrNotFound
	}
	return f.c, nil
}
func (fixedCreds) Save(secrets.Credentials) error { return secrets.ErrReadOnly }
func (fixedCreds) Delete() error                  { return secrets.ErrReadOnly }
