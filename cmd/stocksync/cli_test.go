package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
)

// runCLI runs the real command tree in-process and returns stdout, stderr and
// the exit code main would use.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	g = globals{}
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	code := 0
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
			errb.WriteString(ee.msg)
		} else {
			code = 1
			errb.WriteString(err.Error())
		}
	}
	return out.String(), errb.String(), code
}

// cliServer starts the built-in ESP server and points a fresh data folder at it.
func cliServer(t *testing.T, opts espfake.Options) (*espfake.Server, string) {
	t.Helper()
	opts.Mode = espfake.ModePartner // the partner API flow these tests sign in with
	srv := espfake.NewTest(t, opts)
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
	srv, dir := cliServer(t, espfake.Options{Seed: 5, Batches: 4, FilesPerBatch: 3, StatusMix: espfake.StatusMix{Pending: 1}})
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
	for _, b := range srv.Snapshot().Batches {
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
	_, dir := cliServer(t, espfake.Options{Seed: 6, Batches: 1, FilesPerBatch: 1})
	t.Setenv(secrets.EnvUsername, "")
	t.Setenv(secrets.EnvPassword, "")
	_, errs, code := runCLI(t, "--data-dir", dir, "sync")
	if code == 0 || !(strings.Contains(errs, "stocksync login") || strings.Contains(errs, secrets.EnvPassword)) {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestBadPasswordExitCode(t *testing.T) {
	_, dir := cliServer(t, espfake.Options{Seed: 7, Batches: 1, FilesPerBatch: 1})
	t.Setenv(secrets.EnvPassword, "wrong")
	_, errs, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails")
	if code != exitFailure || !strings.Contains(errs, "refused the sign-in") {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
}
