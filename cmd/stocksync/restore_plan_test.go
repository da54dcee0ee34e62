package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Newcomer item 4, at the command line: `restore --dry-run --local-only`
// says what the real run then does, in words and in --json.
func TestRestoreDryRunLocalOnlyCounts(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := t.TempDir()
	dd := []string{"--data-dir", d.Root}
	out, errs, code := runCLI(t, append(dd, "backup", "--to", dest, "--json")...)
	if code != 0 {
		t.Fatalf("backup: exit %d %s", code, errs)
	}
	var b struct {
		Snapshot struct{ Path string } `json:"snapshot"`
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, append(dd, "pending", "remove", "1")...); code != 0 {
		t.Fatalf("pending remove: exit %d %s", code, errs)
	}
	out, errs, code = runCLI(t, append(dd, "restore", b.Snapshot.Path, "--local-only", "--dry-run")...)
	for _, want := range []string{
		"nothing was changed",
		"pending uploads:  1 added, 0 replaced, 1 already here",
		"local file paths: 0 added, 0 replaced, 1 already here",
		"pending upload /pics/a.jpg would come back",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("dry run: exit %d, output lacks %q:\n%s%s", code, want, out, errs)
		}
	}
	if got := pendingPaths(t, d); len(got) != 1 {
		t.Errorf("the dry run changed the pending uploads: %v", got)
	}
	var preview, real struct {
		LocalOnly map[string]map[string]int `json:"local_only"`
		Changes   []map[string]any          `json:"changes"`
		DryRun    bool                      `json:"dry_run"`
	}
	out, _, _ = runCLI(t, append(dd, "restore", b.Snapshot.Path, "--local-only", "--dry-run", "--json")...)
	if err := json.Unmarshal([]byte(out), &preview); err != nil || !preview.DryRun || len(preview.Changes) != 1 {
		t.Fatalf("dry run --json %q: %v", out, err)
	}
	out, errs, code = runCLI(t, append(dd, "restore", b.Snapshot.Path, "--local-only", "--json")...)
	if err := json.Unmarshal([]byte(out), &real); err != nil || code != 0 {
		t.Fatalf("restore --json: exit %d %q %s: %v", code, out, errs, err)
	}
	if !reflect.DeepEqual(preview.LocalOnly, real.LocalOnly) {
		t.Errorf("dry run %v, real run %v", preview.LocalOnly, real.LocalOnly)
	}
	if got := pendingPaths(t, d); len(got) != 2 {
		t.Errorf("after the restore: %v", got)
	}
}
