package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

// Newcomer item 1: every command that can partly succeed exits 3 when it
// did, 1 (or the failures' own code) when nothing was done, 0 when all was.
func TestPartialSuccessExitsThree(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	missing := e.photo("missing.jpg")
	// add: one file added, one refused.
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg"), missing); code != exitPartial || !strings.Contains(stderr, missing) {
		t.Errorf("add, one of two: exit %d (want %d), stderr %q", code, exitPartial, stderr)
	}
	// add: every file refused is a failure, not a partial success.
	if _, _, code := e.run(t, "add", missing, e.photo("gone.jpg")); code != exitFailure {
		t.Errorf("add, none of two: exit %d, want %d", code, exitFailure)
	}
	if _, stderr, code := e.run(t, "add", e.photo("leaf.png"), e.photo("scan.tif")); code != 0 {
		t.Fatalf("add: exit %d %s", code, stderr)
	}
	// pending edit: 1 and 2 exist, 99 does not.
	stdout, stderr, code := e.run(t, "pending", "edit", "1", "99", "2", "--title", "Same")
	if code != exitPartial || !strings.Contains(stderr, "there is no pending upload 99") || strings.Count(stdout, "changed: title") != 2 ||
		!strings.Contains(stderr, "done in part: 2 of 3 pending uploads changed, 1 not") {
		t.Errorf("pending edit 1 99 2: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, p := range e.pending(t) {
		if (p.ID == 1 || p.ID == 2) && p.Title != "Same" {
			t.Errorf("pending upload %d: title %q, want Same", p.ID, p.Title)
		}
	}
	// A bad ID among several is a usage error before anything changes.
	if _, _, code := e.run(t, "pending", "edit", "1", "x", "--title", "Other"); code != exitUsage {
		t.Errorf("pending edit 1 x: exit %d, want %d", code, exitUsage)
	}
	if e.pending(t)[0].Title != "Same" {
		t.Error("pending edit with a bad ID changed pending upload 1")
	}
	// pending edit --json with several IDs prints an array.
	stdout, _, code = e.run(t, "pending", "edit", "1", "2", "--title", "Both", "--json")
	var rows []store.PendingUpload
	if code != 0 || json.Unmarshal([]byte(stdout), &rows) != nil || len(rows) != 2 {
		t.Errorf("pending edit 1 2 --json: exit %d, %q", code, stdout)
	}
	// pending remove: 2 removed, 99 not there.
	if _, stderr, code := e.run(t, "pending", "remove", "2", "99"); code != exitPartial || !strings.Contains(stderr, "there is no pending upload 99") {
		t.Errorf("pending remove 2 99: exit %d, stderr %q", code, stderr)
	}
	// Every one failing: the failures' code, not 3.
	if _, stderr, code := e.run(t, "pending", "remove", "2", "99"); code != exitFailure || !strings.Contains(stderr, "none of the 2 pending uploads was removed") {
		t.Errorf("pending remove 2 99 again: exit %d, stderr %q", code, stderr)
	}
	// One ID keeps its one message and code.
	if _, stderr, code := e.run(t, "pending", "remove", "99"); code != exitFailure || strings.Count(stderr, "stocksync:") != 1 {
		t.Errorf("pending remove 99: exit %d, stderr %q", code, stderr)
	}
}

// resolve, discard and unlink over several files: 3 when some were done.
func TestPartialSuccessEditsAndPaths(t *testing.T) {
	srv, dir := cliServer(t, espfake.Options{Seed: 15, Batches: 1, ContributionsPerBatch: 3, StatusMix: espfake.StatusMix{Pending: 1}})
	run := func(args ...string) (string, string, int) {
		t.Helper()
		return runCLI(t, append([]string{"--data-dir", dir}, args...)...)
	}
	if _, errs, code := run("sync", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync: exit %d %s", code, errs)
	}
	ids := srv.ContributionIDs(srv.BatchIDs()[0])
	for _, id := range ids[:2] {
		if _, errs, code := run("edit", id, "--title", "Mine "+id); code != 0 {
			t.Fatalf("edit: exit %d %s", code, errs)
		}
	}
	// ids[2] has no edit.
	out, errs, code := run("discard", ids[0], ids[2])
	if code != exitPartial || !strings.Contains(out, "Your edit of file "+ids[0]+" was dropped") || !strings.Contains(errs, "file "+ids[2]+" has no local edit") {
		t.Errorf("discard: exit %d, out %q, errs %q", code, out, errs)
	}
	out, errs, code = run("resolve", ids[1], ids[2], "--keep-esp", "--json")
	var rows []resolveJSON
	if code != exitPartial || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0].FileID != ids[1] {
		t.Errorf("resolve --keep-esp: exit %d, out %q, errs %q", code, out, errs)
	}
	orig := filepath.Join(t.TempDir(), "fog.jpg")
	if err := os.WriteFile(orig, []byte("jpeg"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run("link", ids[0], orig); code != 0 {
		t.Fatalf("link: exit %d %s", code, errs)
	}
	out, errs, code = run("unlink", ids[0], ids[1])
	if code != exitPartial || !strings.Contains(out, "To record it again: stocksync --data-dir "+dir+" link "+ids[0]+" "+orig) ||
		!strings.Contains(errs, "no local file path is recorded for file "+ids[1]) {
		t.Errorf("unlink: exit %d, out %q, errs %q", code, out, errs)
	}
	if out, _, _ := run("link", ids[0]); !strings.Contains(out, "No local file path is recorded") {
		t.Errorf("after unlink, link shows %q", out)
	}
	// An ID that is no file says so, and where the IDs are (it said only
	// that no path was recorded, and to ask `link`, which then said it).
	if _, errs, code := run("unlink", "99999999"); code != exitFailure ||
		!strings.Contains(errs, "file 99999999 is not in the local portfolio") || !strings.Contains(errs, "`stocksync list files`") {
		t.Errorf("unlink 99999999: exit %d, errs %q", code, errs)
	}
}

// backup delete over several names: 3 when some were deleted; and it
// removes what interrupted snapshots left in the folder (item 5).
func TestBackupDeleteSeveralAndLeftovers(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := filepath.Join(t.TempDir(), "Backups")
	dd := []string{"--data-dir", d.Root}
	if _, errs, code := runCLI(t, append(dd, "backup", "destination", dest)...); code != 0 {
		t.Fatalf("destination: exit %d %s", code, errs)
	}
	var names []string
	for range 2 {
		out, errs, code := runCLI(t, append(dd, "backup", "--json")...)
		if code != 0 {
			t.Fatalf("backup: exit %d %s", code, errs)
		}
		var r struct {
			Snapshot struct{ Name string } `json:"snapshot"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Snapshot.Name == "" {
			t.Fatalf("backup --json %q: %v", out, err)
		}
		names = append(names, r.Snapshot.Name)
	}
	left := filepath.Join(dest, ".stocksync-tmp-snapshot-123456")
	if err := os.MkdirAll(left, 0o700); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, append(dd, "backup", "delete", names[0], "stocksync-20000101T000000Z")...)
	if code != exitPartial || !strings.Contains(out, "Deleted ") || !strings.Contains(errs, "stocksync-20000101T000000Z") {
		t.Errorf("delete one of two: exit %d, out %q, errs %q", code, out, errs)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("backup delete left %s in the backup folder (stat: %v)", left, err)
	}
	if _, err := os.Stat(filepath.Join(dest, names[1])); err != nil {
		t.Errorf("the other snapshot is gone: %v", err)
	}
}

// A backup whose snapshot is good but whose pruning failed is done in part
// (exit 3), not failed: the snapshot is there.
func TestBackupPruneFailureIsPartial(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := filepath.Join(t.TempDir(), "Backups")
	dd := []string{"--data-dir", d.Root}
	for _, args := range [][]string{{"backup", "destination", dest}, {"config", "set", "backup.keep", "1"}} {
		if _, errs, code := runCLI(t, append(dd, args...)...); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errs)
		}
	}
	out, errs, code := runCLI(t, append(dd, "backup", "--json")...)
	var r struct {
		Snapshot struct{ Name string } `json:"snapshot"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("backup: exit %d %s", code, errs)
	}
	// A folder in the way of the old snapshot's deletion, held by a live
	// process (this one), so pruning it fails.
	inTheWay := filepath.Join(dest, ".stocksync-tmp-delete-"+r.Snapshot.Name)
	if err := os.MkdirAll(filepath.Join(inTheWay, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	mark, err := lockfile.Mark(inTheWay)
	if err != nil {
		t.Fatal(err)
	}
	defer mark.Release()
	_, errs, code = runCLI(t, append(dd, "backup")...)
	if code != exitPartial || !strings.Contains(errs, "the snapshot is fine, but pruning old snapshots failed") {
		t.Errorf("backup with pruning failing: exit %d (want %d), %q", code, exitPartial, errs)
	}
}

// An ID named twice (or spelled two ways) is done once: not a failure on
// its second mention, not exit 3.
func TestRepeatedArgumentDoneOnce(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg"), e.photo("leaf.png")); code != 0 {
		t.Fatalf("add: exit %d %s", code, stderr)
	}
	stdout, stderr, code := e.run(t, "pending", "edit", "1", "#1", "01", "--title", "Once")
	if code != 0 || stderr != "" || strings.Count(stdout, "changed: title") != 1 {
		t.Errorf("pending edit 1 #1 01: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	stdout, stderr, code = e.run(t, "pending", "remove", "2", "2", "--json")
	var rows []store.PendingUpload
	if code != 0 || stderr != "" || json.Unmarshal([]byte(stdout), &rows) != nil || len(rows) != 1 || rows[0].ID != 2 {
		t.Errorf("pending remove 2 2 --json: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// A repeat does not count in the summary: 1 of 2, not 2 of 3.
	_, stderr, code = e.run(t, "pending", "remove", "1", "1", "99")
	if code != exitPartial || !strings.Contains(stderr, "1 of 2 pending uploads removed, 1 not") {
		t.Errorf("pending remove 1 1 99: exit %d, stderr %q", code, stderr)
	}
}

// Interrupted (Ctrl-C) in the middle of several arguments: exit 130, how
// many were done, and no line for the argument whose write the
// interruption rolled back (it said "context canceled (there is no
// pending upload 3)", which finish printed as it was).
func TestEachArgInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errOut bytes.Buffer
	var did []string
	err := eachArg(ctx, []string{"1", "2", "3", "4"}, &errOut, "pending upload", "removed", func(a string) error {
		if a == "3" {
			cancel()
			return fmt.Errorf("write to /d/stocksync.db not committed: %w (there is no pending upload 3)", context.Canceled)
		}
		did = append(did, a)
		return nil
	})
	var b bytes.Buffer
	code := finish(&b, err, true)
	if code != exitInterrupted || errOut.Len() != 0 || len(did) != 2 ||
		b.String() != "stocksync: interrupted: 2 of 4 pending uploads removed, the rest not; nothing was left half-written: run the command again for the rest\n" {
		t.Errorf("exit %d, done %v, per-argument errors %q, message %q", code, did, errOut.String(), b.String())
	}
}

// --json with several arguments prints an array even when none was done
// ("[]", beside the errors on standard error): it printed nothing, which
// is no JSON at all for a script that reads standard output.
func TestSeveralArgumentsJSONArrayWhenNoneDone(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	for _, args := range [][]string{
		{"pending", "remove", "98", "99", "--json"},
		{"pending", "edit", "98", "99", "--title", "X", "--json"},
		{"unlink", "98", "99", "--json"},
		{"discard", "98", "99", "--json"},
	} {
		out, _, code := e.run(t, args...)
		var rows []json.RawMessage
		if code != exitFailure || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 0 {
			t.Errorf("%v: exit %d, stdout %q, want []", args, code, out)
		}
	}
	// One argument that fails: nothing on standard output, as before.
	if out, _, code := e.run(t, "pending", "remove", "99", "--json"); code != exitFailure || out != "" {
		t.Errorf("pending remove 99 --json: exit %d, stdout %q", code, out)
	}
}
