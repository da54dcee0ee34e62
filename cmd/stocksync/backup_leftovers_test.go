package main

import (
	"os"
	"path/filepath"
	"testing"
)

// What a killed backup left in the backup folder (a temporary snapshot
// folder nobody marks) is removed by the next command that works on the
// folder, not only by the next backup: backup list, backup verify, backup
// test-restore and check.
func TestLeftoversCleanedByEveryDestinationCommand(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := filepath.Join(t.TempDir(), "Backups")
	dd := []string{"--data-dir", d.Root}
	if err := os.MkdirAll(dest, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, append(dd, "backup", "destination", dest)...); code != 0 {
		t.Fatalf("destination: exit %d %s", code, errs)
	}
	if _, errs, code := runCLI(t, append(dd, "backup")...); code != 0 {
		t.Fatalf("backup: exit %d %s", code, errs)
	}
	for _, args := range [][]string{
		{"backup", "list"},
		{"backup", "verify"},
		{"backup", "test-restore"},
		{"check"},
	} {
		left := filepath.Join(dest, ".stocksync-tmp-snapshot-123456")
		if err := os.MkdirAll(filepath.Join(left, "thumbnails"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(left, "stocksync.db"), []byte("half a database"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, errs, code := runCLI(t, append(dd, args...)...)
		if code != 0 {
			t.Errorf("%v: exit %d %s", args, code, errs)
		}
		if _, err := os.Stat(left); !os.IsNotExist(err) {
			t.Errorf("%v left %s in the backup folder (stat: %v)", args, left, err)
			os.RemoveAll(left)
		}
	}
}
