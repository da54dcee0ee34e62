package reliability

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// Exit statuses (docs/cli.md): usage, and an unusable data folder.
const (
	exitUsage   = 2
	exitDamaged = 6
)

// badCase records one case of issue 12's fault kinds.
func badCase(t *testing.T, name string, problems []string, message ...string) {
	t.Helper()
	report(t, record{Group: "disk", Name: name, OK: len(problems) == 0, Detail: strings.Join(problems, "; "), Message: clipMsg(strings.Join(message, ""))})
	for _, p := range problems {
		t.Errorf("%s: %s", name, p)
	}
}

// withLocalWork is a synced data folder with local-only work and one
// verified snapshot of it in e.backups(); it returns the snapshot's path.
func withLocalWork(t *testing.T, seed uint64) (*env, string) {
	e := newEnv(t, envOptions{server: espfake.Options{Seed: seed, Batches: 3, ContributionsPerBatch: 8, NoThumbnails: true}})
	e.mustRun("sync", "--json", "--no-thumbnails")
	seedLocal(t, rand.New(rand.NewPCG(seed, 1)), e, 4, 3, 0)
	e.mustRun("backup", "destination", e.backups())
	e.mustRun("backup")
	entries, _ := os.ReadDir(e.backups())
	if len(entries) != 1 {
		t.Fatalf("%d entries in the backup folder", len(entries))
	}
	return e, filepath.Join(e.backups(), entries[0].Name())
}

// Only a missing database may be created: an empty file, another
// application's database and one with damaged pages are refused by every
// command but check, restore and backup list, with exit 6 and the snapshot
// to restore; nothing is written to them (issue 12, item 3).
func TestDamagedOrForeignDatabaseIsRefused(t *testing.T) {
	foreign := func(t *testing.T, p string) {
		os.Remove(p)
		c, err := sql.Open("sqlite", "file:"+p)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine')"); err != nil {
			t.Fatal(err)
		}
	}
	garble := func(t *testing.T, p string) {
		c, err := sql.Open("sqlite", "file:"+p)
		if err != nil {
			t.Fatal(err)
		}
		var root, size int
		c.QueryRow("SELECT rootpage FROM sqlite_master WHERE name = 'contributions'").Scan(&root)
		c.QueryRow("PRAGMA page_size").Scan(&size)
		c.Close()
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteAt(bytes.Repeat([]byte{0xff}, 64), int64(root-1)*int64(size)+8)
		f.Close()
	}
	cases := []struct {
		name   string
		damage func(t *testing.T, p string)
	}{
		{"zero-byte database", func(t *testing.T, p string) { os.WriteFile(p, nil, 0o600) }},
		{"another application's database", foreign},
		{"database with damaged pages", garble},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			e, snap := withLocalWork(t, 41)
			want, err := localRows(e.dbPath())
			if err != nil {
				t.Fatal(err)
			}
			c.damage(t, e.dbPath())
			os.Remove(e.dbPath() + "-wal")
			os.Remove(e.dbPath() + "-shm")
			damaged, _ := os.ReadFile(e.dbPath())
			var problems []string
			var shown string
			for _, args := range [][]string{{"list", "pending"}, {"status"}, {"sync", "--no-thumbnails"}, {"backup", "--to", filepath.Join(e.root, "b2")}, {"backup", "status"}} {
				r := e.run(args...)
				if shown == "" {
					shown = strings.TrimSpace(r.stderr)
				}
				if r.code != exitDamaged {
					problems = append(problems, fmt.Sprintf("%s: exit %d, want %d: %s", strings.Join(args, " "), r.code, exitDamaged, lastLine(r.stderr)))
					continue
				}
				if !strings.Contains(r.stderr, "stocksync --data-dir "+e.data+" restore "+snap) {
					problems = append(problems, fmt.Sprintf("%s: the message does not give `stocksync restore %s`: %s", args[0], snap, tail(r.stderr, 400)))
				}
			}
			if now, _ := os.ReadFile(e.dbPath()); !bytes.Equal(now, damaged) {
				problems = append(problems, "the damaged file was changed")
			}
			if r := e.run("check"); r.code != exitPartial {
				problems = append(problems, "check: "+r.String())
			}
			if r := e.run("backup", "list"); r.code != 0 {
				problems = append(problems, "backup list: "+r.String())
			}
			if r := e.run("restore", snap); r.code != 0 {
				problems = append(problems, "restore: "+r.String())
			} else if got, err := localRows(e.dbPath()); err != nil || !reflect.DeepEqual(got, want) {
				problems = append(problems, fmt.Sprintf("after the restore the local-only rows differ (%v)", err))
			}
			badCase(t, c.name+": list, status, sync, backup, backup status refused (exit 6); check, backup list, restore work", problems, shown)
		})
	}
}

// On a read-only data folder every read path works and reports what is
// there, not zeros; a backup elsewhere works (issue 12, item 4).
func TestReadOnlyDataFolderStillReadsAndBacksUp(t *testing.T) {
	e := newEnv(t, envOptions{server: espfake.Options{Seed: 42, Batches: 2, ContributionsPerBatch: 6, NoThumbnails: true}})
	e.mountData(t, "16m")
	e.mustRun("sync", "--json", "--no-thumbnails")
	seedLocal(t, rand.New(rand.NewPCG(42, 1)), e, 3, 2, 0)
	remount(t, e.data, "ro")
	defer remount(t, e.data, "rw")
	var problems []string
	if r := e.run("list", "pending", "--json"); r.code != 0 {
		problems = append(problems, "list pending: "+r.String())
	} else {
		var ps []json.RawMessage
		if json.Unmarshal([]byte(r.stdout), &ps) != nil || len(ps) != 3 {
			problems = append(problems, fmt.Sprintf("list pending shows %d uploads, want 3", len(ps)))
		}
	}
	if r := e.run("backup", "status", "--json"); r.code != 0 {
		problems = append(problems, "backup status: "+r.String())
	} else {
		var s struct {
			LocalOnly struct {
				PendingUploads int `json:"pending_uploads"`
			} `json:"local_only"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || s.LocalOnly.PendingUploads != 3 {
			problems = append(problems, fmt.Sprintf("backup status says %d pending uploads, want 3 (%v): %s", s.LocalOnly.PendingUploads, err, tail(r.stdout, 300)))
		}
	}
	dest := filepath.Join(e.root, "elsewhere")
	if r := e.run("backup", "--to", dest); r.code != 0 {
		problems = append(problems, "backup --to elsewhere: "+r.String())
	} else if err := checkSnapshots(dest); err != nil {
		problems = append(problems, err.Error())
	}
	badCase(t, "read-only data folder: list, backup status, backup --to elsewhere", problems)
}

// Smaller kinds: an empty snapshot name, a destination that is the data
// folder through a link, leftovers of killed commands, what check must see,
// read-only commands creating the folder, ~ and empty STOCKSYNC_DATA_DIR,
// backup --to a folder that does not exist yet (issue 12, items 1, 2, 12,
// 13, 14 and the rough edges).
func TestBadArgumentsAndLeftovers(t *testing.T) {
	e, snap := withLocalWork(t, 43)
	before, _ := localRows(e.dbPath())
	seedLocal(t, rand.New(rand.NewPCG(43, 2)), e, 1, 0, 0) // added after the snapshot
	after, _ := localRows(e.dbPath())
	var problems []string

	for _, name := range []string{"", "  "} {
		if r := e.run("restore", name); r.code != exitUsage {
			problems = append(problems, fmt.Sprintf("restore %q: %s, want exit 2", name, r))
		}
	}
	if got, _ := localRows(e.dbPath()); !reflect.DeepEqual(got, after) {
		problems = append(problems, "restore \"\" changed the live data")
	}
	if r := e.run("restore", "--dry-run", snap); r.code != 0 {
		problems = append(problems, "restore --dry-run: "+r.String())
	} else if got, _ := localRows(e.dbPath()); !reflect.DeepEqual(got, after) {
		problems = append(problems, "restore --dry-run changed the live data")
	}
	_ = before

	link := filepath.Join(e.root, "link")
	os.Symlink(e.data, link)
	for _, args := range [][]string{{"backup", "destination", link}, {"backup", "--to", link}, {"backup", "--to", filepath.Join(link, "snapshots", "x")}} {
		if r := e.run(args...); r.code == 0 {
			problems = append(problems, strings.Join(args, " ")+": accepted a destination inside the data folder")
		}
	}
	if n := countNonTemp(e.dir().Snapshots()); n != 0 {
		problems = append(problems, fmt.Sprintf("%d snapshots landed in the data folder", n))
	}

	// Leftovers of killed commands go at the next start, not after 24 h.
	for _, p := range []string{filepath.Join(e.dir().Snapshots(), ".stocksync-tmp-snapshot-1"), filepath.Join(e.backups(), ".stocksync-tmp-snapshot-2")} {
		os.MkdirAll(filepath.Join(p, "thumbnails"), 0o700)
	}
	os.WriteFile(filepath.Join(e.data, ".stocksync-tmp-restore-3.db"), []byte("x"), 0o600)
	e.mustRun("list", "pending")
	e.mustRun("backup", "--to", e.backups())
	for _, dir := range []string{e.data, e.dir().Snapshots(), e.backups()} {
		if n := countTemps(dir); n != 0 {
			problems = append(problems, fmt.Sprintf("%d leftovers in %s after the next commands", n, dir))
		}
	}

	// backup --to a folder that does not exist yet, as backup destination.
	if r := e.run("backup", "--to", filepath.Join(e.root, "new-backups")); r.code != 0 {
		problems = append(problems, "backup --to a new folder: "+r.String())
	}

	// check sees what blocks the other commands.
	os.RemoveAll(e.dir().Thumbnails())
	os.WriteFile(e.dir().Thumbnails(), []byte("x"), 0o600)
	if r := e.run("check"); r.code != exitPartial || !strings.Contains(r.stdout, e.dir().Thumbnails()) {
		problems = append(problems, "check with thumbnails/ as a file: "+r.String())
	}

	// Read-only commands and check on a folder that does not exist yet.
	gone := filepath.Join(e.root, "not-yet")
	for _, args := range [][]string{{"list", "pending"}, {"status"}, {"check"}} {
		cmd := exec.Command(binPath, append([]string{"--data-dir", gone}, args...)...)
		cmd.Env = e.environ()
		if out, err := cmd.CombinedOutput(); err != nil {
			problems = append(problems, fmt.Sprintf("%s on a folder that does not exist: %v: %s", strings.Join(args, " "), err, tail(string(out), 200)))
		}
		if _, err := os.Stat(gone); err == nil {
			problems = append(problems, strings.Join(args, " ")+" created the data folder")
			os.RemoveAll(gone)
		}
	}

	// STOCKSYNC_DATA_DIR: ~ is the home folder; empty is a usage error.
	for v, want := range map[string]string{"~/x": filepath.Join(e.home, "x"), "": "", " ": ""} {
		cmd := exec.Command(binPath, "datadir")
		cmd.Env = append(e.environ(), "STOCKSYNC_DATA_DIR="+v)
		cmd.Dir = e.cwd
		out, err := cmd.Output()
		got := strings.TrimSpace(string(out))
		if want == "" {
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitUsage {
				problems = append(problems, fmt.Sprintf("STOCKSYNC_DATA_DIR=%q: %v, %q; want exit 2", v, err, got))
			}
		} else if err != nil || got != want {
			problems = append(problems, fmt.Sprintf("STOCKSYNC_DATA_DIR=%q: %q, %v; want %q", v, got, err, want))
		}
	}
	if _, err := os.Stat(filepath.Join(e.cwd, "~")); err == nil {
		problems = append(problems, "a folder literally named ~ was created")
	}
	badCase(t, "bad arguments, links, leftovers, check, ~", problems)
}

// restore --local-only from a snapshot that lacks a thumbnail and
// config.json succeeds and names what is missing (issue 12, item 5).
func TestRestoreWithMissingSnapshotFiles(t *testing.T) {
	e := newEnv(t, envOptions{server: espfake.Options{Seed: 44, Batches: 2, ContributionsPerBatch: 6}})
	e.mustRun("sync", "--json", "--no-thumbnails")
	e.mustRun("thumbnails", "--wait")
	seedLocal(t, rand.New(rand.NewPCG(44, 1)), e, 3, 2, 0)
	want, _ := localRows(e.dbPath())
	os.MkdirAll(e.backups(), 0o700)
	e.mustRun("backup", "--to", e.backups(), "--with-thumbnails")
	entries, _ := os.ReadDir(e.backups())
	snap := filepath.Join(e.backups(), entries[0].Name())
	var thumb string
	filepath.WalkDir(filepath.Join(snap, "thumbnails"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && thumb == "" {
			thumb = p
		}
		return nil
	})
	var problems []string
	if thumb == "" {
		t.Fatal("no thumbnail in the snapshot")
	}
	os.Remove(thumb)
	os.Remove(filepath.Join(snap, "config.json"))
	db, err := sql.Open("sqlite", "file:"+e.dbPath())
	if err != nil {
		t.Fatal(err)
	}
	db.Exec("DELETE FROM pending_uploads")
	db.Close()
	r := e.run("restore", snap, "--local-only")
	if r.code != 0 {
		problems = append(problems, "restore --local-only: "+r.String())
	} else {
		for _, name := range []string{"config.json", filepath.Base(thumb)} {
			if !strings.Contains(r.stdout, name) {
				problems = append(problems, "the output does not name the missing "+name)
			}
		}
		if got, err := localRows(e.dbPath()); err != nil || !reflect.DeepEqual(got, want) {
			problems = append(problems, fmt.Sprintf("local-only rows not restored (%v)", err))
		}
	}
	badCase(t, "restore --local-only with a thumbnail and config.json missing from the snapshot", problems)
}
