package main

import (
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// envRunMain makes the test binary run main() instead of the tests, so that
// tests can run the real command as a child process: to kill it (SIGKILL,
// SIGINT) halfway and see what it leaves behind.
const envRunMain = "STOCKSYNC_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// childCLI is `stocksync args…` as a child process of the test, with env
// added to its environment.
func childCLI(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), envRunMain+"=1"), env...)
	cmd.Stdout, cmd.Stderr = new(bytes.Buffer), new(bytes.Buffer)
	return cmd
}

// fileHashes maps every file under root (relative path) to its SHA-256.
func fileHashes(t *testing.T, root string) map[string][sha256.Size]byte {
	t.Helper()
	out := map[string][sha256.Size]byte{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[rel] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A `restore --dry-run --local-only` killed (SIGKILL) with its copy of the
// database made leaves the live data as it was, and the copy is gone after
// the next command: it was a full copy of the user's database left in the
// system's temporary folder, which nothing ever removed.
func TestRestorePreviewKilledLeavesNothing(t *testing.T) {
	t.Parallel()
	d := localData(t)
	dest := t.TempDir()
	dd := []string{"--data-dir", d.Root}
	if _, errs, code := runCLI(t, append(dd, "backup", "--to", dest)...); code != 0 {
		t.Fatalf("backup: exit %d %s", code, errs)
	}
	snaps, _ := filepath.Glob(filepath.Join(dest, "stocksync-*"))
	if len(snaps) != 1 {
		t.Fatalf("snapshots %v", snaps)
	}
	if _, errs, code := runCLI(t, append(dd, "pending", "remove", "1")...); code != 0 {
		t.Fatalf("pending remove: exit %d %s", code, errs)
	}
	before := fileHashes(t, d.Root)
	sysTmp := t.TempDir()
	cmd := childCLI(t, []string{EnvCrashAt + "=preview:copied", "TMPDIR=" + sysTmp},
		append(dd, "restore", snaps[0], "--local-only", "--dry-run")...)
	err := cmd.Run()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if err == nil || !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the preview was not killed at preview:copied: %v\n%s", err, cmd.Stderr)
	}
	if left, _ := os.ReadDir(sysTmp); len(left) != 0 {
		t.Errorf("the killed preview left %d entries in the system's temporary folder", len(left))
	}
	// The next command removes the copy; the live data is as it was.
	if _, errs, code := runCLI(t, append(dd, "status")...); code != 0 {
		t.Fatalf("status: exit %d %s", code, errs)
	}
	after := fileHashes(t, d.Root)
	for p, h := range after {
		if strings.Contains(p, "preview-") {
			t.Errorf("left behind after the next command: %s", p)
			continue
		}
		if b, ok := before[p]; ok && b != h && !strings.HasSuffix(p, "-wal") && !strings.HasSuffix(p, "-shm") && p != "stocksync.db" {
			t.Errorf("%s changed", p)
		}
	}
	if got := pendingPaths(t, d); len(got) != 1 {
		t.Errorf("pending uploads after the killed preview: %v, want 1", got)
	}
}
