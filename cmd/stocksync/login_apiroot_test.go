package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// Found by breaking issue #10: a bad --api-root was found only after the
// session had been checked, and reported as exit 1 "nothing was saved: set up
// the ESP client: esp client settings: …"; it is a usage error (exit 2)
// naming the flag, and nothing is written.
func TestLoginBadAPIRoot(t *testing.T) {
	srv, dir := webServer(t, espfake.Options{Seed: 66, Batches: 1, ContributionsPerBatch: 1, NoThumbnails: true})
	header := browserCookieHeader(t, srv)
	for root, want := range map[string]string{
		srv.URL() + "?x=1":           "must not have a query or fragment",
		srv.URL() + "#top":           "must not have a query or fragment",
		"ftp://127.0.0.1:8765/api":   "must be an https URL",
		"http://example.com/api":     "plain http to a non-local host",
		"esp.gettyimages.com/api":    "not an absolute URL",
		"http://127.0.0.1:1/\x1b[2J": "not an absolute URL",
	} {
		_, errs, code := runCLIIn(t, header, "--data-dir", dir, "login", "--session-stdin", "--api-root", root)
		if code != exitUsage || !strings.Contains(errs, "--api-root") || !strings.Contains(errs, want) || strings.Contains(errs, "\x1b") {
			t.Errorf("--api-root %q: exit %d, %q; want %d with %q", root, code, errs, exitUsage, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "config.json")); !os.IsNotExist(err) {
		t.Errorf("a refused --api-root wrote the settings: %v", err)
	}
}
