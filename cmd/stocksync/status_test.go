package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
)

// Issue 12: "Last sync: cancelled, just now: cancelled"; a running
// thumbnail download and a due backup reminder were not shown.
func TestStatusSaysEachThingOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	d := datadir.Dir{Root: dir}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	id, err := db.StartSyncRun(ctx, false, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishSyncRun(ctx, store.SyncRun{ID: id, StartedAt: now, FinishedAt: now, Outcome: store.OutcomeCancelled, Message: "cancelled"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPendingUpload(ctx, store.PendingUpload{Path: "/pics/a.jpg", Title: "A", MediaType: "image"}, now); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, _, code := runCLI(t, "--data-dir", dir, "status")
	if code != 0 || !strings.Contains(out, "Last sync:     cancelled, just now\n") {
		t.Errorf("status: exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "downloading now") {
		t.Errorf("no download runs, status says one does:\n%s", out)
	}
	if !strings.Contains(out, "Backup:        due:") || !strings.Contains(out, "1 pending upload exists only on "+reminder.MachineName(runtime.GOOS)+".") {
		t.Errorf("a pending upload never backed up: no reminder in\n%s", out)
	}

	lock, err := lockfile.TryAcquire(thumbnailsLock(d), "stocksync thumbnails (test)")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	out, _, _ = runCLI(t, "--data-dir", dir, "status")
	if !strings.Contains(out, "(downloading now)") {
		t.Errorf("status during a download:\n%s", out)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "status", "--json")
	var s statusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil || !s.ThumbnailsDownloading || s.Reminder == nil || !s.Reminder.Due {
		t.Errorf("status --json: %s (%v)", out, err)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "thumbnails", "--json")
	var th thumbnailsJSON
	if err := json.Unmarshal([]byte(out), &th); err != nil || !th.Downloading {
		t.Errorf("thumbnails --json: %s (%v)", out, err)
	}
}

// finish is main's one exit path: interruptions are 130 whatever error they
// surfaced as; messages are terminal-safe and lose a redundant ": not found".
func TestFinish(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err         error
		interrupted bool
		code        int
		msg         string
	}{
		{nil, false, exitOK, ""},
		{errors.New("boom"), false, exitFailure, "stocksync: boom\n"},
		{fmt.Errorf("download thumbnails: %w", context.Canceled), true, exitInterrupted, "stocksync: interrupted; nothing was left half-written: run the command again to continue\n"},
		{errors.New("read /x: connection reset"), true, exitInterrupted, "stocksync: read /x: connection reset\n"},
		// A write rolled back by the interruption, then failing on its own.
		{fmt.Errorf("write to /d/stocksync.db not committed: %w (there is no pending upload 5)", context.Canceled), true, exitInterrupted,
			"stocksync: interrupted; nothing was left half-written: run the command again to continue\n"},
		{fmt.Errorf("verify: %w", context.Canceled), false, exitInterrupted, "stocksync: interrupted; nothing was left half-written: run the command again to continue\n"},
		{usageError("bad"), true, exitUsage, "stocksync: bad\n"},
		{fmt.Errorf("file 8001 is not in the local portfolio (run `stocksync list files` to see IDs): %w", store.ErrNotFound), false, exitFailure,
			"stocksync: file 8001 is not in the local portfolio (run `stocksync list files` to see IDs)\n"},
		{errors.New("title \x1b[31mred\nline"), false, exitFailure, "stocksync: title �red line\n"},
		{&exitError{code: exitPartial}, false, exitPartial, ""},
		{errors.New("unknown command \"stat\" for \"stocksync\"\n\nDid you mean this?\n\tstatus\n"), false, exitUsage,
			"stocksync: unknown command \"stat\" for \"stocksync\"; did you mean status? (see `stocksync --help`)\n"},
		{&lockfile.HeldError{Path: "/x/sync.lock"}, false, exitBusy, ""},
	} {
		var b bytes.Buffer
		code := finish(&b, tc.err, tc.interrupted)
		if code != tc.code || (tc.msg != "" && b.String() != tc.msg) {
			t.Errorf("finish(%v, %v) = %d, %q; want %d, %q", tc.err, tc.interrupted, code, b.String(), tc.code, tc.msg)
		}
	}
}

// With a damaged config.json, status dropped its Backup line without a word
// (issue 12, item 4: no command leaves out what it could not read).
func TestStatusSaysWhyTheReminderIsUnknown(t *testing.T) {
	t.Parallel()
	d := localData(t)
	if err := os.WriteFile(d.Config(), []byte(`{"concurrency":"8"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "--data-dir", d.Root, "status")
	if code != 0 || !strings.Contains(out, "Backup:        unknown: settings file "+d.Config()+" is damaged (concurrency is text in quotes") {
		t.Errorf("status: exit %d %q %q", code, out, errs)
	}
	out, _, _ = runCLI(t, "--data-dir", d.Root, "status", "--json")
	var s statusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Reminder != nil || !strings.Contains(s.ReminderError, "is damaged") {
		t.Errorf("status --json: %s (%v)", out, err)
	}
}

// A sync killed mid-way stays recorded as running until the next one: status
// said "Last sync: running" for ever, though nothing ran.
func TestStatusKilledSyncIsNotRunning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := localData(t)
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartSyncRun(ctx, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, _, _ := runCLI(t, "--data-dir", d.Root, "status")
	if !strings.Contains(out, "Last sync:     cancelled, just now: "+stoppedSyncMessage+"\n") {
		t.Errorf("status after a killed sync:\n%s", out)
	}
	lock, err := lockfile.TryAcquire(d.Lock(), "stocksync sync (test)")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	out, _, _ = runCLI(t, "--data-dir", d.Root, "status", "--json")
	var s statusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Summary.LastSync == nil || s.Summary.LastSync.Outcome != store.OutcomeRunning {
		t.Errorf("status --json while a sync holds the lock: %s (%v)", out, err)
	}
}

// Every line naming where local-only work lives says it as the reminder
// does ("this computer" on Linux, "this Mac" on macOS); `backup` and
// `backup status` said "this machine".
func TestOutputNamesTheMachineOneWay(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := t.TempDir()
	want := "Only on " + reminder.ThisComputer + ":"
	for _, args := range [][]string{{"status"}, {"backup", "--to", dest}, {"backup", "status"}} {
		out, errs, _ := runCLI(t, append([]string{"--data-dir", d.Root}, args...)...)
		if strings.Contains(out+errs, "this machine") || !strings.Contains(strings.ReplaceAll(out, ", now in the backup:", ":"), want) {
			t.Errorf("%v:\n%s%s", args, out, errs)
		}
	}
}
