package main

import (
	"context"
	"net/http"
	"os"
	"strings"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
)

// newServer starts the built-in ESP server as the bench uses it: the web API
// with browser sessions (ESP as it works in 2026, and the product's default
// sign-in), so a sync sends its session with every request and makes no
// token round trip.
func newServer(seed uint64, batches, files int, p params) (*espfake.Server, error) {
	srv, err := espfake.New(espfake.Options{Mode: espfake.ModeWeb, Seed: seed, Batches: batches, ContributionsPerBatch: files,
		Latency: p.latency, RequestLogLimit: 1})
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	return srv, nil
}

// sessionEnv is this process's environment for the child `stocksync`, signed
// in with a fresh session of srv in STOCKSYNC_ESP_SESSION (the Cookie header a
// user pastes from the browser), and no other STOCKSYNC_ESP_ variable.
func sessionEnv(srv *espfake.Server) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STOCKSYNC_ESP_") {
			env = append(env, kv)
		}
	}
	s := srv.NewSession()
	cookies := make([]string, 0, len(s.Cookies))
	for _, c := range s.Cookies {
		cookies = append(cookies, (&http.Cookie{Name: c.Name, Value: c.Value}).String())
	}
	return append(env, secrets.EnvSession+"="+strings.Join(cookies, "; "))
}

// openClient is an ESP client in this process with a session of srv.
func openClient(srv *espfake.Server, inflight int) (*esp.Client, error) {
	s := srv.NewSession()
	return esp.New(esp.Config{APIRoot: srv.URL(), Session: &s, MaxInFlight: inflight, RequestsPerSecond: -1})
}

// naivePageSize is the naive client's page size for the batch list and for
// each batch's contributions: the smallest ESP was seen to use.
const naivePageSize = 10

// naiveESP is the ESP client as a naive sync client uses it: one request in
// flight (the client's limit), the batch list in pages of naivePageSize, and
// each batch's contributions paged too, naivePageSize at a time, one page
// after the other until the batch's contributions_count has come or a page
// comes back short. Releases are listed per batch as the real client does.
type naiveESP struct {
	*esp.Client
}

func (n naiveESP) ListContributions(ctx context.Context, batchID string, expected, _ int) ([]esp.Contribution, error) {
	var all []esp.Contribution
	for page := 1; ; page++ {
		items, err := n.ListContributionsPage(ctx, batchID, page, naivePageSize)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) < naivePageSize || expected > 0 && len(all) >= expected {
			return all, nil
		}
	}
}
