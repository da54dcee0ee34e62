package account

import (
	"context"
	"testing"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/secrets"
)

func TestEndpoints(t *testing.T) {
	tests := []struct {
		server, root, tok string
		ok                bool
	}{
		{config.ServerProduction, esp.ProductionAPIRoot, esp.ProductionTokenURL, true},
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

func TestESPConfigCarriesCredentials(t *testing.T) {
	c := config.Default()
	c.AuthScheme = "token"
	c.Concurrency = 5
	got, err := ESPConfig(c, secrets.Credentials{Username: "ann", Password: secrets.NewSecret("pw"),
		APIKey: secrets.NewSecret("key"), APISecret: secrets.NewSecret("sec")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Username != "ann" || got.Password != "pw" || got.APIKey != "key" || got.APISecret != "sec" ||
		got.AuthScheme != esp.Token || got.MaxInFlight != 5 || got.APIRoot != esp.ProductionAPIRoot {
		t.Errorf("got %+v", got)
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
	cfg, err := d.ESPConfig(config.Default())
	if err != nil {
		t.Fatal(err)
	}
	cl, err := esp.New(cfg)
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
