package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Newcomer item 6: with config.json damaged, `restore NAME` said the backup
// destination was "not searched", though the folders in the backup history
// are. The message names what was searched, and a name there is found.
func TestRestoreDamagedSettingsNamesWhatWasSearched(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := filepath.Join(t.TempDir(), "Backups")
	dd := []string{"--data-dir", d.Root}
	out, errs, code := runCLI(t, append(dd, "backup", "--to", dest, "--json")...)
	if code != 0 {
		t.Fatalf("backup: exit %d %s", code, errs)
	}
	var r struct {
		Snapshot struct{ Name string } `json:"snapshot"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.Config(), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"restore", "--dry-run"}, {"backup", "delete"}} {
		_, errs, code = runCLI(t, append(append(dd, cmd...), "stocksync-20000101T000000Z")...)
		if code != exitFailure || strings.Contains(errs, "not searched") || !strings.Contains(errs, dest+" (where the backup history says backups went)") ||
			!strings.Contains(errs, d.Snapshots()+" (safety snapshots)") || !strings.Contains(errs, "the settings cannot be read") {
			t.Errorf("%v of a name in no folder: exit %d, %q", cmd, code, errs)
		}
	}
	// The snapshot in the recorded folder is found by name.
	if out, errs, code := runCLI(t, append(dd, "restore", "--dry-run", r.Snapshot.Name)...); code != 0 || !strings.Contains(out, "can be restored") {
		t.Errorf("restore --dry-run %s: exit %d, %q %q", r.Snapshot.Name, code, out, errs)
	}
}
