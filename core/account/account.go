package account

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/session"
)

// ClientOptions are what differs between the CLI, the app and the demo
// when they build an ESP client; zero values are right for most callers.
type ClientOptions struct {
	// Demo is the running built-in server behind config.ServerDemo (the
	// app's or `stocksync demo`'s); the client signs in to it with a fresh
	// session (web mode) or its partner credentials (partner mode), and the
	// secrets store is not read. Required for ServerDemo, else ignored.
	Demo *espfake.Server
	// InitialRate seeds the adaptive request rate (requests per second)
	// with the rate learned on an earlier run (esp.Client.Throttle); 0:
	// start at the configured rate.
	InitialRate float64
	// ModeledReviews decodes the modeled inline reviews (off by default).
	ModeledReviews bool
	// ThrottleGiveUp bounds how long one request waits out ESP's throttling
	// before the call fails with esp.ErrRateLimited (esp.Config.
	// MaxThrottleWait); 0: esp.DefaultMaxThrottleWait.
	ThrottleGiveUp time.Duration
	Logger         *slog.Logger
	HTTPClient     *http.Client     // tests only
	Now            func() time.Time // session expiry check; nil: time.Now
}

// ErrNotSignedIn: no credentials of either kind are stored.
var ErrNotSignedIn = errors.New("not signed in to ESP")

// NewClient is the one place that builds the ESP client, for the CLI, the
// app and the demo. Which way it signs in follows the stored credentials:
// a browser session (the default, ESP's web API) or partner keys.
//
// cfg.Server: "" and "production" mean https://esp.gettyimages.com/api for
// a session and the partner API for keys; "sandbox" is the partner sandbox
// (keys only); "custom" uses cfg.APIRoot (and cfg.TokenURL for keys);
// "demo" uses opts.Demo. cfg.Concurrency and cfg.RequestsPerSecond apply
// everywhere (the demo, on this machine, is not rate-limited).
//
// Errors: ErrNotSignedIn (wrapped) when the store holds nothing; an
// *esp.Error of kind esp.ErrSignedOut when the stored session has expired;
// otherwise an error naming the setting or keychain problem.
func NewClient(cfg config.Config, st secrets.Store, opts ClientOptions) (*esp.Client, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	ec := esp.Config{
		MaxInFlight:       cfg.Concurrency,
		RequestsPerSecond: cfg.RequestsPerSecond,
		InitialRate:       opts.InitialRate,
		MaxThrottleWait:   opts.ThrottleGiveUp,
		ModeledReviews:    opts.ModeledReviews || cfg.ModeledReviews,
		Logger:            opts.Logger,
		HTTPClient:        opts.HTTPClient,
	}
	if cfg.Server == config.ServerDemo {
		if opts.Demo == nil {
			return nil, ErrDemoNotRunning
		}
		ec.APIRoot = opts.Demo.URL()
		ec.RequestsPerSecond = -1
		if opts.Demo.Mode() == espfake.ModePartner {
			c := opts.Demo.Credentials()
			ec.TokenURL, ec.APIKey, ec.APISecret, ec.Username, ec.Password = opts.Demo.TokenURL(), c.APIKey, c.APISecret, c.Username, c.Password
		} else {
			s := opts.Demo.NewSession()
			ec.Session = &s
		}
		return newClient(ec)
	}
	if st == nil {
		return nil, fmt.Errorf("%w: no credential store", ErrNotSignedIn)
	}
	cr, err := st.Load()
	if errors.Is(err, secrets.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", ErrNotSignedIn, err)
	}
	if err != nil {
		return nil, err
	}
	if cr.IsSession() {
		s, err := readSession(cr.Session.Reveal(), now())
		if err != nil {
			return nil, err
		}
		// A session past its expiry by this computer's clock is still
		// tried: the clock may be wrong, and ESP's 401 decides.
		if ec.APIRoot, err = WebAPIRoot(cfg); err != nil {
			return nil, err
		}
		ec.Session = &s
		return newClient(ec)
	}
	if err := cr.Validate(); err != nil {
		return nil, err
	}
	if ec.APIRoot, ec.TokenURL, err = Endpoints(cfg); err != nil {
		return nil, err
	}
	if ec.TokenURL == "" {
		return nil, errors.New(`partner keys need a token URL: set token_url for server "custom"`)
	}
	if ec.AuthScheme, err = esp.ParseAuthScheme(cfg.AuthScheme); err != nil {
		return nil, err
	}
	ec.Username, ec.Password = cr.Username, cr.Password.Reveal()
	ec.APIKey, ec.APISecret = cr.APIKey.Reveal(), cr.APISecret.Reveal()
	return newClient(ec)
}

func newClient(ec esp.Config) (*esp.Client, error) {
	c, err := esp.New(ec)
	if err != nil {
		return nil, fmt.Errorf("set up the ESP client: %w", err)
	}
	return c, nil
}

// readSession reads a stored session: the keychain form (session.Encode),
// or pasted text (STOCKSYNC_ESP_SESSION: a Cookie header or a bare token).
func readSession(v string, now time.Time) (session.Session, error) {
	if strings.HasPrefix(strings.TrimSpace(v), "{") {
		return session.Decode(v)
	}
	s, err := session.FromPasted(v, now)
	if err != nil {
		return session.Session{}, fmt.Errorf("%s: %w", secrets.EnvSession, err)
	}
	return s, nil
}

// SaveSession stores s as the credentials (replacing partner keys, if any).
func SaveSession(st secrets.Store, s session.Session) error {
	if s.Empty() {
		return errors.New("the ESP session holds no cookie or token")
	}
	return st.Save(secrets.Credentials{Session: secrets.NewSecret(s.Encode())})
}

// ErrDemoNotRunning: the settings choose the built-in demo server, which
// runs only inside the CLI's demo and the app, not in this process.
var ErrDemoNotRunning = errors.New("the settings choose the demo server, which is not running here")

// ErrSandboxNeedsPartnerKeys: the ESP sandbox has no browser sign-in; it
// takes partner API keys only (a browser session signs in to production).
var ErrSandboxNeedsPartnerKeys = errors.New("the ESP sandbox takes partner keys only; a browser session signs in to production")

// WebAPIRoot is the web API root of cfg's server for a browser session.
func WebAPIRoot(cfg config.Config) (string, error) {
	switch cfg.Server {
	case config.ServerProduction, "":
		return esp.ProductionWebAPIRoot, nil
	case config.ServerCustom:
		return strings.TrimSpace(cfg.APIRoot), nil
	case config.ServerSandbox:
		return "", ErrSandboxNeedsPartnerKeys
	case config.ServerDemo:
		return "", ErrDemoNotRunning
	}
	return "", fmt.Errorf("unknown server %q in settings", cfg.Server)
}

// SignInURL is the browser sign-in page of cfg's server (session.SignInURL).
func SignInURL(cfg config.Config) (string, error) {
	root, err := WebAPIRoot(cfg)
	if err != nil {
		return "", err
	}
	return session.SignInURL(root)
}

// Endpoints resolves the partner API root and token URL of cfg's server.
func Endpoints(cfg config.Config) (apiRoot, tokenURL string, err error) {
	switch cfg.Server {
	case config.ServerProduction, "":
		return esp.ProductionAPIRoot, esp.ProductionTokenURL, nil
	case config.ServerSandbox:
		return esp.SandboxAPIRoot, esp.SandboxTokenURL, nil
	case config.ServerCustom:
		return cfg.APIRoot, cfg.TokenURL, nil
	case config.ServerDemo:
		return "", "", ErrDemoNotRunning
	}
	return "", "", fmt.Errorf("unknown server %q in settings", cfg.Server)
}

// Demo is a running built-in ESP server with a generated portfolio.
type Demo struct {
	Server *espfake.Server
}

// DemoOptions are the generator settings of the demo portfolio: the same
// seed every time, so the demo's files keep their IDs across launches.
func DemoOptions() espfake.Options {
	return espfake.Options{Seed: 2026, Batches: 40, ContributionsPerBatch: 10, ContributionsPerBatchMax: 60}
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
	return &Demo{Server: srv}, nil
}

// Client is NewClient for the demo server with cfg's other settings.
func (d *Demo) Client(cfg config.Config, opts ClientOptions) (*esp.Client, error) {
	cfg.Server = config.ServerDemo
	opts.Demo = d.Server
	return NewClient(cfg, nil, opts)
}

// Close stops the server.
func (d *Demo) Close() { d.Server.Close() }
