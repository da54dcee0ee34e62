package backup

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

func TestRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		disaster func(t *testing.T, f *fixture)
		safety   bool // a safety snapshot of the current data is expected
	}{
		{"data folder lost", func(t *testing.T, f *fixture) {
			if err := os.RemoveAll(f.dir.Root); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"local rows lost and settings changed", func(t *testing.T, f *fixture) {
			f.open(t)
			if err := f.db.Write(ctx, func(tx *sql.Tx) error {
				_, err := tx.Exec(`DELETE FROM pending_uploads; DELETE FROM local_edits; UPDATE local_paths SET path = 'wrong'`)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			f.close(t)
			config.Update(f.dir.Config(), func(c *config.Config) error { c.Concurrency = 3; return nil })
		}, true},
		{"database damaged", func(t *testing.T, f *fixture) {
			os.WriteFile(f.dir.DB(), []byte(strings.Repeat("garbage!", 1000)), 0o600)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			snap := f.snapshot(t, true)
			f.close(t)
			wantLocal := dump(t, f.dir.DB(), store.LocalOnlyTables...)
			wantServer := dump(t, f.dir.DB(), serverTables...)
			wantConfig, _ := os.ReadFile(f.dir.Config())
			tt.disaster(t, f)
			before, _ := os.ReadFile(f.dir.DB())

			res, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{Now: f.clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			for _, side := range []string{"-wal", "-shm", "-journal"} {
				if _, err := os.Stat(f.dir.DB() + side); err == nil {
					t.Errorf("%s left beside the restored database", side)
				}
			}
			sameDump(t, "local-only rows", dump(t, f.dir.DB(), store.LocalOnlyTables...), wantLocal)
			sameDump(t, "server rows", dump(t, f.dir.DB(), serverTables...), wantServer)
			if got, _ := os.ReadFile(f.dir.Config()); string(got) != string(wantConfig) {
				t.Errorf("config.json:\n%s\nwant\n%s", got, wantConfig)
			}
			if !res.Config.Restored {
				t.Error("result does not say the settings were restored")
			}
			if (res.Safety != nil) != tt.safety {
				t.Fatalf("safety snapshot %+v, want one: %v", res.Safety, tt.safety)
			}
			if res.Safety != nil {
				// The safety snapshot holds the data as it was before the restore.
				if res.Safety.Kind != KindSafety || filepath.Dir(res.Safety.Path) != f.dir.Snapshots() {
					t.Errorf("safety snapshot %+v", res.Safety)
				}
				m, _ := ReadManifest(res.Safety.Path)
				if m.Raw {
					if got, _ := os.ReadFile(filepath.Join(res.Safety.Path, DBName)); string(got) != string(before) {
						t.Error("raw safety copy differs from the damaged database")
					}
				} else if m.Tables["pending_uploads"] != 0 {
					t.Errorf("safety snapshot has %d pending uploads, want the 0 of the damaged state", m.Tables["pending_uploads"])
				}
			}
			if res.ThumbnailsRestored != 5 && tt.name == "data folder lost" {
				t.Errorf("%d thumbnails restored, want 5", res.ThumbnailsRestored)
			}
			for _, n := range entries(t, f.dir.Root) {
				if strings.HasPrefix(n, ".stocksync-tmp-") {
					t.Errorf("%s left in the data folder", n)
				}
			}
			// The history in the restored database says what happened.
			f.open(t)
			run, err := f.db.LastBackupRun(ctx, KindRestore, true)
			if err != nil || run.Path != snap.Path {
				t.Errorf("restore run %+v, %v", run, err)
			}
		})
	}
}

func TestRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture, snap string) func()
		check func(error) bool
	}{
		{"a sync is running", func(t *testing.T, f *fixture, _ string) func() {
			f.close(t)
			l, err := lockfile.TryAcquire(f.dir.Lock(), "stocksync sync")
			if err != nil {
				t.Fatal(err)
			}
			return func() { l.Release() }
		}, func(err error) bool { return errors.Is(err, lockfile.ErrHeld) }},
		{"the database is still open", func(t *testing.T, f *fixture, _ string) func() {
			return func() {}
		}, func(err error) bool { return errors.Is(err, store.ErrInUse) }},
		{"the snapshot is damaged", func(t *testing.T, f *fixture, snap string) func() {
			f.close(t)
			flipByte(t, filepath.Join(snap, DBName), func(n int64) int64 { return n / 2 })
			return func() {}
		}, func(err error) bool { var ve *VerifyError; return errors.As(err, &ve) }},
		{"the snapshot is from a newer Stocksync", func(t *testing.T, f *fixture, snap string) func() {
			f.close(t)
			editManifest(t, snap, func(m *Manifest) { m.SchemaVersion = store.KnownVersion() + 1 })
			// keep the database consistent with the manifest
			p := filepath.Join(snap, DBName)
			c, _ := sql.Open("sqlite", "file:"+p)
			c.Exec("PRAGMA user_version = 99")
			c.Close()
			sum, n, _ := hashFile(p)
			editManifest(t, snap, func(m *Manifest) {
				m.SchemaVersion = 99
				for i := range m.Files {
					if m.Files[i].Path == DBName {
						m.Files[i].SHA256, m.Files[i].Size = sum, n
					}
				}
			})
			return func() {}
		}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "newer Stocksync") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			snap := f.snapshot(t, false)
			// Make the current data differ from the snapshot.
			if err := f.db.SetLocalPath(ctx, "c0", "/changed", t0); err != nil {
				t.Fatal(err)
			}
			undo := tt.setup(t, f, snap.Path)
			defer undo()
			wantLocal := dumpIfClosed(t, f)
			os.WriteFile(f.dir.Lock(), nil, 0o600) // taking the lock may create it; that is all
			before := tree(t, f.dir.Root)
			_, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{Now: f.clk.Now})
			if !tt.check(err) {
				t.Fatalf("got %v", err)
			}
			sameTree(t, f.dir.Root, before)
			if wantLocal != nil {
				sameDump(t, "local-only rows", dump(t, f.dir.DB(), store.LocalOnlyTables...), wantLocal)
			}
		})
	}
}

// dumpIfClosed dumps the local-only rows when nothing holds the database.
func dumpIfClosed(t *testing.T, f *fixture) map[string][]string {
	if err := store.Quiesce(context.Background(), f.dir.DB()); err != nil {
		return nil
	}
	return dump(t, f.dir.DB(), store.LocalOnlyTables...)
}

func TestRestoreLocalOnly(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	snap := f.snapshot(t, false)
	wantLocal := dump(t, f.dir.DB(), store.LocalOnlyTables...)
	// Database trouble: local rows are gone; sync has since brought new
	// server data, and the settings were changed.
	if err := f.db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`DELETE FROM pending_uploads; DELETE FROM local_edits; DELETE FROM local_paths`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	if _, err := f.db.WriteBatchContributions(ctx, "b1", "v2", []store.Contribution{{ID: "c99", BatchID: "b1", Status: "pending", UpdatedAt: later}}, later); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Update(f.dir.Config(), func(c *config.Config) error { c.Concurrency = 4; return nil }); err != nil {
		t.Fatal(err)
	}
	f.close(t)
	wantServer := dump(t, f.dir.DB(), serverTables...)
	wantConfig, _ := os.ReadFile(f.dir.Config())

	res, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{LocalOnly: true, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	sameDump(t, "server rows", dump(t, f.dir.DB(), serverTables...), wantServer)
	sameDump(t, "local-only rows", dump(t, f.dir.DB(), store.LocalOnlyTables...), wantLocal)
	if got := res.LocalOnly; got["pending_uploads"].Added != 3 || got["local_paths"].Added != 4 || got["local_edits"].Added != 2 {
		t.Errorf("merge counts %+v", got)
	}
	if got, _ := os.ReadFile(f.dir.Config()); string(got) != string(wantConfig) {
		t.Error("local-only restore replaced working settings")
	}
	if res.Config.Restored || len(res.Config.Differences) != 1 || !strings.HasPrefix(res.Config.Differences[0], "concurrency: now 4, in the snapshot 8") {
		t.Errorf("config outcome %+v", res.Config)
	}
	if res.Safety == nil || res.Safety.LocalOnly["pending_uploads"] != 0 {
		t.Errorf("safety snapshot %+v: want one holding the state before the merge", res.Safety)
	}

	// Damaged settings are kept aside and restored; missing ones restored.
	os.WriteFile(f.dir.Config(), []byte("{ not json"), 0o600)
	res, err = Restore(ctx, f.dir, snap.Path, RestoreOptions{LocalOnly: true, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Config.Restored || res.Config.DamagedKept == "" {
		t.Errorf("config outcome %+v", res.Config)
	}
	if b, _ := os.ReadFile(res.Config.DamagedKept); string(b) != "{ not json" {
		t.Error("damaged settings were not kept")
	}
	if res.LocalOnly.Total() != 0 {
		t.Errorf("second merge changed %d rows", res.LocalOnly.Total())
	}
	os.Remove(f.dir.Config())
	if res, err = Restore(ctx, f.dir, snap.Path, RestoreOptions{LocalOnly: true, Now: f.clk.Now}); err != nil || !res.Config.Restored {
		t.Errorf("missing settings: %+v, %v", res.Config, err)
	}
}

func TestRestoreLocalOnlyIntoDamagedDatabase(t *testing.T) {
	f := newFixture(t)
	snap := f.snapshot(t, false)
	f.close(t)
	os.WriteFile(f.dir.DB(), []byte(strings.Repeat("garbage!", 1000)), 0o600)
	_, err := Restore(context.Background(), f.dir, snap.Path, RestoreOptions{LocalOnly: true, Now: f.clk.Now})
	var lo *LocalOnlyDamagedError
	if !errors.Is(err, store.ErrCorrupt) || !errors.As(err, &lo) || lo.Snapshot != snap.Path || lo.DB != f.dir.DB() {
		t.Errorf("got %v, want a *LocalOnlyDamagedError naming the snapshot and the database", err)
	}
	// The dry run fails the same way, in the same words (it said the
	// advice itself, in core, joined to the error with a newline).
	_, derr := Restore(context.Background(), f.dir, snap.Path, RestoreOptions{LocalOnly: true, DryRun: true, Now: f.clk.Now})
	lo = nil
	if !errors.As(derr, &lo) || lo.Snapshot != snap.Path || lo.DB != f.dir.DB() || err == nil || derr.Error() != err.Error() {
		t.Errorf("dry run: got %v, want the real run's %v", derr, err)
	}
}

func TestTestRestore(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	snap := f.snapshot(t, true)
	before := tree(t, f.dir.Root)
	tmp := t.TempDir()
	rep, err := TestRestore(ctx, snap.Path, TestRestoreOptions{TempDir: tmp, Now: f.clk.Now, Record: f.db})
	if err != nil || !rep.OK {
		t.Fatalf("%v %+v %+v", err, rep.Findings, rep.Verify.Findings)
	}
	if rep.Tables["pending_uploads"] != 3 || rep.SchemaFrom != rep.SchemaTo {
		t.Errorf("report %+v", rep)
	}
	if len(entries(t, tmp)) != 0 {
		t.Errorf("trial folder left behind: %v", entries(t, tmp))
	}
	run, err := f.db.LastBackupRun(ctx, KindTestRestore, true)
	if err != nil || run.Path != snap.Path || !run.StartedAt.Equal(rep.CheckedAt) {
		t.Errorf("recorded %+v %v", run, err)
	}
	// The data folder is untouched apart from the history row.
	after := tree(t, f.dir.Root)
	for k, v := range before {
		if k != "stocksync.db" && !isSidecar(k) && after[k] != v {
			t.Errorf("%s changed", k)
		}
	}

	os.Remove(filepath.Join(snap.Path, ConfigName))
	rep, err = TestRestore(ctx, snap.Path, TestRestoreOptions{TempDir: tmp, Now: f.clk.Now, Record: f.db})
	if err != nil || rep.OK || rep.Err() == nil || !strings.Contains(rep.Err().Error(), ConfigName) {
		t.Errorf("damaged snapshot: %v, %+v", err, rep)
	}
	if run, _ := f.db.LastBackupRun(ctx, KindTestRestore, false); run.OK {
		t.Error("the failed test restore was recorded as ok")
	}
}
