package esp_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// The request log names every call and never carries a credential.
func TestRequestLogRedactsCredentials(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, scheme := range []esp.AuthScheme{esp.Bearer, esp.Token} {
		srv, c := pair(t, espfake.Options{Seed: 1, Batches: 2, ContributionsPerBatch: 2}, func(cfg *esp.Config) {
			cfg.Logger, cfg.AuthScheme = log, scheme
		})
		bs, err := c.ListBatches(ctx(t), 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListContributions(ctx(t), bs[0].ID, bs[0].ContributionsCount, 0); err != nil {
			t.Fatal(err)
		}
		cr := srv.Credentials()
		out := buf.String()
		for _, secret := range []string{cr.Password, cr.APIKey, cr.APISecret} {
			if strings.Contains(out, secret) {
				t.Errorf("log contains a credential %q:\n%s", secret, out)
			}
		}
		toks := srv.IssuedTokens()
		if len(toks) == 0 {
			t.Fatal("the server issued no token")
		}
		for _, tok := range toks {
			if tok != "" && strings.Contains(out, tok) {
				t.Errorf("log contains a token")
			}
		}
		for _, want := range []string{"endpoint=batches.list", "endpoint=contributions.list", "Authorization=[redacted]", "Api-Key=[redacted]", "status=200"} {
			if !strings.Contains(out, want) {
				t.Errorf("log lacks %q:\n%s", want, out)
			}
		}
	}
}
