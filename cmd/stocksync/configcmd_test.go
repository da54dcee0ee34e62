package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/config"
)

// Every key of config.json has a help text here and a row in docs/cli.md.
func TestConfigKeysDocumented(t *testing.T) {
	t.Parallel()
	docs, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range configFields() {
		seen[f.key] = true
		if configKeyHelp[f.key] == "" {
			t.Errorf("setting %s has no help text in configKeyHelp", f.key)
		}
		if !strings.Contains(string(docs), "| `"+f.key+"` |") {
			t.Errorf("setting %s has no row in docs/cli.md", f.key)
		}
	}
	for k := range configKeyHelp {
		if !seen[k] {
			t.Errorf("configKeyHelp documents %s, which config.json does not have", k)
		}
	}
}

func TestConfigGetSet(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	run := func(args ...string) (string, string, int) {
		return runCLI(t, append([]string{"--data-dir", dir}, args...)...)
	}
	// Refused values write nothing, not even the data folder.
	for _, argv := range [][]string{
		{"config", "set", "concurrency", "100"},
		{"config", "set", "concurrency", "eight"},
		{"config", "set", "push_local_changes", "yes"},
		{"config", "set", "server", "custom"},
		{"config", "set", "backup.schedule", "hourly"},
		{"config", "set", "no_such_key", "1"},
		{"config", "get", "no_such_key"},
		{"config", "set", "concurrency"},
	} {
		if _, errs, code := run(argv...); code != exitUsage || errs == "" {
			t.Errorf("%q: exit %d, %q; want %d", argv, code, errs, exitUsage)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("a refused setting created the data folder (%v)", err)
	}
	if out, _, code := run("config", "get", "concurrency"); code != 0 || out != "8\n" {
		t.Errorf("default concurrency: exit %d, %q", code, out)
	}
	if out, errs, code := run("config", "set", "push_local_changes", "true"); code != 0 || out != "push_local_changes = true\n" {
		t.Errorf("set: exit %d, %q %q", code, out, errs)
	}
	run("config", "set", "backup.keep", "3")
	if out, errs, code := run("config", "set", "requests_per_second", "-1"); code != 0 || out != "requests_per_second = -1\n" {
		t.Errorf("a negative value: exit %d, %q %q", code, out, errs)
	}
	c, err := config.Load(filepath.Join(dir, "config.json"))
	if err != nil || !c.PushLocalChanges || c.Backup.Keep != 3 {
		t.Errorf("saved %+v, %v", c, err)
	}
	out, _, _ := run("config", "get", "--json")
	var got config.Config
	if err := json.Unmarshal([]byte(out), &got); err != nil || got != c {
		t.Errorf("get --json: %q, %v", out, err)
	}
	if out, _, _ := run("config", "get"); !strings.Contains(out, "backup.keep") || !strings.Contains(out, "push_local_changes         true") {
		t.Errorf("get:\n%s", out)
	}
	run("config", "unset", "backup.keep")
	if out, _, _ := run("config", "get", "backup.keep", "--json"); out != "10\n" {
		t.Errorf("after unset: %q", out)
	}
	// A damaged file is reported and left alone.
	p := filepath.Join(dir, "config.json")
	os.WriteFile(p, []byte(`{"concurrency": 4} junk`), 0o600)
	if _, errs, code := run("config", "set", "concurrency", "5"); code == 0 || !strings.Contains(errs, "damaged") {
		t.Errorf("set over a damaged file: exit %d, %q", code, errs)
	}
	if b, _ := os.ReadFile(p); string(b) != `{"concurrency": 4} junk` {
		t.Errorf("damaged file rewritten: %q", b)
	}
}

// Every command with --json has its shape in docs/cli.md: a line that
// names the command and --json.
func TestJSONShapesDocumented(t *testing.T) {
	t.Parallel()
	docs, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(docs), "\n")
	for path, c := range allCommands(t) {
		if c.Flags().Lookup("json") == nil {
			continue
		}
		words := strings.TrimPrefix(path, "stocksync ")
		found := false
		for _, l := range lines {
			if strings.Contains(l, "`"+words) && strings.Contains(l, "--json") {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("docs/cli.md has no line naming `%s` and --json", words)
		}
	}
}
