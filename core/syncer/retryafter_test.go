package syncer

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/session"
	"github.com/stocksync/stocksync/core/store"
)

// ESP answering 429 with a Retry-After of a day is not throttling a sync
// to wait out: the run stops with ESP's rate-limit error. (Found by trying
// it: the run slept the whole Retry-After, and its watchdog then called the
// pause "ESP stopped answering".)
func TestLongRetryAfterStopsTheRun(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "86400")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"message":"Account Over Rate Limit"}`))
	}))
	defer hs.Close()
	s := session.Session{BearerToken: "tok"}
	client, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "stocksync.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eng := &Engine{DB: db, ESP: client, LockPath: filepath.Join(dir, "sync.lock"), Command: "test"}
	// The deadline only keeps a regression from hanging the suite.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err = eng.Run(ctx, Options{})
	var stalled *StalledError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("the run waited out a day-long Retry-After (err %v)", err)
	case errors.As(err, &stalled):
		t.Fatalf("err = %v; ESP answered, it did not stop answering", err)
	case !errors.Is(err, esp.ErrRateLimited):
		t.Fatalf("err = %v; want esp.ErrRateLimited", err)
	}
}
