package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
)

// Issue 12 item 6: an edit stuck in conflict could not be re-queued,
// resolved or dropped. Each way out, end to end against the built-in server.
func TestConflictLifecycle(t *testing.T) {
	srv, dir := cliServer(t, espfake.Options{Seed: 15, Batches: 1, ContributionsPerBatch: 2, StatusMix: espfake.StatusMix{Pending: 1}})
	run := func(args ...string) (string, string, int) {
		t.Helper()
		return runCLI(t, append([]string{"--data-dir", dir}, args...)...)
	}
	mustRun := func(args ...string) string {
		t.Helper()
		out, errs, code := run(args...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errs)
		}
		return out
	}
	b := srv.BatchIDs()[0]
	id := srv.ContributionIDs(b)[0]
	serverTitle := func() string {
		for _, bb := range srv.Portfolio().Batches {
			for _, c := range bb.Contributions {
				if c.ID == id {
					return c.Headline
				}
			}
		}
		return ""
	}
	edits := func() []store.LocalEdit {
		var es []store.LocalEdit
		if err := json.Unmarshal([]byte(mustRun("list", "edits", "--json")), &es); err != nil {
			t.Fatal(err)
		}
		return es
	}
	// conflict edits the file here, changes it on ESP, and pushes.
	conflict := func(mine, theirs string) {
		t.Helper()
		mustRun("edit", id, "--title", mine)
		if err := srv.EditMetadata(b, id, esp.ContributionUpdate{Headline: &theirs}); err != nil {
			t.Fatal(err)
		}
		if _, errs, code := run("sync", "--push", "--json", "--no-thumbnails"); code != exitPartial || !strings.Contains(errs, "1 edit not sent") {
			t.Errorf("push with a conflict: exit %d, %q; want %d", code, errs, exitPartial)
		}
		if es := edits(); len(es) != 1 || es[0].State != store.EditConflict || !strings.Contains(es[0].Conflict, "changed on ESP") {
			t.Fatalf("after a change on ESP: %+v", es)
		}
	}
	mustRun("sync", "--json", "--no-thumbnails")

	// 1. Editing again re-queues it; the push sends it.
	conflict("Mine 1", "Theirs 1")
	out := mustRun("edit", id, "--title", "Mine 2")
	if !strings.Contains(out, "queued again") {
		t.Errorf("edit of a conflicting edit: %q", out)
	}
	if es := edits(); len(es) != 1 || es[0].State != store.EditWaiting || es[0].Conflict != "" {
		t.Fatalf("after editing again: %+v", es)
	}
	mustRun("sync", "--push", "--json", "--no-thumbnails")
	if got := serverTitle(); got != "Mine 2" || len(edits()) != 0 {
		t.Fatalf("after the push: ESP has %q, edits %+v", got, edits())
	}

	// 2. --keep-esp drops it; ESP's title stays.
	conflict("Mine 3", "Theirs 3")
	mustRun("resolve", id, "--keep-esp")
	mustRun("sync", "--push", "--json", "--no-thumbnails")
	if got := serverTitle(); got != "Theirs 3" || len(edits()) != 0 {
		t.Fatalf("--keep-esp: ESP has %q, edits %+v", got, edits())
	}

	// 3. --keep-local sends mine over theirs.
	conflict("Mine 4", "Theirs 4")
	out = mustRun("resolve", id, "--keep-local", "--json")
	var r resolveJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Kept != "local" || r.Edit == nil || r.Edit.State != store.EditWaiting {
		t.Fatalf("resolve --keep-local --json: %q, %v", out, err)
	}
	mustRun("sync", "--push", "--json", "--no-thumbnails")
	if got := serverTitle(); got != "Mine 4" {
		t.Fatalf("--keep-local: ESP has %q", got)
	}

	// 4. --keep-local on an edit that is only waiting is not "queued
	// again": it says so (exit 2); discard drops a waiting edit.
	mustRun("edit", id, "--title", "Never sent")
	if out, errs, code := run("resolve", id, "--keep-local"); code != exitUsage || !strings.Contains(errs, "is not in conflict") || strings.Contains(out, "queued again") {
		t.Errorf("resolve --keep-local without a conflict: exit %d, %q %q; want %d", code, out, errs, exitUsage)
	}
	mustRun("discard", id)
	if len(edits()) != 0 {
		t.Fatalf("after discard: %+v", edits())
	}

	// Bad input.
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"resolve", id}, exitUsage},
		{[]string{"resolve", id, "--keep-local", "--keep-esp"}, exitUsage},
		{[]string{"discard", id}, exitFailure},
		{[]string{"resolve", "99999", "--keep-esp"}, exitFailure},
	} {
		if _, errs, code := run(tc.args...); code != tc.code || errs == "" {
			t.Errorf("%q: exit %d, %q; want %d", tc.args, code, errs, tc.code)
		}
	}
	// cobra's raw texts become sentences naming the command.
	for args, want := range map[string]string{
		"resolve " + id + " --keep-local --keep-esp": "`stocksync resolve` takes only one of --keep-local or --keep-esp (see `stocksync resolve --help`)",
		"resolve --keep-local":                       "`stocksync resolve` takes at least 1 argument, but got none; usage: ",
	} {
		_, errs, code := run(strings.Fields(args)...)
		if code != exitUsage || !strings.Contains(errs, want) || strings.Contains(errs, "arg(s)") || strings.Contains(errs, "in the group") {
			t.Errorf("%s: exit %d, %q; want %d and %q", args, code, errs, exitUsage, want)
		}
	}
}
