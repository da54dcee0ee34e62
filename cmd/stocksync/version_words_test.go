package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// `version` printed "stocksync dev  linux/amd64" (two spaces) when the
// commit is unknown; `config get --json` left modeled_reviews out.
func TestVersionAndConfigJSONWords(t *testing.T) {
	t.Parallel()
	out, _, code := runCLI(t, "version")
	if code != 0 || strings.Contains(out, "  ") || !strings.HasPrefix(out, "stocksync ") {
		t.Errorf("version: exit %d %q", code, out)
	}
	dir := filepath.Join(t.TempDir(), "data")
	out, errs, code := runCLI(t, "--data-dir", dir, "config", "get", "--json")
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil || code != 0 {
		t.Fatalf("config get --json: exit %d %q %q: %v", code, out, errs, err)
	}
	if v, ok := m["modeled_reviews"]; !ok || v != false {
		t.Errorf("config get --json: modeled_reviews = %v (present %v), want false", v, ok)
	}
}
