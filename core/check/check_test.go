package check

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

func freshDir(t *testing.T) (datadir.Dir, *store.DB) {
	t.Helper()
	d := datadir.Dir{Root: filepath.Join(t.TempDir(), "data")}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d, db
}

func severities(r Report) string {
	var s []string
	for _, f := range r.Findings {
		s = append(s, string(f.Severity)+"/"+f.Phase)
	}
	return strings.Join(s, ",")
}

func TestHealthyFolder(t *testing.T) {
	d, db := freshDir(t)
	ctx := context.Background()
	id, _ := db.StartSyncRun(ctx, false, time.Now())
	db.FinishSyncRun(ctx, store.SyncRun{ID: id, Outcome: store.OutcomeOK, FinishedAt: time.Now()})
	db.Close()
	r := Run(ctx, d)
	if !r.OK() || len(r.Findings) != 0 || len(r.Phases) != 8 {
		t.Fatalf("findings %s, phases %d", severities(r), len(r.Phases))
	}
}

func TestFindings(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(t *testing.T, d datadir.Dir, db *store.DB)
		want  string
	}{
		{"damaged settings", func(t *testing.T, d datadir.Dir, db *store.DB) {
			os.WriteFile(d.Config(), []byte("{nope"), 0o600)
		}, "error/settings,hint/last sync"},
		{"missing pending file", func(t *testing.T, d datadir.Dir, db *store.DB) {
			db.AddPendingUpload(ctx, store.PendingUpload{Path: "/nowhere/x.jpg"}, time.Now())
		}, "warning/local-only data,hint/last sync"},
		{"loose permissions", func(t *testing.T, d datadir.Dir, db *store.DB) {
			os.Chmod(d.Root, 0o755)
		}, "warning/data folder,hint/last sync"},
		{"failed sync", func(t *testing.T, d datadir.Dir, db *store.DB) {
			id, _ := db.StartSyncRun(ctx, false, time.Now())
			db.FinishSyncRun(ctx, store.SyncRun{ID: id, Outcome: store.OutcomeFailed, Message: "ESP is unavailable"})
		}, "warning/last sync"},
		{"missing thumbnail", func(t *testing.T, d datadir.Dir, db *store.DB) {
			db.Write(ctx, func(tx *sql.Tx) error {
				_, err := tx.Exec(`INSERT INTO thumbnails (contribution_id, url, state, file) VALUES ('1', 'http://x', 'done', 'ab/ab.img')`)
				return err
			})
		}, "warning/thumbnails,hint/last sync"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, db := freshDir(t)
			tt.setup(t, d, db)
			db.Close()
			r := Run(ctx, d)
			if got := severities(r); got != tt.want {
				t.Errorf("findings %s, want %s", got, tt.want)
			}
			for _, f := range r.Findings {
				if !slices.Contains(Kinds(), f.Kind) {
					t.Errorf("finding of no listed kind: %+v", f)
				}
			}
		})
	}
}

func TestDamagedDatabaseIsAnErrorAndUntouched(t *testing.T) {
	d, db := freshDir(t)
	db.Close()
	junk := []byte(strings.Repeat("not a database ", 500))
	os.WriteFile(d.DB(), junk, 0o600)
	r := Run(context.Background(), d)
	if r.OK() || !strings.Contains(severities(r), "error/database") {
		t.Fatalf("findings %s", severities(r))
	}
	if f := r.Findings[0]; f.Kind != KindDatabaseUnreadable || f.Path != d.DB() {
		t.Errorf("finding %+v, want %s naming %s", f, KindDatabaseUnreadable, d.DB())
	}
	after, _ := os.ReadFile(d.DB())
	if string(after) != string(junk) {
		t.Error("check changed the damaged database")
	}
}

// A folder that does not exist yet is not a fault: a new user ran check
// first (issue 12: this exited 3).
func TestMissingFolder(t *testing.T) {
	root := filepath.Join(t.TempDir(), "gone")
	r := Run(context.Background(), datadir.Dir{Root: root})
	if !r.OK() || len(r.Findings) != 1 || r.Findings[0].Phase != "data folder" || r.Findings[0].Severity != Hint {
		t.Fatalf("%s", severities(r))
	}
	if _, err := os.Stat(root); err == nil {
		t.Error("check created the folder")
	}
}

// check covers what the other commands need to run: thumbnails/ and
// snapshots/ replaced by plain files are errors with a fix (issue 12, item 13).
func TestBlockingLayoutProblems(t *testing.T) {
	ctx := context.Background()
	for _, sub := range []func(datadir.Dir) string{datadir.Dir.Thumbnails, datadir.Dir.Snapshots} {
		d, db := freshDir(t)
		db.Close()
		p := sub(d)
		os.RemoveAll(p)
		os.WriteFile(p, []byte("x"), 0o600)
		r := Run(ctx, d)
		if r.OK() || !strings.Contains(severities(r), "error/layout") {
			t.Errorf("%s is a file: findings %s, want an error", p, severities(r))
		}
		for _, f := range r.Findings {
			if f.Phase == "layout" && (f.Kind != KindSubfolderIsFile || f.Path != p) {
				t.Errorf("finding %+v, want %s naming %s", f, KindSubfolderIsFile, p)
			}
		}
	}
	d, db := freshDir(t)
	db.Close()
	os.WriteFile(d.Intent(), []byte("{}"), 0o600)
	if r := Run(ctx, d); r.OK() {
		t.Errorf("an interrupted restore: findings %s, want an error", severities(r))
	}
	// A backup destination that is the data folder through a link.
	d, db = freshDir(t)
	db.Close()
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink(d.Root, link)
	c := config.Default()
	c.Backup.Destination = link
	config.Save(d.Config(), c)
	if r := Run(ctx, d); !strings.Contains(severities(r), "error/backups") {
		t.Errorf("destination linked to the data folder: findings %s, want an error", severities(r))
	}
}

// A data folder that is a link to a folder that is not there (a
// disconnected drive) was "does not exist yet", 0 errors, while sync failed
// with "mkdir: file exists"; one that is a file ran every phase on it.
func TestDataFolderNotThere(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "data")
	os.Symlink(filepath.Join(t.TempDir(), "unmounted", "Stocksync"), root)
	r := Run(ctx, datadir.Dir{Root: root})
	if r.OK() || len(r.Findings) != 1 || !strings.Contains(r.Findings[0].What, "which is not there") {
		t.Errorf("dangling link: %s %+v, want one error", severities(r), r.Findings)
	}
	file := filepath.Join(t.TempDir(), "data")
	os.WriteFile(file, []byte("x"), 0o600)
	r = Run(ctx, datadir.Dir{Root: file})
	if r.OK() || len(r.Findings) != 1 {
		t.Errorf("data folder a file: %s %+v, want one error", severities(r), r.Findings)
	}
	for _, p := range r.Phases[1:] {
		if p.Skipped != "the data folder is a file" {
			t.Errorf("phase %s: skipped %q", p.Name, p.Skipped)
		}
	}
}

// A sync recorded as running that no process runs (it was killed) is
// named, with what to do; while one runs, nothing is said.
func TestKilledSyncIsNamed(t *testing.T) {
	ctx := context.Background()
	d, db := freshDir(t)
	if _, err := db.StartSyncRun(ctx, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := Run(ctx, d)
	found := false
	for _, f := range r.Findings {
		if f.Phase == "last sync" && strings.Contains(f.What, "stopped before it finished") {
			found = true
		}
	}
	if !found {
		t.Errorf("killed sync not named: %+v", r.Findings)
	}
	l, err := lockfile.TryAcquire(d.Lock(), "stocksync sync (test)")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	for _, f := range Run(ctx, d).Findings {
		if f.Phase == "last sync" {
			t.Errorf("a running sync reported: %+v", f)
		}
	}
}

// Findings state facts; the frontends word the advice (issue 14, item 3):
// nothing in core/check names a command.
func TestFindingsNameNoCommand(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "`stocksync") || strings.Contains(line, "stocksync command") {
				t.Errorf("%s:%d names a command: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
	seen := map[Kind]bool{}
	for _, k := range Kinds() {
		if seen[k] || k == "" {
			t.Errorf("kind %q listed twice or empty", k)
		}
		seen[k] = true
	}
}
