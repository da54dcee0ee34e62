package backup

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/store"
)

// One missing file must not block recovery: a snapshot that lacks a
// thumbnail and config.json still restores its database, and the result
// names exactly what is missing (issue 12, item 5).
func TestRestoreWithMissingFilesRestoresWhatIsIntact(t *testing.T) {
	for _, localOnly := range []bool{true, false} {
		t.Run(map[bool]string{true: "local-only", false: "full"}[localOnly], func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			snap := f.snapshot(t, true)
			f.close(t)
			wantLocal := dump(t, f.dir.DB(), store.LocalOnlyTables...)
			m, err := ReadManifest(snap.Path)
			if err != nil {
				t.Fatal(err)
			}
			var thumb string
			for _, e := range m.Files {
				if isThumb(e.Path) {
					thumb = e.Path
					break
				}
			}
			if thumb == "" {
				t.Fatal("test setup: no thumbnail in the snapshot")
			}
			os.Remove(filepath.Join(snap.Path, filepath.FromSlash(thumb)))
			os.Remove(filepath.Join(snap.Path, ConfigName))
			// Lose the local-only rows and the thumbnail.
			f.open(t)
			if err := f.db.Write(ctx, func(tx *sql.Tx) error {
				_, err := tx.Exec("DELETE FROM pending_uploads; DELETE FROM local_edits")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			f.close(t)
			os.Remove(filepath.Join(f.dir.Thumbnails(), filepath.FromSlash(strings.TrimPrefix(thumb, ThumbsDir+"/"))))
			cfgBefore, _ := os.ReadFile(f.dir.Config())

			dry, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{LocalOnly: localOnly, DryRun: true, Now: f.clk.Now})
			if err != nil || !dry.DryRun || len(dry.Missing) != 2 {
				t.Fatalf("dry run: %+v, %v; want the two missing files named", dry.Missing, err)
			}
			if n := len(dump(t, f.dir.DB(), "pending_uploads")["pending_uploads"]); n != 0 {
				t.Fatal("the dry run changed the database")
			}

			res, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{LocalOnly: localOnly, Now: f.clk.Now})
			if err != nil {
				t.Fatalf("restore refused: %v", err)
			}
			sameDump(t, "local-only rows", dump(t, f.dir.DB(), store.LocalOnlyTables...), wantLocal)
			named := map[string]bool{}
			for _, m := range res.Missing {
				named[m.File] = true
			}
			if !named[thumb] || !named[ConfigName] {
				t.Errorf("missing = %+v, want %s and %s named", res.Missing, thumb, ConfigName)
			}
			if res.Config.Restored {
				t.Error("settings reported restored from a snapshot that lacks them")
			}
			if got, _ := os.ReadFile(f.dir.Config()); string(got) != string(cfgBefore) {
				t.Error("the current settings were changed")
			}
		})
	}
}

// A snapshot whose database is damaged is still refused: that is the
// local-only data itself.
func TestRestoreRefusesDamagedSnapshotDatabase(t *testing.T) {
	f := newFixture(t)
	snap := f.snapshot(t, false)
	f.close(t)
	p := filepath.Join(snap.Path, DBName)
	b, _ := os.ReadFile(p)
	b[len(b)/2] ^= 0xff
	os.WriteFile(p, b, 0o600)
	before, _ := os.ReadFile(f.dir.DB())
	if _, err := Restore(context.Background(), f.dir, snap.Path, RestoreOptions{LocalOnly: true, Now: f.clk.Now}); err == nil {
		t.Fatal("restored from a damaged database")
	}
	if after, _ := os.ReadFile(f.dir.DB()); string(after) != string(before) {
		t.Error("the live database changed")
	}
}
