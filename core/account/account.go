package account

import (
	"fmt"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
)

// Endpoints resolves the API root and token URL of cfg's server. For the
// demo server, demoURL and demoTokenURL must be given (the caller started it).
func Endpoints(cfg config.Config) (apiRoot, tokenURL string, err error) {
	switch cfg.Server {
	case config.ServerProduction, "":
		return esp.ProductionAPIRoot, esp.ProductionTokenURL, nil
	case config.ServerSandbox:
		return esp.SandboxAPIRoot, esp.SandboxTokenURL, nil
	case config.ServerCustom:
		return cfg.APIRoot, cfg.TokenURL, nil
	case config.ServerDemo:
		return "", "", fmt.Errorf("the demo server runs only inside `stocksync demo` or the app; choose production or sandbox")
	}
	return "", "", fmt.Errorf("unknown server %q in settings", cfg.Server)
}

// ESPConfig is the client configuration for cfg and cr.
func ESPConfig(cfg config.Config, cr secrets.Credentials) (esp.Config, error) {
	root, tok, err := Endpoints(cfg)
	if err != nil {
		return esp.Config{}, err
	}
	return clientConfig(cfg, cr, root, tok)
}

func clientConfig(cfg config.Config, cr secrets.Credentials, root, tok string) (esp.Config, error) {
	scheme, err := esp.ParseAuthScheme(cfg.AuthScheme)
	if err != nil {
		return esp.Config{}, err
	}
	return esp.Config{
		APIRoot: root, TokenURL: tok, AuthScheme: scheme,
		Username: cr.Username, Password: cr.Password.Reveal(),
		APIKey: cr.APIKey.Reveal(), APISecret: cr.APISecret.Reveal(),
		MaxInFlight: cfg.Concurrency, RequestsPerSecond: cfg.RequestsPerSecond,
	}, nil
}

// Demo is a running built-in ESP server with a generated portfolio.
type Demo struct {
	Server      *espfake.Server
	Credentials secrets.Credentials
}

// DemoOptions are the generator settings of the demo portfolio: the same
// seed every time, so the demo's files keep their IDs across launches.
func DemoOptions() espfake.Options {
	return espfake.Options{Seed: 2026, Batches: 40, FilesPerBatch: 10, FilesPerBatchMax: 60}
}

// StartDemo starts the built-in server on loopback.
func StartDemo(opts espfake.Options) (*Demo, error) {
	srv, err := espfake.New(opts)
	if err != nil {
		return nil, fmt.Errorf("start the demo ESP server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start the demo ESP server: %w", err)
	}
	c := srv.Credentials()
	return &Demo{Server: srv, Credentials: secrets.Credentials{
		Username: c.Username, Password: secrets.NewSecret(c.Password),
		APIKey: secrets.NewSecret(c.APIKey), APISecret: secrets.NewSecret(c.APISecret),
	}}, nil
}

// ESPConfig is the client configuration for the demo server.
func (d *Demo) ESPConfig(cfg config.Config) (esp.Config, error) {
	c, err := clientConfig(cfg, d.Credentials, d.Server.URL(), d.Server.TokenURL())
	// The demo server is on this machine: no need to be polite about the rate.
	c.RequestsPerSecond = -1
	return c, err
}

// Close stops the server.
func (d *Demo) Close() { d.Server.Close() }
