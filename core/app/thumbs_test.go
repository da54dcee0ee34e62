package app

import (
	"context"
	"testing"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/syncer"
)

// Thumbnails queued before the app (re)started are downloaded at launch,
// even when no automatic sync runs: the queue lives in the database.
func TestThumbnailQueueResumesAtLaunch(t *testing.T) {
	h := newHarness(t, harnessOptions{
		server: &espfake.Options{Seed: 3, Batches: 2, ContributionsPerBatch: 4},
		cfg:    func(c *config.Config) { c.SyncIntervalMinutes = 0 },
	})
	cr := h.srv.Credentials()
	client, err := esp.New(esp.Config{APIRoot: h.srv.URL(), TokenURL: h.srv.TokenURL(), APIKey: cr.APIKey,
		APISecret: cr.APISecret, Username: cr.Username, Password: cr.Password, RequestsPerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	// An earlier run (another process) synced and queued thumbnails, then quit.
	if _, err := (&syncer.Engine{DB: h.db, ESP: client}).Run(context.Background(), syncer.Options{}); err != nil {
		t.Fatal(err)
	}
	if s, _ := h.db.Summary(context.Background()); s.ThumbnailsQueued != 8 {
		t.Fatalf("queued %d, want 8", s.ThumbnailsQueued)
	}
	if err := h.c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.waitFor("queue drained", func() bool {
		s, err := h.db.Summary(context.Background())
		return err == nil && s.ThumbnailsDone == 8
	})
	if got := h.srv.Counts()[esp.EndpointBatchesList]; got != 1 {
		t.Errorf("batch list requests = %d, want 1: no automatic sync was due", got)
	}
}
