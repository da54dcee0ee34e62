package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/check"
	"github.com/stocksync/stocksync/core/datadir"
)

// Every kind of check finding is worded here (issue 14, item 3: core
// states facts, the CLI says what to type); advice that names a file or
// folder names the finding's.
func TestCheckFixForEveryKind(t *testing.T) {
	const p = "/Users/ann/Library/Application Support/Stocksync/thumbnails"
	for _, k := range check.Kinds() {
		fix := checkFix(check.Finding{Kind: k, Path: p, Count: 3})
		if k == check.KindReadFailed {
			if fix != "" {
				t.Errorf("%s: fix %q, want none (the database's own findings say what to do)", k, fix)
			}
			continue
		}
		if fix == "" {
			t.Errorf("%s: no fix", k)
		}
		switch k {
		case check.KindDataFolderOpen, check.KindSubfolderIsLink, check.KindSubfolderIsFile, check.KindFileIsFolder:
			if !strings.Contains(fix, `"`+p+`"`) {
				t.Errorf("%s: fix %q does not name %s", k, fix, p)
			}
		}
	}
}

// `check` on a damaged database says what it did before findings were
// typed (same text, same fix), and --json gives each finding its kind and
// path besides the fix.
func TestCheckWordsTypedFindings(t *testing.T) {
	d := datadir.Dir{Root: t.TempDir() + "/data"}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.DB(), []byte(strings.Repeat("not a database ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	const fix = "`stocksync restore SNAPSHOT` (see `stocksync backup list`); server data can also be fetched again with `stocksync sync` after moving the file away"
	out, _, code := runCLI(t, "--data-dir", d.Root, "check")
	if code != exitPartial || !strings.Contains(out, "\nerror: ") || !strings.Contains(out, "\n  fix: "+fix+"\n") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	out, _, code = runCLI(t, "--data-dir", d.Root, "check", "--json")
	var r struct {
		Findings []map[string]any `json:"findings"`
		Errors   int              `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitPartial {
		t.Fatalf("check --json: exit %d, %v\n%s", code, err, out)
	}
	var found bool
	for _, f := range r.Findings {
		if f["kind"] == nil || f["phase"] == nil || f["severity"] == nil || f["what"] == nil {
			t.Errorf("finding lacks kind, phase, severity or what: %v", f)
		}
		if f["kind"] == string(check.KindDatabaseUnreadable) {
			found = true
			if f["path"] != d.DB() || f["fix"] != fix || f["severity"] != "error" {
				t.Errorf("finding %v, want path %s and fix %q", f, d.DB(), fix)
			}
		}
	}
	if !found || r.Errors == 0 {
		t.Errorf("no %s finding: %s", check.KindDatabaseUnreadable, out)
	}
}

// docs/cli.md lists every kind `check --json` can print.
func TestCheckKindsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range check.Kinds() {
		if !strings.Contains(string(doc), "`"+string(k)+"`") {
			t.Errorf("docs/cli.md does not list the check kind %s", k)
		}
	}
}

// A data folder whose path holds a line break (or an escape sequence)
// split the findings of `check` over made-up lines: each finding is one
// line, its path terminal-safe.
func TestCheckFindingsOneLineEach(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "data\nerror: fake\x1b[31m")
	if err := os.MkdirAll(root, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "config.json"), []byte("{bad"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "--data-dir", root, "check")
	if code != exitPartial {
		t.Fatalf("check: exit %d %s%s", code, out, errs)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "error: fake") || strings.Contains(l, "\x1b") {
			t.Errorf("a line made by the path: %q\n%s", l, out)
		}
	}
	if !strings.Contains(out, "error: settings file "+termSafe(root)) {
		t.Errorf("the settings finding does not name the folder on its line:\n%s", out)
	}
}
