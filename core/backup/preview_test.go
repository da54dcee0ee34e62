package backup

import (
	"context"
	"database/sql"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/store"
)

// Newcomer item 4: `restore --dry-run --local-only` said nothing of what it
// would merge. The preview is worked out by the real run's code, so it says
// exactly what the real run then does: compared here, row for row.
func TestLocalOnlyDryRunPreviewsTheRealRun(t *testing.T) {
	ctx := context.Background()
	for _, damagedConfig := range []bool{false, true} {
		f := newFixture(t)
		snap := f.snapshot(t, false)
		// Since the snapshot: a pending upload sent (gone), one taken off,
		// a local path changed to an older version (the snapshot's wins),
		// one local path forgotten, an edit dropped, and a new pending upload.
		if _, err := f.db.RemovePendingUpload(ctx, 2, f.clk.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.AddPendingUpload(ctx, store.PendingUpload{Path: "/Users/ann/Pictures/later.jpg", Title: "Later"}, f.clk.Now()); err != nil {
			t.Fatal(err)
		}
		if err := f.db.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`DELETE FROM pending_uploads WHERE id = 1;
				UPDATE local_paths SET path = '/Volumes/Old/c0.jpg', updated_at = '2020-01-01T00:00:00Z' WHERE contribution_id = 'c0';
				DELETE FROM local_paths WHERE contribution_id = 'c3'; DELETE FROM local_edits WHERE contribution_id = 'c2'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.close(t)
		if damagedConfig {
			if err := os.WriteFile(f.dir.Config(), []byte("{damaged"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		beforeDB := dump(t, f.dir.DB(), append(store.LocalOnlyTables, serverTables...)...)
		beforeTree := tree(t, f.dir.Root)

		preview, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{LocalOnly: true, DryRun: true, Now: f.clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		sameDump(t, "after the dry run", dump(t, f.dir.DB(), append(store.LocalOnlyTables, serverTables...)...), beforeDB)
		if got := tree(t, f.dir.Root); !reflect.DeepEqual(got, beforeTree) {
			t.Errorf("the dry run changed the data folder:\n got %v\nwant %v", got, beforeTree)
		}
		if !preview.DryRun || preview.Safety != nil {
			t.Errorf("preview: dry_run %v, safety %v", preview.DryRun, preview.Safety)
		}

		real, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{LocalOnly: true, Now: f.clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(preview.LocalOnly, real.LocalOnly) {
			t.Errorf("config damaged %v: preview %+v, real run %+v", damagedConfig, preview.LocalOnly, real.LocalOnly)
		}
		want := store.MergeResult{
			"pending_uploads": {Added: 2, Unchanged: 1},
			"local_paths":     {Added: 1, Updated: 1, Unchanged: 2},
			"local_edits":     {Added: 1, Unchanged: 1},
		}
		if !reflect.DeepEqual(real.LocalOnly, want) {
			t.Errorf("real run %+v, want %+v", real.LocalOnly, want)
		}
		pc, rc := preview.Config, real.Config
		if pc.Restored != rc.Restored || pc.InSnapshot != rc.InSnapshot || !reflect.DeepEqual(pc.Differences, rc.Differences) ||
			(pc.DamagedKept == "") != (rc.DamagedKept == "") || damagedConfig && !strings.HasPrefix(pc.DamagedKept, f.dir.Config()+".damaged-") || rc.Restored != damagedConfig {
			t.Errorf("config damaged %v: preview %+v, real run %+v", damagedConfig, pc, rc)
		}
		adds, replaces := 0, 0
		for _, c := range preview.Changes {
			if c.Replaces {
				replaces++
				if c.Table != "local_paths" || c.Key != "c0" || c.Now != "/Volumes/Old/c0.jpg" || c.Then != "/Users/ann/Pictures/c0.jpg" {
					t.Errorf("replace %+v", c)
				}
			} else {
				adds++
			}
		}
		if adds != 4 || replaces != 1 {
			t.Errorf("changes %+v: %d added, %d replaced; want 4 and 1", preview.Changes, adds, replaces)
		}
	}
}
