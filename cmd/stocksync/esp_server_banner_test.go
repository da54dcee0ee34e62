package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
)

// The web-mode banner works on Linux too (not only pbpaste), names the form
// its curl line posts to, and says how to stop a server started with &.
func TestESPServerBannerWording(t *testing.T) {
	t.Parallel()
	srv := espfaketest.New(t, espfake.Options{Mode: espfake.ModeWeb})
	var out bytes.Buffer
	printServer(&out, srv, espfake.Options{})
	got := out.String()
	for _, want := range []string{"wl-paste", "xclip -o", "pbpaste", srv.ServerRoot() + "/sign-in;", "kill %1", "cookies=$(mktemp)"} {
		if !strings.Contains(got, want) {
			t.Errorf("banner lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "/tmp/esp-cookies") {
		t.Errorf("banner still uses a fixed cookie file:\n%s", got)
	}
}
