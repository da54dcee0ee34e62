package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

// `list releases --json` prints one array of releases with every field,
// the raw JSON and the document state; the table names the document.
func TestListReleasesJSON(t *testing.T) {
	srv, dir := cliServer(t, espfake.Options{Seed: 21, Batches: 8, ContributionsPerBatch: 1})
	if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--json", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync exit %d: %s", code, errs)
	}
	want := 0
	for _, b := range srv.Portfolio().Batches {
		want += len(b.Releases)
	}
	out, errs, code := runCLI(t, "--data-dir", dir, "list", "releases", "--json")
	if code != 0 {
		t.Fatalf("list releases exit %d: %s", code, errs)
	}
	var rs []map[string]any
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != want || want == 0 {
		t.Fatalf("list releases --json: %d of %d releases, %v\n%s", len(rs), want, err, out)
	}
	for _, r := range rs {
		for _, k := range []string{"id", "batch_id", "release_type", "file_name", "model_ethnicities", "document"} {
			if _, ok := r[k]; !ok {
				t.Errorf("release lacks %q: %v", k, r)
			}
		}
		if r["document"] != store.DocQueued {
			t.Errorf("document %v, want queued", r["document"])
		}
	}
	out, _, code = runCLI(t, "--data-dir", dir, "list", "releases")
	if code != 0 || !strings.HasPrefix(out, "BATCH") || strings.Count(out, "\n") != want+1 {
		t.Errorf("table (exit %d):\n%s", code, out)
	}
	if _, errs, code := runCLI(t, "--data-dir", dir, "list", "releases", "--status", "accepted"); code != exitUsage {
		t.Errorf("--status on releases: exit %d (%s), want %d", code, errs, exitUsage)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "list", "releases", "--json", "--batch", "no-such-batch")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("unknown batch: %q, want []", out)
	}
}

// `list reviews` shows the decisions a sync observed; --status takes the
// decision in any case and refuses others as a usage error.
func TestListReviewsFromStatusChanges(t *testing.T) {
	srv, dir := cliServer(t, espfake.Options{Seed: 22, Batches: 2, ContributionsPerBatch: 3, StatusMix: espfake.StatusMix{Review: 1}})
	if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync exit %d: %s", code, errs)
	}
	out, _, _ := runCLI(t, "--data-dir", dir, "list", "reviews")
	if !strings.HasPrefix(out, "No reviews yet") {
		t.Errorf("empty list: %q", out)
	}
	b := srv.BatchIDs()[0]
	ids := srv.ContributionIDs(b)
	srv.Accept(b, ids[0])
	srv.Reject(b, ids[1], []string{"Trademark"}, "Logo\x1b[31m visible")
	if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync exit %d: %s", code, errs)
	}
	out, _, code := runCLI(t, "--data-dir", dir, "list", "reviews", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	got := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var e store.ReviewEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got[e.ContributionID] = e.Outcome
	}
	if len(got) != 2 || got[ids[0]] != "accepted" || got[ids[1]] != "rejected" {
		t.Errorf("reviews %v", got)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "list", "reviews", "--status", "Rejected")
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, ids[1]) || strings.Contains(out, "\x1b") {
		t.Errorf("rejected only:\n%q", out)
	}
	if _, _, code := runCLI(t, "--data-dir", dir, "list", "reviews", "--status", "pending"); code != exitUsage {
		t.Errorf("--status pending: exit %d, want %d", code, exitUsage)
	}
}

// A run stopped by the session expiring exits 5 and says to sign in again;
// one stopped by ESP not answering says so.
func TestSyncExitCodes(t *testing.T) {
	t.Parallel()
	signedOut := &esp.Error{Endpoint: esp.EndpointContributionsList, Kind: esp.ErrSignedOut, Status: 401}
	res := syncer.Result{Run: store.SyncRun{ID: 1, Outcome: store.OutcomeSignedOut, Message: "signed out of ESP"}}
	var out, errw bytes.Buffer
	err := reportSync(&out, &errw, res, signedOut, false)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitSignedOut || !strings.Contains(ee.msg, "stocksync login") {
		t.Errorf("signed out: %v", err)
	}
	if !strings.Contains(out.String(), "stopped (signed out)") {
		t.Errorf("summary %q", out.String())
	}
	stalled := &syncer.StalledError{For: 45e9, Phase: syncer.PhaseFiles}
	res.Run.Outcome, res.Run.Message = store.OutcomeFailed, stalled.Error()
	err = reportSync(&out, &errw, res, stalled, false)
	if !errors.As(err, &ee) || ee.code != exitFailure || !strings.Contains(ee.msg, "ESP stopped answering") {
		t.Errorf("stalled: %v", err)
	}
}

// Against the built-in server in its default web mode, with a browser
// session: a sync works; once the session has expired the next sync stops,
// exits 5 saying to run `stocksync login`, records the run as signed out,
// and leaves the pending uploads as they were.
func TestSyncSignedOutExits5(t *testing.T) {
	srv := espfaketest.New(t, espfake.Options{Seed: 7, Batches: 5, ContributionsPerBatch: 2})
	dir := filepath.Join(t.TempDir(), "data")
	c := config.Default()
	c.Server, c.APIRoot, c.RequestsPerSecond = config.ServerCustom, srv.URL(), -1
	if err := (datadir.Dir{Root: dir}).Ensure(); err != nil {
		t.Fatal(err)
	}
	if err := config.Save(filepath.Join(dir, "config.json"), c); err != nil {
		t.Fatal(err)
	}
	t.Setenv(secrets.EnvSession, srv.NewSession().Encode())
	if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync exit %d: %s", code, errs)
	}
	pic := filepath.Join(t.TempDir(), "a.jpg")
	os.WriteFile(pic, tinyJPEG(t), 0o600)
	if _, errs, code := runCLI(t, "--data-dir", dir, "add", pic, "--title", "Fog"); code != 0 {
		t.Fatalf("add exit %d: %s", code, errs)
	}
	before, _, _ := runCLI(t, "--data-dir", dir, "list", "pending", "--json")
	srv.ExpireSessions()
	out, errs, code := runCLI(t, "--data-dir", dir, "sync", "--json", "--no-thumbnails")
	// The session came from STOCKSYNC_ESP_SESSION: the hint says to renew it
	// there (`stocksync login` cannot), see TestSignedOutHintNamesTheEnvironmentSession.
	if code != exitSignedOut || !strings.Contains(errs, "sign in to ESP") || !strings.Contains(errs, secrets.EnvSession) {
		t.Fatalf("expired session: exit %d, %q; want %d and how to sign in", code, errs, exitSignedOut)
	}
	if !strings.Contains(out, `"outcome":"signed_out"`) {
		t.Errorf("result line does not say signed_out:\n%s", out)
	}
	if after, _, _ := runCLI(t, "--data-dir", dir, "list", "pending", "--json"); after != before {
		t.Errorf("pending uploads changed:\n%s\n%s", before, after)
	}
	st, _, _ := runCLI(t, "--data-dir", dir, "status", "--json")
	var s statusJSON
	if err := json.Unmarshal([]byte(st), &s); err != nil || s.Summary.LastSync == nil || s.Summary.LastSync.Outcome != store.OutcomeSignedOut {
		t.Errorf("status does not show the signed-out run (%v): %s", err, st)
	}
}

// On a terminal each phase is announced once, however many reports come
// (the engine reports several times a second), and throttling is said once.
func TestSyncProgressSaysEachThingOnce(t *testing.T) {
	t.Parallel()
	var errw bytes.Buffer
	p := &syncProgress{errw: &errw}
	for range 5 {
		p.report(syncer.Progress{Phase: syncer.PhasePushing})
	}
	for range 5 {
		p.report(syncer.Progress{Phase: syncer.PhaseListing, Throttled: true, RequestsPerSecond: 2.5})
	}
	got := errw.String()
	for _, want := range []string{"Sending local changes…", "Listing batches…", "ESP is slowing us down; continuing at 2.5 requests/s"} {
		if n := strings.Count(got, want); n != 1 {
			t.Errorf("%q said %d times in:\n%s", want, n, got)
		}
	}
}

// As JSON lines (the default when not on a terminal) a report that differs
// only in its elapsed time is not written again: a stalled ESP printed an
// identical progress line every 250 ms, about 180 in 45 s (found by the
// reliability suite's stall cases).
func TestSyncProgressJSONSkipsReportsThatOnlyAge(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := &syncProgress{out: &out, json: true}
	for i := range 10 {
		p.report(syncer.Progress{Phase: syncer.PhaseFiles, FilesTotal: 50, FilesDone: 20, Elapsed: time.Duration(i) * 250 * time.Millisecond})
	}
	p.report(syncer.Progress{Phase: syncer.PhaseFiles, FilesTotal: 50, FilesDone: 21, Elapsed: 3 * time.Second})
	if n := strings.Count(out.String(), "\n"); n != 2 {
		t.Errorf("%d JSON lines, want 2 (one per change):\n%s", n, out.String())
	}
}

// A filter on a list that does not take it names exactly the lists that do
// (the error said "files and reviews" though list releases takes --batch).
func TestListFilterErrorNamesTheLists(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "batches", "--batch", "1"}, "--batch narrows list files, list reviews and list releases"},
		{[]string{"list", "pending", "--status", "accepted"}, "--status narrows list files and list reviews"},
		{[]string{"list", "releases", "--status", "accepted"}, "--status narrows list files and list reviews"},
	} {
		_, errs, code := runCLI(t, append([]string{"--data-dir", dir}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d %q, want %d and %q", c.args, code, errs, exitUsage, c.want)
		}
	}
}
