package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// blankUsageExit is exit status 2, usage (docs/cli.md).
const blankUsageExit = 2

// TestBlankValuesChildProcesses (issue 12, item 1): an empty or blank
// argument, flag value or environment variable never selects a default — it
// is exit 2 naming it, and the data folder (with its local-only work) and
// the backup folder are left exactly as they were. The in-process test
// TestBlankValuesAreUsageErrors (cmd/stocksync) walks every command and flag
// of the tree; this one runs the real binary on the destructive cases.
func TestBlankValuesChildProcesses(t *testing.T) {
	e := newEnv(t, envOptions{server: espfake.Options{Seed: 32, Batches: 2, ContributionsPerBatch: 4, StatusMix: espfake.StatusMix{Pending: 1}}})
	e.mustRun("sync", "--json", "--no-thumbnails")
	photo := filepath.Join(e.root, "leaf.jpg")
	if err := os.WriteFile(photo, tinyJPEGBytes(t), 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustRun("add", "--title", "Leaf", photo)
	e.mustRun("edit", "80000001", "--title", "Fog")
	e.mustRun("backup", "destination", e.backups())
	e.mustRun("backup")
	before, err := localRows(e.dbPath())
	if err != nil {
		t.Fatal(err)
	}
	tree, _ := treeState(e.root)

	cases := []struct {
		args []string
		env  string
		name string // what the message must name
	}{
		{args: []string{"restore", ""}, name: "argument 1"},
		{args: []string{"restore", "  "}, name: "argument 1"},
		{args: []string{"restore", "", "--local-only"}, name: "argument 1"},
		{args: []string{"--data-dir", "", "status"}, name: "--data-dir"},
		{args: []string{"--data-dir", " ", "list", "pending"}, name: "--data-dir"},
		{args: []string{"backup", "--to", ""}, name: "--to"},
		{args: []string{"backup", "destination", ""}, name: "argument 1"},
		{args: []string{"backup", "verify", ""}, name: "argument 1"},
		{args: []string{"backup", "test-restore", " "}, name: "argument 1"},
		{args: []string{"edit", "80000001", "--title", ""}, name: "--title"},
		{args: []string{"edit", "", "--title", "x"}, name: "argument 1"},
		{args: []string{"add", ""}, name: "argument 1"},
		{args: []string{"list", "files", "--status", ""}, name: "--status"},
		{args: []string{"config", "set", "backup.destination", ""}, name: "argument 2"},
		{args: []string{"sync", "--push"}, env: "STOCKSYNC_ESP_PASSWORD=", name: "STOCKSYNC_ESP_PASSWORD"},
		{args: []string{"status"}, env: "STOCKSYNC_DATA_DIR= ", name: "STOCKSYNC_DATA_DIR"},
	}
	var problems []string
	for _, c := range cases {
		e.extraEnv = nil
		if c.env != "" {
			e.extraEnv = []string{c.env}
		}
		r := e.run(c.args...)
		if r.code != blankUsageExit || !strings.Contains(r.stderr, c.name) {
			problems = append(problems, fmt.Sprintf("%s stocksync %q: exit %d, %q; want %d naming %s", c.env, c.args, r.code, lastLine(r.stderr), blankUsageExit, c.name))
		}
	}
	e.extraEnv = nil
	after, err := localRows(e.dbPath())
	if err != nil {
		t.Fatal(err)
	}
	if err := compareLocal(before, after, nil); err != nil {
		problems = append(problems, "local-only data changed: "+err.Error())
	}
	treeAfter, _ := treeState(e.root)
	if n := newPaths(tree, treeAfter); len(n) > 0 {
		problems = append(problems, fmt.Sprintf("refused command lines created %q", n))
	}
	report(t, record{Group: "disk", Name: fmt.Sprintf("blank arguments, flag values and environment variables: %d destructive command lines exit 2 and change nothing", len(cases)),
		OK: len(problems) == 0, Detail: strings.Join(problems, "; "), Counts: map[string]int{"cases": len(cases)}})
	for _, p := range problems {
		t.Error(p)
	}
}
