package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
)

// Core's errors state facts; the CLI's one hint adds the command (issue
// #14). Each typed error, wrapped as a command would, is printed with the
// advice it had when core worded it.
func TestHintAddsTheCommand(t *testing.T) {
	unsetCredentialEnv(t)
	for _, c := range []struct {
		err  error
		want string
	}{
		{&store.NotFoundError{What: store.NotFoundPendingUpload, ID: "7"}, "stocksync: there is no pending upload 7; run `stocksync pending list` to see IDs\n"},
		{fmt.Errorf("edit: %w", &store.NotFoundError{What: store.NotFoundFile, ID: "8000"}), "stocksync: edit: file 8000 is not in the local portfolio; run `stocksync list files` to see IDs\n"},
		{fmt.Errorf("restore: %w", &store.InUseError{Path: "/d/stocksync.db"}),
			"stocksync: restore: database /d/stocksync.db is in use by another process; quit the Stocksync app and any running stocksync command, then try again\n"},
		{&store.CorruptError{Path: "/d/stocksync.db", Err: errors.New("database disk image is malformed")},
			"stocksync: database /d/stocksync.db is damaged or is not a Stocksync database (database disk image is malformed); it was left untouched; " +
				"restore it from a backup with `stocksync restore SNAPSHOT` (see `stocksync backup list`), or move it away and run `stocksync sync` to fetch the server data again\n"},
		{&backup.LocalOnlyDamagedError{Snapshot: "/b/snap 1", DB: "/d/stocksync.db", Err: &store.CorruptError{Path: "/d/stocksync.db", Problem: store.ProblemNotSQLite, Err: errors.New("file is not a database")}},
			"stocksync: database /d/stocksync.db is not a database (file is not a database); it was left untouched; merging only the local-only data needs a working database; " +
				"restore everything with `stocksync restore '/b/snap 1'`, or move /d/stocksync.db away, run `stocksync sync`, then run `stocksync restore '/b/snap 1' --local-only` again\n"},
		{&backup.DestinationError{Dest: "/Volumes/Backup", Reason: backup.ReasonMissing},
			"stocksync: backup destination /Volumes/Backup does not exist or is not connected; connect the drive (or mount the share) and try again, or choose another folder with `stocksync backup destination DIR`\n"},
		{&backup.DestinationError{Dest: "/Volumes/Backup", Reason: backup.ReasonFull},
			"stocksync: backup destination /Volumes/Backup is full: the incomplete snapshot was removed and your data was not touched; free space there or choose another folder with `stocksync backup destination DIR`\n"},
		{&esp.Error{Endpoint: esp.EndpointContributionsList, Kind: esp.ErrSignedOut, Status: 401},
			"stocksync: contributions.list: signed out of ESP (HTTP 401); sign in again with `stocksync login`\n"},
		{backup.ErrNoDestination, "stocksync: no backup destination is set; choose one with `stocksync backup destination DIR`, or pass --to DIR\n"},
		{&backup.VerifyError{Report: backup.Report{Snapshot: "s1"}}, "stocksync: snapshot s1 failed verification; use another snapshot (`stocksync backup list`)\n"},
		{fmt.Errorf("load: %w", &config.DamagedError{Path: "/d/config.json", Err: errors.New("invalid character")}),
			"stocksync: load: settings file /d/config.json is damaged (invalid character); it was left untouched; fix the settings file, or restore it with `stocksync restore SNAPSHOT --local-only`\n"},
		{config.ErrNoAPIRoot, "stocksync: server \"custom\" needs api_root (and token_url for partner keys), and api_root is not set; set it first (`stocksync config set api_root URL`), or choose another server\n"},
		{account.ErrSandboxNeedsPartnerKeys, "stocksync: the ESP sandbox takes partner keys only; a browser session signs in to production; sign in with `stocksync login --partner`\n"},
		{errors.New("plain"), "stocksync: plain\n"},
	} {
		var b bytes.Buffer
		finish(&b, c.err, false)
		if b.String() != c.want {
			t.Errorf("finish(%v):\n got %q\nwant %q", c.err, b.String(), c.want)
		}
		// The fact itself names no command: that is the hint's job.
		if msg := c.err.Error(); strings.Contains(msg, "`stocksync") {
			t.Errorf("core's text names a command: %q", msg)
		}
	}
}

// With the session in the environment, the advice is to set it again:
// `stocksync login` cannot replace it.
func TestHintNamesTheEnvironmentSession(t *testing.T) {
	unsetCredentialEnv(t)
	t.Setenv(secrets.EnvSession, "cookie=1")
	h := hint(&esp.Error{Endpoint: esp.EndpointContributionsList, Kind: esp.ErrSignedOut, Status: 401})
	if !strings.Contains(h, "set "+secrets.EnvSession) || strings.Contains(h, "stocksync login") {
		t.Errorf("hint %q", h)
	}
}

// Regression (issue #14): a sync the session ended after some batches were
// written is stored with its kind and the fact; `status` reads it back from
// the database and names the command, and never says that nothing changed.
func TestStatusWordsAStoredSignedOutRun(t *testing.T) {
	unsetCredentialEnv(t)
	ctx := context.Background()
	d := datadir.Dir{Root: filepath.Join(t.TempDir(), "data")}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	id, _ := db.StartSyncRun(ctx, false, now)
	err = db.FinishSyncRun(ctx, store.SyncRun{ID: id, FinishedAt: now, Outcome: store.OutcomeFailed, BatchesSynced: 2,
		Problem: store.SyncProblemUnavailable, Message: "batches.list: ESP is unavailable (HTTP 503)"})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "--data-dir", d.Root, "status")
	if code != 0 || !strings.Contains(out, "Last sync:     failed, just now: batches.list: ESP is unavailable (HTTP 503); the next sync will try again\n") {
		t.Errorf("status exit %d:\n%s%s", code, out, errs)
	}

	db, err = store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, _ = db.StartSyncRun(ctx, false, now)
	err = db.FinishSyncRun(ctx, store.SyncRun{ID: id, FinishedAt: now, Outcome: store.OutcomeSignedOut, BatchesSynced: 2,
		Problem: store.SyncProblemSignedOut, Message: "contributions.list: signed out of ESP (HTTP 401) (after 2 batches were synced)"})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, errs, code = runCLI(t, "--data-dir", d.Root, "status")
	if code != 0 || !strings.Contains(out, "`stocksync login`") || strings.Contains(strings.ToLower(out), "nothing local") {
		t.Errorf("status exit %d:\n%s%s", code, out, errs)
	}
}

// A partial or stalled sync keeps saying what happens next.
func TestRunTextAddsWhatHappensNext(t *testing.T) {
	for _, c := range []struct {
		run  store.SyncRun
		want string
	}{
		{store.SyncRun{Problem: store.SyncProblemItemsFailed, Message: "2 of 7 items failed"}, "2 of 7 items failed; the next sync retries them"},
		{store.SyncRun{Problem: store.SyncProblemNoProgress, Message: "ESP stopped answering: nothing came back for 45s while listing batches"},
			"ESP stopped answering: nothing came back for 45s while listing batches; the next sync continues where this one stopped (check the network, or whether ESP is down)"},
		{store.SyncRun{Message: "signed out of ESP: the session expired or is missing; sign in again. Nothing local was changed"},
			"signed out of ESP: the session expired or is missing; sign in again. Nothing local was changed"}, // a run stored before kinds
	} {
		if got := runText(c.run); got != c.want {
			t.Errorf("runText(%+v) = %q, want %q", c.run, got, c.want)
		}
	}
}

// unsetCredentialEnv clears the credential variables for the test.
func unsetCredentialEnv(t *testing.T) {
	for _, k := range []string{secrets.EnvSession, secrets.EnvUsername, secrets.EnvPassword, secrets.EnvAPIKey, secrets.EnvAPISecret} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// A database another process keeps locked past the busy timeout is "busy"
// (exit 4, as docs/cli.md says), like a held data-folder lock: it exited 1.
func TestInUseExitsBusy(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	err := fmt.Errorf("begin write: %w", &store.InUseError{Path: "/d/stocksync.db"})
	if code := finish(&b, err, false); code != exitBusy || !strings.Contains(b.String(), "quit the Stocksync app and any running stocksync command") {
		t.Errorf("finish(%v) = %d, %q; want %d with the hint", err, code, b.String(), exitBusy)
	}
}
