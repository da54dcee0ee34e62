package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Newcomer item 7: `backup list` listed only the configured destination,
// not the folders the backup history says backups went to (`backup --to`).
// Now every folder, grouped, the configured one marked; --json too.
func TestBackupListEveryRecordedFolder(t *testing.T) {
	t.Parallel()
	d := localData(t)
	tmp := t.TempDir()
	dest, other, gone := filepath.Join(tmp, "Backups"), filepath.Join(tmp, "Other"), filepath.Join(tmp, "Gone")
	dd := []string{"--data-dir", d.Root}
	for _, args := range [][]string{
		{"backup", "--to", gone},
		{"backup", "destination", dest},
		{"backup"},
		{"backup", "--to", other},
	} {
		if _, errs, code := runCLI(t, append(dd, args...)...); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errs)
		}
	}
	if err := os.RemoveAll(gone); err != nil { // a drive not connected
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, append(dd, "backup", "list", "--json")...)
	if code != 0 {
		t.Fatalf("backup list --json: exit %d %s", code, errs)
	}
	var l backupListJSON
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Folders) != 3 {
		t.Fatalf("folders %+v, want 3", l.Folders)
	}
	want := []struct {
		path       string
		configured bool
		snapshots  int
		problem    bool
	}{{dest, true, 1, false}, {other, false, 1, false}, {gone, false, 0, true}}
	for i, w := range want {
		f := l.Folders[i]
		if f.Path != w.path || f.Configured != w.configured || len(f.Snapshots) != w.snapshots || (f.Problem != "") != w.problem || !f.Recorded {
			t.Errorf("folder %d: %+v, want %+v", i, f, w)
		}
	}
	if l.Destination != dest || len(l.Snapshots) != 1 {
		t.Errorf("destination %q with %d snapshots, want %s with 1", l.Destination, len(l.Snapshots), dest)
	}
	out, _, code = runCLI(t, append(dd, "backup", "list")...)
	for _, s := range []string{
		"Snapshots in " + dest + " (the backup destination):\n",
		"Snapshots in " + other + " (in the backup history):\n",
		"Snapshots in " + gone + " (in the backup history):\n  not listed: it is not there (is its drive connected?)\n",
		"Safety snapshots in ",
	} {
		if code != 0 || !strings.Contains(out, s) {
			t.Errorf("backup list: exit %d, output lacks %q:\n%s", code, s, out)
		}
	}
}
