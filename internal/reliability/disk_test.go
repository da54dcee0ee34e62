package reliability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// mountTmpfs mounts a tmpfs of size at dir (hiding what was there) and
// unmounts it when the test ends. Where mounting is not permitted the test
// is skipped with the reason.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount -t tmpfs -o size=%s tmpfs %s: %v: %s", size, dir, err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			// A child still holding a file: detach now, freed when it exits.
			if out2, err2 := exec.Command("umount", "-l", dir).CombinedOutput(); err2 != nil {
				t.Errorf("umount %s: %v: %s; %s", dir, err, out, out2)
			}
		}
	})
}

func remount(t *testing.T, dir, opts string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+opts, dir).CombinedOutput(); err != nil {
		t.Fatalf("mount -o remount,%s %s: %v: %s", opts, dir, err, out)
	}
}

// mountData puts the data folder on a fresh tmpfs of size.
func (e *env) mountData(t *testing.T, size string) {
	mountTmpfs(t, e.data, size)
	if err := e.dir().Ensure(); err != nil {
		t.Fatal(err)
	}
	e.writeConfig(0)
}

// diskCase records one disk-trouble case.
func diskCase(t *testing.T, name, message string, problems []string) {
	t.Helper()
	report(t, record{Group: "disk", Name: name, OK: len(problems) == 0, Detail: strings.Join(problems, "; "), Message: clipMsg(message)})
	for _, p := range problems {
		t.Errorf("%s: %s", name, p)
	}
}

// failedClearly checks a run that had to fail: a normal exit code, no
// panic, and a message with one of words.
func failedClearly(r result, words ...string) []string {
	if r.code == 0 {
		return []string{fmt.Sprintf("stocksync %s succeeded; want a clear error", strings.Join(r.args, " "))}
	}
	if strings.Contains(r.stderr, "panic:") {
		return []string{"panicked: " + tail(r.stderr, 300)}
	}
	if r.code != exitFailure && r.code != exitPartial {
		return []string{fmt.Sprintf("unexpected exit: %s", r)}
	}
	msg := strings.ToLower(r.stderr)
	if sr, ok := parseSyncResult(r.stdout); ok {
		msg += " " + strings.ToLower(sr.Error)
	}
	if !containsAny(msg, words) {
		return []string{fmt.Sprintf("stocksync %s: the message does not say %q: %s", strings.Join(r.args, " "), words, lastLine(r.stderr))}
	}
	return nil
}

// soundAndKept checks integrity and that local-only rows equal before.
func soundAndKept(e *env, before map[string]map[string]string) []string {
	var problems []string
	if err := checkIntegrity(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	}
	after, err := localRows(e.dbPath())
	if err != nil {
		return append(problems, err.Error())
	}
	if err := compareLocal(before, after, nil); err != nil {
		problems = append(problems, err.Error())
	}
	return problems
}

// grow adds batches on the server so the next sync writes several MB.
func grow(srv *espfake.Server, batches, files int) {
	for range batches {
		srv.AddBatch(espfake.BatchSpec{Files: files})
	}
}

// TestDiskTrouble: a data folder or backup destination that is full,
// read-only or removed mid-run gives a clear error, no partial snapshot and
// no damaged database.
func TestDiskTrouble(t *testing.T) {
	linuxOnly(t)
	t.Run("data_folder_full", func(t *testing.T) {
		e := newEnv(t, envOptions{server: espfake.Options{Seed: 21, Batches: 3, ContributionsPerBatch: 10}})
		e.mountData(t, "1536k")
		e.mustRun("sync", "--json", "--no-thumbnails")
		seedLocal(t, rand.New(rand.NewPCG(21, 1)), e, 10, 10, 3)
		before, err := localRows(e.dbPath())
		if err != nil {
			t.Fatal(err)
		}
		grow(e.srv, 40, 60)
		full := e.run("sync", "--json", "--no-thumbnails")
		problems := failedClearly(full, "full")
		problems = append(problems, soundAndKept(e, before)...)
		// Thumbnails on the full disk fail per file, leaving no partial file.
		e.run("thumbnails", "--wait")
		if th, err := checkThumbnails(context.Background(), e.data); err != nil || th.temps > 0 || len(th.problems) > 0 {
			problems = append(problems, fmt.Sprintf("thumbnails on a full disk: %d temporary files left, %v, %v", th.temps, th.problems, err))
		}
		remount(t, e.data, "size=64m")
		if r := e.run("sync", "--json", "--no-thumbnails"); r.code != 0 {
			problems = append(problems, "sync once space was freed: "+r.String())
		} else if err := converged(context.Background(), e.dbPath(), e.srv); err != nil {
			problems = append(problems, "sync once space was freed: "+err.Error())
		}
		problems = append(problems, soundAndKept(e, before)...)
		diskCase(t, "data folder full (1.5 MB tmpfs) during sync and thumbnail downloads", lastLine(full.stderr), problems)
	})

	t.Run("data_folder_read_only", func(t *testing.T) {
		e := newEnv(t, envOptions{server: espfake.Options{Seed: 22, Batches: 3, ContributionsPerBatch: 10}})
		e.mountData(t, "16m")
		e.mustRun("sync", "--json", "--no-thumbnails")
		seedLocal(t, rand.New(rand.NewPCG(22, 1)), e, 10, 10, 3)
		before, err := localRows(e.dbPath())
		if err != nil {
			t.Fatal(err)
		}
		remount(t, e.data, "ro")
		grow(e.srv, 2, 5)
		ro := e.run("sync", "--json", "--no-thumbnails")
		problems := failedClearly(ro, "read-only", "read only", "readonly")
		problems = append(problems, failedClearly(e.run("edit", firstPendingID(t, e), "--title", "x"), "read-only", "read only", "readonly")...)
		if r := e.run("status", "--json"); r.code != 0 {
			problems = append(problems, failedClearly(r, "read-only", "read only", "readonly")...)
		}
		remount(t, e.data, "rw")
		problems = append(problems, soundAndKept(e, before)...)
		if r := e.run("sync", "--json", "--no-thumbnails"); r.code != 0 {
			problems = append(problems, "sync once writable again: "+r.String())
		}
		diskCase(t, "data folder read-only (sync, edit, status)", lastLine(ro.stderr), problems)
	})

	t.Run("data_folder_removed_mid_run", func(t *testing.T) {
		// The folder is removed while the proxy holds the 10th of 40 batch
		// reads, so the removal always lands mid-run: a fixed sleep did not
		// (a 40-batch sync on loopback finishes in about 120 ms).
		e := newEnv(t, envOptions{proxy: true, server: espfake.Options{Seed: 23, Batches: 40, ContributionsPerBatch: 30}})
		var (
			mu        sync.Mutex // the proxy calls the rewrite from its handlers' goroutines
			reads     int
			removeErr error
		)
		e.px.setRewrite(func(endpoint string, v any) any {
			mu.Lock()
			defer mu.Unlock()
			if endpoint == esp.EndpointContributionsList {
				if reads++; reads == 10 {
					removeErr = os.RemoveAll(e.data)
				}
			}
			return v
		})
		r := e.run("sync", "--json", "--no-thumbnails")
		e.px.setRewrite(nil)
		mu.Lock()
		defer mu.Unlock()
		if removeErr != nil || reads < 10 {
			t.Fatalf("removing the data folder mid-run: %v (after %d batch reads)", removeErr, reads)
		}
		// Exit 0 would tell the user the sync worked while its database is gone.
		problems := failedClearly(r, "removed", "deleted", "gone", "no such file", "does not exist", "missing")
		// The folder is gone; the next sync starts a fresh one and converges.
		if _, err := os.Stat(e.dbPath()); err == nil {
			problems = append(problems, "a database reappeared in the removed folder")
		}
		e.data = e.data + "-new"
		if err := e.dir().Ensure(); err != nil {
			t.Fatal(err)
		}
		e.writeConfig(0)
		if r := e.run("sync", "--json", "--no-thumbnails"); r.code != 0 {
			problems = append(problems, "next sync: "+r.String())
		} else if err := converged(context.Background(), e.dbPath(), e.srv); err != nil {
			problems = append(problems, err.Error())
		}
		diskCase(t, "data folder removed mid-sync", lastLine(r.stderr), problems)
	})

	// Backup destinations. A snapshot that fails leaves nothing in the
	// destination but temporary folders, and never touches the data folder.
	backupCase := func(t *testing.T, name string, trouble func(e *env, dest string) result, words ...string) {
		e := newEnv(t, envOptions{server: espfake.Options{Seed: 24, Batches: 8, ContributionsPerBatch: 25}})
		e.mustRun("sync", "--json", "--no-thumbnails")
		e.mustRun("thumbnails", "--wait")
		seedLocal(t, rand.New(rand.NewPCG(24, 1)), e, 10, 10, 3)
		before, err := localRows(e.dbPath())
		if err != nil {
			t.Fatal(err)
		}
		dest := e.backups()
		r := trouble(e, dest)
		problems := failedClearly(r, words...)
		defer func() { diskCase(t, name, lastLine(r.stderr), problems) }()
		if err := checkSnapshots(dest); err != nil {
			problems = append(problems, err.Error())
		}
		if n := countNonTemp(dest); n != 0 {
			problems = append(problems, fmt.Sprintf("%d snapshot folders in the destination after a failed backup", n))
		}
		problems = append(problems, soundAndKept(e, before)...)
		if n := countTemps(e.data); n != 0 {
			problems = append(problems, fmt.Sprintf("%d temporary files left in the data folder", n))
		}
	}
	t.Run("backup_destination_full", func(t *testing.T) {
		backupCase(t, "backup destination full (256 KB tmpfs), with thumbnails", func(e *env, dest string) result {
			mountTmpfs(t, dest, "256k")
			return e.run("backup", "--to", dest, "--with-thumbnails")
		}, "full", "no space")
	})
	t.Run("backup_destination_read_only", func(t *testing.T) {
		backupCase(t, "backup destination read-only", func(e *env, dest string) result {
			mountTmpfs(t, dest, "16m")
			remount(t, dest, "ro")
			return e.run("backup", "--to", dest)
		}, "read-only", "read only", "readonly")
	})
	t.Run("backup_destination_removed_mid_run", func(t *testing.T) {
		backupCase(t, "backup destination removed mid-snapshot", func(e *env, dest string) result {
			if err := os.MkdirAll(dest, 0o700); err != nil {
				t.Fatal(err)
			}
			done := make(chan result, 1)
			go func() { done <- e.run("backup", "--to", dest, "--with-thumbnails") }()
			// Remove it as soon as the snapshot's temporary folder appears.
			deadline := time.Now().Add(30 * time.Second)
			for countTemps(dest) == 0 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			os.RemoveAll(dest)
			return <-done
		}, "does not exist", "not connected", "no such file", "removed", "gone")
	})
}

func countNonTemp(dir string) int {
	entries, _ := os.ReadDir(dir)
	return len(entries) - countTemps(dir)
}

// firstPendingID is a file the local database has, for an edit.
func firstPendingID(t *testing.T, e *env) string {
	t.Helper()
	for _, b := range e.srv.Portfolio().Batches {
		for _, c := range b.Contributions {
			return c.ID
		}
	}
	t.Fatal("no files")
	return ""
}
