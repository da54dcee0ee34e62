package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/session"
)

// memStore is a secrets.Store in memory.
type memStore struct {
	c   secrets.Credentials
	set bool
}

func (m *memStore) Save(c secrets.Credentials) error { m.c, m.set = c, true; return nil }
func (m *memStore) Delete() error                    { m.c, m.set = secrets.Credentials{}, false; return nil }
func (m *memStore) Load() (secrets.Credentials, error) {
	if !m.set {
		return secrets.Credentials{}, secrets.ErrNotFound
	}
	return m.c, nil
}

func TestEndpoints(t *testing.T) {
	tests := []struct {
		server, root, tok string
		ok                bool
	}{
		{config.ServerProduction, esp.ProductionAPIRoot, esp.ProductionTokenURL, true},
		{"", esp.ProductionAPIRoot, esp.ProductionTokenURL, true},
		{config.ServerSandbox, esp.SandboxAPIRoot, esp.SandboxTokenURL, true},
		{config.ServerDemo, "", "", false},
		{"mars", "", "", false},
	}
	for _, tt := range tests {
		c := config.Default()
		c.Server = tt.server
		root, tok, err := Endpoints(c)
		if (err == nil) != tt.ok || root != tt.root || tok != tt.tok {
			t.Errorf("%s: %q %q %v", tt.server, root, tok, err)
		}
	}
}

// "" and "production" mean the same server everywhere: the web API for a session.
func TestWebAPIRootDefault(t *testing.T) {
	for _, s := range []string{"", config.ServerProduction} {
		c := config.Default()
		c.Server = s
		if root, err := WebAPIRoot(c); err != nil || root != esp.ProductionWebAPIRoot {
			t.Errorf("server %q: %q, %v", s, root, err)
		}
	}
	c := config.Default()
	c.Server = config.ServerSandbox
	if _, err := WebAPIRoot(c); err == nil {
		t.Error("a session on the partner sandbox gave no error")
	}
	if u, err := SignInURL(config.Default()); err != nil || u != "https://esp.gettyimages.com/contribute/batches" {
		t.Errorf("SignInURL = %q, %v", u, err)
	}
}

func customConfig(srv *espfake.Server) config.Config {
	c := config.Default()
	c.Server, c.APIRoot, c.TokenURL, c.RequestsPerSecond = config.ServerCustom, srv.URL(), srv.TokenURL(), -1
	return c
}

func TestNewClientWithSession(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Seed: 1, Batches: 3, ContributionsPerBatch: 2})
	st := &memStore{}
	if err := SaveSession(st, srv.NewSession()); err != nil {
		t.Fatal(err)
	}
	if !st.c.IsSession() || st.c.Username != "" {
		t.Fatalf("stored %v, want a session alone", st.c)
	}
	cl, err := NewClient(customConfig(srv), st, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.VerifyCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	bs, err := cl.ListBatches(context.Background(), 0)
	if err != nil || len(bs) != 3 {
		t.Fatalf("batches %d, %v", len(bs), err)
	}
	srv.ExpireSessions()
	if _, err := cl.ListBatches(context.Background(), 0); !errors.Is(err, esp.ErrSignedOut) {
		t.Errorf("after the session expired: %v, want ErrSignedOut", err)
	}
}

// Clock skew: a stored session whose expiry has passed by this computer's
// clock (a clock a year ahead) is still tried, and works while ESP accepts
// it; ESP's 401 is what signs out.
func TestNewClientSessionPastExpiryByLocalClock(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Seed: 3, Batches: 2, ContributionsPerBatch: 1})
	st := &memStore{}
	if err := SaveSession(st, srv.NewSession()); err != nil {
		t.Fatal(err)
	}
	yearAhead := func() time.Time { return time.Now().AddDate(1, 0, 0) }
	cl, err := NewClient(customConfig(srv), st, ClientOptions{Now: yearAhead})
	if err != nil {
		t.Fatalf("NewClient with the clock a year ahead: %v", err)
	}
	if bs, err := cl.ListBatches(context.Background(), 0); err != nil || len(bs) != 2 {
		t.Fatalf("batches %d, %v; want 2 (ESP accepts the session)", len(bs), err)
	}
	srv.ExpireSessions()
	if _, err := cl.ListBatches(context.Background(), 0); !errors.Is(err, esp.ErrSignedOut) {
		t.Errorf("after ESP ended the session: %v, want ErrSignedOut", err)
	}
}

func TestNewClientNotSignedIn(t *testing.T) {
	_, err := NewClient(config.Default(), &memStore{}, ClientOptions{})
	if !errors.Is(err, ErrNotSignedIn) || !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotSignedIn", err)
	}
}

func TestNewClientWithPartnerKeys(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Mode: espfake.ModePartner, Seed: 2, Batches: 2, ContributionsPerBatch: 1})
	c := srv.Credentials()
	st := &memStore{c: secrets.Credentials{Username: c.Username, Password: secrets.NewSecret(c.Password),
		APIKey: secrets.NewSecret(c.APIKey), APISecret: secrets.NewSecret(c.APISecret)}, set: true}
	cfg := customConfig(srv)
	cfg.AuthScheme = "token"
	cl, err := NewClient(cfg, st, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.VerifyCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	if bs, err := cl.ListBatches(context.Background(), 0); err != nil || len(bs) != 2 {
		t.Fatalf("batches %d, %v", len(bs), err)
	}
	for _, r := range srv.Requests() {
		if r.Endpoint == esp.EndpointBatchesList && r.AuthScheme != "Token" {
			t.Errorf("auth scheme %q, want Token as configured", r.AuthScheme)
		}
	}
	cfg.TokenURL = ""
	if _, err := NewClient(cfg, st, ClientOptions{}); err == nil {
		t.Error("partner keys without a token URL gave no error")
	}
}

// requests_per_second is honoured: the configured ceiling is what Throttle reports.
func TestNewClientHonoursRequestsPerSecond(t *testing.T) {
	st := &memStore{}
	SaveSession(st, session.Session{BearerToken: "t"})
	cfg := config.Default()
	cfg.RequestsPerSecond = 3
	cl, err := NewClient(cfg, st, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, rps := cl.Throttle(); rps != 3 {
		t.Errorf("rate %v, want 3", rps)
	}
	cl, _ = NewClient(cfg, st, ClientOptions{InitialRate: 1.5})
	if _, rps := cl.Throttle(); rps != 1.5 {
		t.Errorf("seeded rate %v, want 1.5", rps)
	}
}

func TestDemoServerSignsIn(t *testing.T) {
	opts := DemoOptions()
	opts.Batches = 2
	d, err := StartDemo(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cl, err := d.Client(config.Default(), ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.VerifyCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	bs, err := cl.ListBatches(context.Background(), 0)
	if err != nil || len(bs) != 2 {
		t.Fatalf("batches %d, %v", len(bs), err)
	}
}
