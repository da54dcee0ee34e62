package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

// The app words core's facts itself and never names a CLI command: a Mac
// user has no Terminal open (issue #14).
func TestErrorTextsNameNoCommand(t *testing.T) {
	errs := []error{
		errors.New("disk full"),
		&syncer.StalledError{For: 45 * time.Second, Phase: syncer.PhaseListing},
		fmt.Errorf("write: %w", store.ErrDiskFull),
		&store.CorruptError{Path: "/d/stocksync.db", Err: errors.New("malformed")},
		&esp.Error{Endpoint: esp.EndpointBatchesList, Kind: esp.ErrSignedOut, Status: 401},
	}
	for _, err := range errs {
		for _, s := range []string{failureReason(err), verifyFailed(err)} {
			if strings.Contains(s, "stocksync ") || strings.Contains(s, "`") {
				t.Errorf("%v worded as %q", err, s)
			}
		}
	}
	if got, want := failureReason(&syncer.StalledError{For: 45 * time.Second}), "ESP stopped answering, will retry"; got != want {
		t.Errorf("stalled: %q, want %q", got, want)
	}
	if got := verifyFailed(&esp.Error{Endpoint: esp.EndpointToken, Kind: esp.ErrSignedOut, Status: 401}); !strings.HasSuffix(got, "Sign in to ESP again with Sign in to ESP… in the Stocksync menu.") {
		t.Errorf("verify signed out: %q", got)
	}
}

// A run read from the database (this process's or the CLI's) is worded by
// its stored kind; a run stored before kinds were says only that it failed.
func TestStoredRunTexts(t *testing.T) {
	now := time.Date(2026, 8, 4, 9, 0, 0, 0, time.UTC)
	run := func(outcome string, p store.SyncProblem, msg string) *store.SyncRun {
		return &store.SyncRun{StartedAt: now.Add(-6 * time.Minute), FinishedAt: now.Add(-5 * time.Minute), Outcome: outcome, Problem: p, Message: msg}
	}
	for _, tc := range []struct {
		r    *store.SyncRun
		want string
	}{
		{run(store.OutcomeFailed, store.SyncProblemUnavailable, "batches.list: ESP is unavailable (HTTP 503)"), "Last sync failed 5 minutes ago: ESP is unavailable, will retry"},
		{run(store.OutcomeFailed, store.SyncProblemDamaged, "database x is damaged"), "Last sync failed 5 minutes ago: the database is damaged — open Backups… to restore"},
		{run(store.OutcomeSignedOut, store.SyncProblemSignedOut, "batches.list: signed out of ESP (after 2 batches were synced)"), "Last sync stopped 5 minutes ago: signed out of ESP"},
		{run(store.OutcomeSignedOut, "", "signed out of ESP: the session expired or is missing; sign in again. Nothing local was changed"), "Last sync stopped 5 minutes ago: signed out of ESP"},
		{run(store.OutcomeFailed, "", "ESP refused the sign-in: check the username, password, API key and secret (`stocksync login`)"), "Last sync failed 5 minutes ago"},
	} {
		if got := lastSyncText(now, tc.r); got != tc.want {
			t.Errorf("lastSyncText(%s %q) = %q, want %q", tc.r.Outcome, tc.r.Problem, got, tc.want)
		}
	}
}

// Regression (issue #14): a sync the session ended after it had written
// batches, recorded in the database by another process (the CLI), is shown
// in the app's words: neither the stored fact nor a CLI command.
func TestAppWordsAStoredSignedOutRun(t *testing.T) {
	h := newHarness(t, harnessOptions{server: &espfake.Options{Seed: 3, Batches: 2, ContributionsPerBatch: 1},
		cfg: func(c *config.Config) { c.SyncIntervalMinutes = 0 }, start: true})
	ctx := context.Background()
	id, err := h.db.StartSyncRun(ctx, false, t0)
	if err != nil {
		t.Fatal(err)
	}
	err = h.db.FinishSyncRun(ctx, store.SyncRun{ID: id, FinishedAt: t0, Outcome: store.OutcomeSignedOut, BatchesSynced: 2,
		Problem: store.SyncProblemSignedOut, Message: "batches.list: signed out of ESP (HTTP 401) (after 2 batches were synced)"})
	if err != nil {
		t.Fatal(err)
	}
	h.c.OpenBackups() // rereads the database
	s := h.waitState("the stored run is shown", func(s State) bool { return strings.Contains(s.Menu.LastSyncLine, "signed out") })
	if got, want := s.Menu.LastSyncLine, "Last sync stopped just now: signed out of ESP"; got != want {
		t.Errorf("last sync line %q, want %q", got, want)
	}
}

// A damaged settings file is shown with what to do in the app, not with a
// CLI command (config's error states the fact only).
func TestSettingsProblemText(t *testing.T) {
	err := fmt.Errorf("read: %w", &config.DamagedError{Path: "/d/config.json", Err: errors.New("invalid character 'x'")})
	want := "read: settings file /d/config.json is damaged (invalid character 'x'); it was left untouched. Fix the file in a text editor, or restore it from a backup."
	if got := settingsProblem(err); got != want {
		t.Errorf("settingsProblem = %q, want %q", got, want)
	}
}
