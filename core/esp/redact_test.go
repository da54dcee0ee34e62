package esp_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
)

// Regression: a server that echoes the request's headers in its error text
// put the access token and API key into the error message (which the CLI
// prints and the sync history stores).
func TestEchoedCredentialsAreRedacted(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Mode: espfake.ModePartner, Seed: 1, Batches: 1, ContributionsPerBatch: 1})
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(w, `{"ErrorCode":"Debug","ErrorMessage":"you sent Authorization: %s and Api-Key: %s"}`,
			r.Header.Get("Authorization"), r.Header.Get("Api-Key"))
	}))
	defer echo.Close()
	cfg := configFor(srv)
	cfg.APIRoot = echo.URL + "/esp"
	c, err := esp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.ListBatchesPage(ctx(t), 1, 10)
	var e *esp.Error
	if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity {
		t.Fatalf("err = %v", err)
	}
	for _, tok := range srv.IssuedTokens() {
		if strings.Contains(err.Error(), tok) {
			t.Errorf("error carries a token: %v", err)
		}
	}
	if strings.Contains(err.Error(), cfg.APIKey) {
		t.Errorf("error carries the API key: %v", err)
	}
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("error %q does not show where the text was redacted", err)
	}
}

// Regression: a page holding more items than asked for was decoded whole
// (up to 32 MiB), which drove memory into the gigabytes.
func TestPageLargerThanAskedIsMalformed(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 2, Batches: 30, ContributionsPerBatch: 1}, nil)
	_ = srv
	// Asking for pages of 10 from a server that ignores page_size above its cap
	// is the normal case (fewer items); more items than asked is not.
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var items []string
		for i := range 50 {
			items = append(items, fmt.Sprintf(`{"id":"%d","file_name":"x.jpg","status":"pending"}`, i+1))
		}
		fmt.Fprintf(w, "[%s]", strings.Join(items, ","))
	}))
	defer big.Close()
	cfg := configFor(srv)
	cfg.APIRoot = big.URL + "/esp"
	bc, err := esp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = bc.ListContributionsPage(ctx(t), "1", 1, 10)
	if !errors.Is(err, esp.ErrMalformed) || !strings.Contains(err.Error(), "page size of 10") {
		t.Errorf("err = %v, want ErrMalformed naming the page size", err)
	}
	// The normal path is unaffected.
	if _, err := c.ListBatches(ctx(t), 10); err != nil {
		t.Fatal(err)
	}
}
