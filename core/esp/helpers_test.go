package esp_test

import (
	"context"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
)

// pair starts a server and a client configured for it, with fast retries.
func pair(t *testing.T, opts espfake.Options, tweak func(*esp.Config)) (*espfake.Server, *esp.Client) {
	t.Helper()
	opts.Mode = espfake.ModePartner
	srv := espfaketest.New(t, opts)
	cfg := configFor(srv)
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := esp.New(cfg)
	if err != nil {
		t.Fatalf("esp.New: %v", err)
	}
	return srv, c
}

func configFor(srv *espfake.Server) esp.Config {
	cr := srv.Credentials()
	return esp.Config{
		APIRoot:              srv.URL(),
		TokenURL:             srv.TokenURL(),
		APIKey:               cr.APIKey,
		APISecret:            cr.APISecret,
		Username:             cr.Username,
		Password:             cr.Password,
		RequestsPerSecond:    -1,
		RetryBaseDelay:       time.Millisecond,
		RetryMaxDelay:        5 * time.Millisecond,
		Timeout:              5 * time.Second,
		MaxThrottleWait:      10 * time.Second,
		MinRequestsPerSecond: 1000, // throttling tests here are about retries, not pace
		ModeledReviews:       true,
	}
}

// noRaw returns items with Raw cleared, for comparing with a server snapshot.
func noRaw[T any](items []T, clear func(*T)) []T {
	if items == nil {
		return nil
	}
	out := make([]T, len(items))
	for i := range items {
		out[i] = items[i]
		clear(&out[i])
	}
	return out
}

func clearBatchRaw(b *esp.Batch)               { b.Raw = nil }
func clearContributionRaw(c *esp.Contribution) { c.Raw = nil }
func clearReleaseRaw(r *esp.Release)           { r.Raw = nil }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// clock is a settable clock for token expiry.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }
