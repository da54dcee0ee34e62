package esp_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/session"
)

// Issue 15: with 8 requests in flight, the connections of one round are
// kept for the next. Go's default transport keeps 2 idle connections per
// host, so 6 were closed after each round and dialled again (on ESP, a TCP
// and TLS handshake each).
func TestConnectionsReusedAcrossRounds(t *testing.T) {
	var dials atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // hold all 8 in flight at once
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"items":[],"meta":{"total_items":0}}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := esp.New(esp.Config{APIRoot: srv.URL + "/api", Session: &session.Session{BearerToken: "t"},
		MaxInFlight: 8, RequestsPerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		var wg sync.WaitGroup
		for p := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := c.ListBatchesPage(ctx(t), p+1, 10); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	if n := dials.Load(); n > 8 {
		t.Errorf("3 rounds of 8 requests opened %d connections, want at most 8", n)
	}
}
