package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/config"
)

// A kept demo folder names the demo server and its backups in its settings:
// a later `sync` there must not fetch a real account's portfolio into it
// (found by a newcomer: the kept folder said server production).
func TestDemoKeptFolderStaysADemo(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	if _, errs, code := runCLI(t, "--data-dir", dir, "demo", "--batches", "2", "--files", "3", "--latency", "0s"); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errs)
	}
	cfg, err := config.Load(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server != config.ServerDemo || cfg.Backup.Destination != dir+"-backups" {
		t.Errorf("kept settings: server %q, backups %q; want demo and %s", cfg.Server, cfg.Backup.Destination, dir+"-backups")
	}
	_, errs, code := runCLI(t, "--data-dir", dir, "sync")
	if code == 0 || !strings.Contains(errs, "demo") {
		t.Errorf("sync in the kept demo folder: exit %d, %q; want a refusal naming the demo", code, errs)
	}
}
