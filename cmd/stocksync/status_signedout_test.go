package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
)

// A signed-out last sync is worded once and names the command
// ("signed_out, just now: signed out of ESP: … sign in again" before).
func TestStatusSignedOutWording(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	s := statusJSON{DataDir: "/d", Exists: true}
	s.Summary.LastSync = &store.SyncRun{ID: 1, StartedAt: now, Outcome: store.OutcomeSignedOut,
		Message: "signed out of ESP: the session expired or is missing; sign in again. Nothing local was changed"}
	line := func() string {
		var b bytes.Buffer
		printStatus(&b, s, now)
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(l, "Last sync:") {
				return l
			}
		}
		return ""
	}
	t.Setenv(secrets.EnvSession, "x")
	os.Unsetenv(secrets.EnvSession)
	if got := line(); strings.Count(got, "signed out") != 1 || strings.Contains(got, "signed_out") || !strings.Contains(got, "`stocksync login`") {
		t.Errorf("keychain sign-in: %q", got)
	}
	t.Setenv(secrets.EnvSession, "cookie=1")
	if got := line(); strings.Count(got, "signed out") != 1 || !strings.Contains(got, secrets.EnvSession) {
		t.Errorf("session from the environment: %q", got)
	}
}
