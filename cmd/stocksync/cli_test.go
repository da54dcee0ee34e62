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

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/secrets"
)

// runCLI runs the real command tree in-process and returns stdout, stderr and
// the exit code main would use.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runCLIContext(t, context.Background(), args...)
}

// runCLIContext is runCLI under ctx; a cancelled ctx is a Ctrl-C.
func runCLIContext(t *testing.T, ctx context.Context, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCmd(&globalOptions{})
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := finish(&errb, err, ctx.Err() != nil)
	return out.String(), errb.String(), code
}

// cliServer starts the built-in ESP server and points a fresh data folder at it.
func cliServer(t *testing.T, opts espfake.Options) (*espfake.Server, string) {
	t.Helper()
	opts.Mode = espfake.ModePartner // the partner API flow these tests sign in with
	srv := espfaketest.New(t, opts)
	dir := filepath.Join(t.TempDir(), "data")
	c := config.Default()
	c.Server, c.APIRoot, c.TokenURL, c.RequestsPerSecond = config.ServerCustom, srv.URL(), srv.TokenURL(), -1
	if err := (datadir.Dir{Root: dir}).Ensure(); err != nil {
		t.Fatal(err)
	}
	if err := config.Save(filepath.Join(dir, "config.json"), c); err != nil {
		t.Fatal(err)
	}
	cr := srv.Credentials()
	t.Setenv(secrets.EnvUsername, cr.Username)
	t.Setenv(secrets.EnvPassword, cr.Password)
	t.Setenv(secrets.EnvAPIKey, cr.APIKey)
	t.Setenv(secrets.EnvAPISecret, cr.APISecret)
	return srv, dir
}

func TestStatusOnEmptyFolderCreatesNothing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "none")
	out, _, code := runCLI(t, "--data-dir", dir, "status", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var s statusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Exists || s.DataDir != dir {
		t.Fatalf("status %q: %v", out, err)
	}
	if _, _, code := runCLI(t, "--data-dir", dir, "datadir"); code != 0 {
		t.Fatal("datadir failed")
	}
}

func TestSyncListEditCheck(t *testing.T) {
	srv, dir := cliServer(t, espfake.Options{Seed: 5, Batches: 4, ContributionsPerBatch: 3, StatusMix: espfake.StatusMix{Pending: 1}})
	out, errs, code := runCLI(t, "--data-dir", dir, "sync", "--json", "--no-thumbnails")
	if code != 0 {
		t.Fatalf("sync exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var last struct {
		Event string `json:"event"`
		Run   struct {
			Outcome      string `json:"outcome"`
			FilesWritten int    `json:"files_written"`
		} `json:"run"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Event != "result" ||
		last.Run.Outcome != "ok" || last.Run.FilesWritten != 12 {
		t.Fatalf("result line %q: %v", lines[len(lines)-1], err)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "status", "--json")
	var s statusJSON
	json.Unmarshal([]byte(out), &s)
	if s.Summary.Files != 12 || s.Summary.Batches != 4 || s.Summary.LastSync == nil {
		t.Errorf("status %+v", s.Summary)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "list", "batches", "--json")
	if n := strings.Count(out, `"submission_name"`); n != 4 {
		t.Errorf("list batches: %d batches in %s", n, out)
	}
	id := srv.ContributionIDs(srv.BatchIDs()[0])[0]
	if _, errs, code := runCLI(t, "--data-dir", dir, "edit", id, "--title", "Fog over the river", "--keywords", "fog, river,, Fog"); code != 0 {
		t.Fatalf("edit exit %d: %s", code, errs)
	}
	if _, _, code := runCLI(t, "--data-dir", dir, "edit", id); code != exitUsage {
		t.Errorf("edit without changes: exit %d, want %d", code, exitUsage)
	}
	if _, errs, code := runCLI(t, "--data-dir", dir, "edit", "no-such-file", "--title", "x"); code == 0 || !strings.Contains(errs, "not in the local portfolio") {
		t.Errorf("edit unknown file: exit %d, %q", code, errs)
	}
	if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--push", "--no-thumbnails"); code != 0 {
		t.Fatalf("push exit %d: %s", code, errs)
	}
	for _, b := range srv.Portfolio().Batches {
		for _, c := range b.Contributions {
			if c.ID == id && (c.Headline != "Fog over the river" || strings.Join(c.Keywords, ",") != "fog,river") {
				t.Errorf("server copy after push: %q %q", c.Headline, c.Keywords)
			}
		}
	}
	if _, errs, code := runCLI(t, "--data-dir", dir, "check"); code != 0 {
		t.Errorf("check exit %d: %s", code, errs)
	}
}

func TestSyncWithoutCredentialsSaysWhatToDo(t *testing.T) {
	_, dir := cliServer(t, espfake.Options{Seed: 6, Batches: 1, ContributionsPerBatch: 1})
	t.Setenv(secrets.EnvUsername, "")
	t.Setenv(secrets.EnvPassword, "")
	_, errs, code := runCLI(t, "--data-dir", dir, "sync")
	if code == 0 || !(strings.Contains(errs, "stocksync login") || strings.Contains(errs, secrets.EnvPassword)) {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestBadPasswordExitCode(t *testing.T) {
	_, dir := cliServer(t, espfake.Options{Seed: 7, Batches: 1, ContributionsPerBatch: 1})
	t.Setenv(secrets.EnvPassword, "wrong")
	_, errs, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails")
	// docs/cli.md: 5 when ESP no longer accepts the credentials.
	if code != exitSignedOut || !strings.Contains(errs, "refused the sign-in") || !strings.Contains(errs, secrets.EnvPassword) {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n          int
		word, want string
	}{
		{1, "keyword", "1 keyword"}, {2, "keyword", "2 keywords"}, {0, "request", "0 requests"},
		{1, "request", "1 request"}, {1, "batch", "1 batch"}, {3, "batch", "3 batches"},
		{1200, "file", "1,200 files"}, {2, "pending upload", "2 pending uploads"},
	} {
		if got := plural(tc.n, tc.word); got != tc.want {
			t.Errorf("plural(%d, %q) = %q, want %q", tc.n, tc.word, got, tc.want)
		}
	}
}

func TestNum(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
}

// Issue 12 item 14: `demo --batches 0` said 0 and synced 10. Sizes outside
// what the demo can do are refused before anything starts.
func TestDemoSizesAreChecked(t *testing.T) {
	t.Parallel()
	for _, argv := range [][]string{
		{"demo", "--batches", "0"}, {"demo", "--batches", "-3"}, {"demo", "--batches", "100000000"},
		{"demo", "--files", "0"}, {"demo", "--latency", "-1s"}, {"demo", "--latency", "1h"},
	} {
		_, errs, code := runCLI(t, argv...)
		if code != exitUsage || !strings.Contains(errs, argv[1]) {
			t.Errorf("%q: exit %d, %q; want %d naming %s", argv, code, errs, exitUsage, argv[1])
		}
	}
	dir := filepath.Join(t.TempDir(), "demo")
	out, errs, code := runCLI(t, "--data-dir", dir, "demo", "--batches", "2", "--files", "2", "--latency", "0")
	if code != 0 || !strings.Contains(out, "(2 batches,") || !strings.Contains(out, "1. First sync: 2 batches listed") {
		t.Errorf("demo --batches 2: exit %d, %s\n%s", code, errs, out)
	}
}

func TestLinkRecordsALocalFilePath(t *testing.T) {
	srv, dir := cliServer(t, espfake.Options{Seed: 13, Batches: 1, ContributionsPerBatch: 2})
	if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--json", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync: exit %d: %s", code, errs)
	}
	id := srv.ContributionIDs(srv.BatchIDs()[0])[0]
	orig := filepath.Join(t.TempDir(), "fog-0142.jpg")
	os.WriteFile(orig, []byte("jpeg"), 0o600)
	if out, _, code := runCLI(t, "--data-dir", dir, "link", id); code != 0 || !strings.Contains(out, "No local file path") {
		t.Errorf("before: exit %d, %q", code, out)
	}
	if _, errs, code := runCLI(t, "--data-dir", dir, "link", id, orig); code != 0 {
		t.Fatalf("link: exit %d: %s", code, errs)
	}
	out, _, _ := runCLI(t, "--data-dir", dir, "link", id, "--json")
	var l linkJSON
	if err := json.Unmarshal([]byte(out), &l); err != nil || l.Path != orig || l.FileID != id {
		t.Errorf("link --json: %q, %v", out, err)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "status", "--json")
	var s statusJSON
	if json.Unmarshal([]byte(out), &s); s.Summary.AtRisk.LocalPaths != 1 {
		t.Errorf("status counts %d local file paths, want 1", s.Summary.AtRisk.LocalPaths)
	}
	if _, errs, code := runCLI(t, "--data-dir", dir, "link", "99999999", orig); code == 0 || !strings.Contains(errs, "not in the local portfolio") {
		t.Errorf("unknown file: exit %d, %q", code, errs)
	}
	if _, errs, code := runCLI(t, "--data-dir", dir, "link", id, filepath.Join(t.TempDir(), "missing.jpg")); code == 0 || !strings.Contains(errs, "no such file") {
		t.Errorf("missing original: exit %d, %q", code, errs)
	}
	if _, _, code := runCLI(t, "--data-dir", dir, "link", id, t.TempDir()); code != exitUsage {
		t.Errorf("a folder as the original: exit %d", code)
	}
}

// Issue 12 item 6 (values): edit refused nothing ESP refuses later. Each
// is now a usage error naming the limit, and nothing is stored.
func TestEditRefusesWhatESPRefuses(t *testing.T) {
	srv, dir := cliServer(t, espfake.Options{Seed: 14, Batches: 1, ContributionsPerBatch: 2, StatusMix: espfake.StatusMix{Pending: 1}})
	if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--json", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync: exit %d: %s", code, errs)
	}
	id := srv.ContributionIDs(srv.BatchIDs()[0])[0]
	var kw []string
	for i := range 5000 {
		kw = append(kw, fmt.Sprintf("keyword%d", i))
	}
	many := strings.Join(kw, ", ")
	for _, tc := range []struct{ flag, value, want string }{
		{"--title", strings.Repeat("x", 120<<10), "at most 255"},
		{"--title", "two\nlines", "control character"},
		{"--title", "\x1b[31mred", "control character"},
		{"--title", "bad \xff", "not valid UTF-8"},
		{"--description", strings.Repeat("d", 2001), "at most 2000"},
		{"--keywords", many, "5000 keywords: ESP takes at most 50"},
		// Only separators: it stored an edit that replaces every keyword
		// with none.
		{"--keywords", ",,;, ", "holds no keywords"},
	} {
		_, errs, code := runCLI(t, "--data-dir", dir, "edit", id, tc.flag, tc.value)
		if code != exitUsage || !strings.Contains(errs, tc.want) || !strings.Contains(errs, tc.flag) {
			t.Errorf("edit %s %.20q: exit %d, %q; want %d naming %q", tc.flag, tc.value, code, errs, exitUsage, tc.want)
		}
	}
	out, _, _ := runCLI(t, "--data-dir", dir, "list", "edits", "--json")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("refused edits were stored: %s", out)
	}
	out, errs, code := runCLI(t, "--data-dir", dir, "edit", id, "--title", "  Fog over the river  ", "--json")
	var e struct {
		FileID string `json:"file_id"`
		Title  string `json:"title"`
		State  string `json:"state"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &e) != nil || e.FileID != id || e.Title != "Fog over the river" || e.State != "waiting" {
		t.Errorf("edit --json: exit %d, %q %q", code, out, errs)
	}
}
