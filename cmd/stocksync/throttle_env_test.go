package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// STOCKSYNC_ESP_THROTTLE_GIVE_UP must be a duration from 1s to 24h; anything
// else is a usage error naming the variable, before ESP is called.
func TestThrottleGiveUpIsChecked(t *testing.T) {
	for _, v := range []string{"soon", "0s", "-5m", "48h"} {
		t.Setenv(envThrottleGiveUp, v)
		_, errs, code := runCLI(t, "--data-dir", filepath.Join(t.TempDir(), "data"), "sync")
		if code != exitUsage || !strings.Contains(errs, envThrottleGiveUp) {
			t.Errorf("%s=%q: exit %d, %q; want exit %d naming it", envThrottleGiveUp, v, code, errs, exitUsage)
		}
	}
	t.Setenv(envThrottleGiveUp, "90s")
	if d, err := throttleGiveUp(); err != nil || d.Seconds() != 90 {
		t.Errorf("90s: %v, %v", d, err)
	}
}
