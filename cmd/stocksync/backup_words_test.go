package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A snapshot of a data folder holding only the database is one file: the
// reports say "1 file", not "1 files".
func TestBackupReportsOneFile(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := filepath.Join(t.TempDir(), "Backups")
	out, errs, code := runCLI(t, "--data-dir", d.Root, "backup", "--to", dest)
	if code != 0 {
		t.Fatalf("backup: exit %d %s", code, errs)
	}
	if !strings.Contains(out, "Verified: 1 file, ") {
		t.Errorf("backup says %q, want \"Verified: 1 file, …\"", out)
	}
	snap := strings.TrimSpace(strings.SplitN(strings.TrimPrefix(out, "Backed up to "), "\n", 2)[0])
	out, errs, code = runCLI(t, "--data-dir", d.Root, "backup", "verify", snap)
	if code != 0 {
		t.Fatalf("verify %s: exit %d %s", snap, code, errs)
	}
	if !strings.Contains(out, "\nOK: 1 file, ") {
		t.Errorf("verify says %q, want \"OK: 1 file, …\"", out)
	}
}
