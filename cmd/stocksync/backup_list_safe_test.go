package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A snapshot's manifest.json is a file anyone can edit: its reason holding
// a line break and a made-up snapshot line printed that line in `backup
// list` as if it were a snapshot, and a bidi override reordered the rest.
// Snapshot names of different lengths ("…Z" and "…Z-2") kept the next
// columns out of line.
func TestBackupListSnapshotTextIsSafeAndAligned(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := t.TempDir()
	dd := []string{"--data-dir", d.Root}
	for range 2 {
		if _, errs, code := runCLI(t, append(dd, "backup", "--to", dest)...); code != 0 {
			t.Fatalf("backup: exit %d %s", code, errs)
		}
	}
	snaps, _ := filepath.Glob(filepath.Join(dest, "stocksync-*"))
	if len(snaps) != 2 {
		t.Fatalf("snapshots %v", snaps)
	}
	mp := filepath.Join(snaps[0], "manifest.json")
	b, err := os.ReadFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["reason"] = "weekly\n  stocksync-20991231T000000Z  2099-12-31 00:00  1 KB  fake\u202e evil\x1b[31m"
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, append(dd, "backup", "list", "--to", dest)...)
	if code != 0 {
		t.Fatalf("backup list: exit %d %s", code, errs)
	}
	if strings.Contains(out, "\n  stocksync-2099") || strings.ContainsAny(out, "\u202e\x1b") {
		t.Errorf("the manifest's reason reached the terminal as it was:\n%s", out)
	}
	var at []int
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "  stocksync-") {
			at = append(at, strings.Index(l, " KB"), strings.Index(l, "  verified"))
		}
	}
	if len(at) != 4 || at[0] != at[2] || at[1] != at[3] {
		t.Errorf("columns out of line (size, verified at %v):\n%s", at, out)
	}
}

// The newest verified snapshot is deleted only with --force: the CLI says
// so (core's refusal names no flag, the app shows it too).
func TestBackupDeleteNewestVerifiedSaysForce(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := filepath.Join(t.TempDir(), "Backups")
	dd := []string{"--data-dir", d.Root}
	if _, errs, code := runCLI(t, append(dd, "backup", "destination", dest)...); code != 0 {
		t.Fatalf("destination: exit %d %s", code, errs)
	}
	if _, errs, code := runCLI(t, append(dd, "backup")...); code != 0 {
		t.Fatalf("backup: exit %d %s", code, errs)
	}
	snaps, _ := filepath.Glob(filepath.Join(dest, "stocksync-*"))
	if len(snaps) != 1 {
		t.Fatalf("snapshots %v", snaps)
	}
	_, errs, code := runCLI(t, append(dd, "backup", "delete", filepath.Base(snaps[0]))...)
	if code != exitUsage || !strings.Contains(errs, "newest verified snapshot") || !strings.Contains(errs, "pass --force to delete it anyway") {
		t.Errorf("backup delete newest: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(snaps[0]); err != nil {
		t.Errorf("the refused snapshot is gone: %v", err)
	}
}

// One snapshot named twice, by its name and by its path: deleted once,
// exit 0 (the second mention failed "no snapshot …" and the command
// exited 3).
func TestBackupDeleteSameSnapshotTwice(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := filepath.Join(t.TempDir(), "Backups")
	dd := []string{"--data-dir", d.Root}
	if _, errs, code := runCLI(t, append(dd, "backup", "destination", dest)...); code != 0 {
		t.Fatalf("destination: exit %d %s", code, errs)
	}
	for range 2 {
		if _, errs, code := runCLI(t, append(dd, "backup")...); code != 0 {
			t.Fatalf("backup: exit %d %s", code, errs)
		}
	}
	snaps, _ := filepath.Glob(filepath.Join(dest, "stocksync-*"))
	if len(snaps) != 2 {
		t.Fatalf("snapshots %v", snaps)
	}
	old := snaps[0] // the older: Glob sorts, names sort by time
	out, errs, code := runCLI(t, append(dd, "backup", "delete", filepath.Base(old), old+"/")...)
	if code != 0 || errs != "" || strings.Count(out, "Deleted ") != 1 {
		t.Errorf("backup delete NAME PATH: exit %d, out %q, errs %q", code, out, errs)
	}
}
