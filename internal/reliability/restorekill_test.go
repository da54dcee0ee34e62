package reliability

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// restoreSteps are the points a restore is killed at (cmd/stocksync
// crashpoint.go): while the safety snapshot is half-written, before the
// switch is decided, after it is recorded,
// between the database and the settings (the swap), after both, and before
// the thumbnails.
var restoreSteps = []struct {
	step     string
	switched bool // the new set must be in place afterwards
}{
	{"snapshot:database-copied", false}, // in the safety snapshot, before anything is staged
	{"restore:staged", false},
	{"switch:recorded", true},
	{"switch:swapped-1", true},
	{"switch:swapped-2", true},
	{"restore:switched", true},
}

// A restore killed at any step, including the instant between the database
// and the settings, leaves the data folder as it was or fully restored —
// never the new database with the old settings — and the next command
// (any command) completes it and removes the leftovers (issue 12, items 11
// and 12).
func TestRestoreKilledAtEveryStep(t *testing.T) {
	for _, s := range restoreSteps {
		t.Run(strings.ReplaceAll(s.step, ":", "_"), func(t *testing.T) {
			e := newEnv(t, envOptions{server: espfake.Options{Seed: 31, Batches: 3, ContributionsPerBatch: 10, NoThumbnails: true}})
			e.mustRun("sync", "--json", "--no-thumbnails")
			seedLocal(t, rand.New(rand.NewPCG(31, 1)), e, 4, 3, 0)
			dest := e.backups()
			os.MkdirAll(dest, 0o700)
			e.mustRun("backup", "--to", dest)
			snapRows, err := localRows(e.dbPath())
			if err != nil {
				t.Fatal(err)
			}
			snapCfg, _ := os.ReadFile(e.dir().Config())
			// Work after the snapshot: more pending uploads and other settings.
			seedLocal(t, rand.New(rand.NewPCG(31, 2)), e, 3, 0, 0)
			if _, err := config.Update(e.dir().Config(), func(c *config.Config) error { c.Concurrency = 3; return nil }); err != nil {
				t.Fatal(err)
			}
			liveRows, err := localRows(e.dbPath())
			if err != nil {
				t.Fatal(err)
			}
			liveCfg, _ := os.ReadFile(e.dir().Config())
			entries, _ := os.ReadDir(dest)
			if len(entries) != 1 {
				t.Fatalf("%d entries in the destination", len(entries))
			}
			snap := filepath.Join(dest, entries[0].Name())

			e.extraEnv = []string{"STOCKSYNC_TEST_CRASH_AT=" + s.step}
			r := e.run("restore", snap)
			e.extraEnv = nil
			var problems []string
			if r.code != -1 || !strings.Contains(fmt.Sprint(r.err), "killed") {
				problems = append(problems, fmt.Sprintf("the restore was not killed at %s: %s", s.step, r))
			}
			// The next command, whatever it is, repairs first.
			st := e.run("status", "--json")
			if st.code != 0 {
				problems = append(problems, "status after the kill: "+st.String())
			}
			wantRows, wantCfg := liveRows, liveCfg
			if s.switched {
				wantRows, wantCfg = snapRows, snapCfg
			}
			gotRows, err := localRows(e.dbPath())
			if err != nil {
				problems = append(problems, "read the database: "+err.Error())
			} else if !reflect.DeepEqual(gotRows, wantRows) {
				problems = append(problems, fmt.Sprintf("local-only rows are neither as before nor as in the snapshot (want the %s set)", map[bool]string{true: "snapshot's", false: "old"}[s.switched]))
			}
			if gotCfg, _ := os.ReadFile(e.dir().Config()); string(gotCfg) != string(wantCfg) {
				problems = append(problems, "the settings do not belong with the database (mixed old and new)")
			}
			if err := checkIntegrity(e.dbPath()); err != nil {
				problems = append(problems, err.Error())
			}
			for _, dir := range []string{e.data, e.dir().Snapshots()} {
				if n := countTemps(dir); n != 0 {
					problems = append(problems, fmt.Sprintf("%d temporary files left in %s", n, dir))
				}
			}
			if _, err := os.Stat(e.dir().Intent()); err == nil {
				problems = append(problems, "the restore's intent record is still there")
			}
			report(t, record{Group: "disk", Name: "restore killed at " + s.step, OK: len(problems) == 0, Detail: strings.Join(problems, "; ")})
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// hotJournalHelper, run as a child of the test binary, leaves an
// interrupted transaction in a rollback journal and is killed while the
// journal exists: the state "attempt to write a readonly database (776)"
// came from.
const envHotJournal = "STOCKSYNC_RELIABILITY_HOT_JOURNAL"

func init() {
	path := os.Getenv(envHotJournal)
	if path == "" {
		return
	}
	c, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)&_pragma=cache_size(10)&_pragma=busy_timeout(5000)")
	if err == nil {
		c.SetMaxOpenConns(1)
		var tx *sql.Tx
		if tx, err = c.Begin(); err == nil {
			for i := 0; i < 300 && err == nil; i++ {
				_, err = tx.Exec("INSERT INTO sync_runs (started_at, push) VALUES (?, 0)", strings.Repeat("x", 2000))
			}
			if err == nil {
				if _, serr := os.Stat(path + "-journal"); serr == nil {
					syscall.Kill(os.Getpid(), syscall.SIGKILL)
				}
			}
		}
	}
	fmt.Fprintln(os.Stderr, "hot journal helper: no journal:", err)
	os.Exit(3)
}

// Every command works after a process was SIGKILLed while SQLite's rollback
// journal existed: the first one rolls it back (issue 12, item 11).
func TestHotJournalIsRepairedByEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"status"}, {"list", "pending"}, {"check"}, {"backup", "status"}, {"restore", "SNAP", "--local-only"}, {"sync", "--no-thumbnails"}} {
		t.Run(args[0], func(t *testing.T) {
			e := newEnv(t, envOptions{server: espfake.Options{Seed: 32, Batches: 2, ContributionsPerBatch: 5, NoThumbnails: true}})
			e.mustRun("sync", "--json", "--no-thumbnails")
			seedLocal(t, rand.New(rand.NewPCG(32, 1)), e, 3, 2, 0)
			os.MkdirAll(e.backups(), 0o700)
			e.mustRun("backup", "--to", e.backups())
			before, err := localRows(e.dbPath())
			if err != nil {
				t.Fatal(err)
			}
			// Kill a writer while its rollback journal exists.
			self, _ := os.Executable()
			h := exec.Command(self, "-test.run=^$")
			h.Env = append(os.Environ(), envHotJournal+"="+e.dbPath())
			err = h.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("helper: %v", err)
			}
			if st, err := os.Stat(e.dbPath() + "-journal"); err != nil || st.Size() == 0 {
				t.Fatalf("no hot journal after the kill: %v", err)
			}
			if args[0] == "restore" {
				entries, _ := os.ReadDir(e.backups())
				args = []string{"restore", filepath.Join(e.backups(), entries[0].Name()), "--local-only"}
			}
			r := e.run(args...)
			var problems []string
			if r.code != 0 {
				problems = append(problems, r.String())
			}
			if strings.Contains(r.stderr, "readonly database") || strings.Contains(r.stderr, "776") {
				problems = append(problems, "still failing on the journal: "+lastLine(r.stderr))
			}
			if st, err := os.Stat(e.dbPath() + "-journal"); err == nil && st.Size() > 0 {
				problems = append(problems, "the hot journal is still there")
			}
			if err := checkIntegrity(e.dbPath()); err != nil {
				problems = append(problems, err.Error())
			}
			if after, err := localRows(e.dbPath()); err != nil || !reflect.DeepEqual(after, before) {
				problems = append(problems, fmt.Sprintf("local-only rows changed (%v)", err))
			}
			report(t, record{Group: "disk", Name: "writer killed with a hot rollback journal, then " + strings.Join(args[:1], " "), OK: len(problems) == 0, Detail: strings.Join(problems, "; ")})
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}
