package check

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/datadir"
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
	if !r.OK() || len(r.Findings) != 0 || len(r.Phases) != 6 {
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
				if f.Severity != Hint && f.Fix == "" {
					t.Errorf("finding without a fix: %+v", f)
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
	if !strings.Contains(r.Findings[0].Fix, "stocksync restore") {
		t.Errorf("fix %q", r.Findings[0].Fix)
	}
	after, _ := os.ReadFile(d.DB())
	if string(after) != string(junk) {
		t.Error("check changed the damaged database")
	}
}

func TestMissingFolder(t *testing.T) {
	root := filepath.Join(t.TempDir(), "gone")
	r := Run(context.Background(), datadir.Dir{Root: root})
	if r.OK() || r.Findings[0].Phase != "data folder" {
		t.Fatalf("%s", severities(r))
	}
	if _, err := os.Stat(root); err == nil {
		t.Error("check created the folder")
	}
}
