package app

import (
	"fmt"
	"sync"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
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
	return espfake.Options{Seed: 2026, Batches: 12, FilesPerBatch: 15, FilesPerBatchMax: 60}
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

// NewESPFactory returns the factory the app uses: esp.New for Getty's
// servers and custom addresses, and a client of demo (which may be nil when
// the demo is not offered) for config.ServerDemo.
func NewESPFactory(demo *Demo) ESPFactory {
	return func(cfg config.Config, creds secrets.Credentials) (ESPClient, error) {
		scheme, err := esp.ParseAuthScheme(cfg.AuthScheme)
		if err != nil {
			return nil, err
		}
		ec := esp.Config{
			Username:    creds.Username,
			Password:    creds.Password.Reveal(),
			APIKey:      creds.APIKey.Reveal(),
			APISecret:   creds.APISecret.Reveal(),
			AuthScheme:  scheme,
			MaxInFlight: cfg.Concurrency,
		}
		switch cfg.Server {
		case config.ServerProduction:
			ec.APIRoot, ec.TokenURL = esp.ProductionAPIRoot, esp.ProductionTokenURL
		case config.ServerSandbox:
			ec.APIRoot, ec.TokenURL = esp.SandboxAPIRoot, esp.SandboxTokenURL
		case config.ServerCustom:
			ec.APIRoot, ec.TokenURL = cfg.APIRoot, cfg.TokenURL
		case config.ServerDemo:
			if demo == nil {
				return nil, fmt.Errorf("the demo server is not available in this build")
			}
			srv, err := demo.Server()
			if err != nil {
				return nil, err
			}
			dc := srv.Credentials()
			ec.APIRoot, ec.TokenURL = srv.URL(), srv.TokenURL()
			ec.Username, ec.Password, ec.APIKey, ec.APISecret = dc.Username, dc.Password, dc.APIKey, dc.APISecret
		default:
			return nil, fmt.Errorf("unknown server %q in the settings", cfg.Server)
		}
		c, err := esp.New(ec)
		if err != nil {
			return nil, fmt.Errorf("set up the ESP client: %w", err)
		}
		return c, nil
	}
}
