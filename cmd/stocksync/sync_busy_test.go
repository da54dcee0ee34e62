package main

import (
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/lockfile"
)

// A busy `sync --json` (exit 4) had no run but printed a zero one
// ("run":{"id":0,"started_at":"0001-01-01T00:00:00Z",…}); it leaves run out.
func TestSyncJSONBusyHasNoRun(t *testing.T) {
	_, dir := cliServer(t, espfake.Options{Seed: 23, Batches: 1, ContributionsPerBatch: 1})
	l, err := lockfile.TryAcquire(datadir.Dir{Root: dir}.Lock(), "stocksync sync (test)")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	out, _, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails", "--json")
	if code != exitBusy || !strings.Contains(out, `"event":"result"`) || strings.Contains(out, `"run"`) || strings.Contains(out, "0001-01-01") {
		t.Errorf("busy sync --json: exit %d, %s; want %d and a result without run", code, out, exitBusy)
	}
}
