package store

import (
	"context"
	"path/filepath"
	"testing"
)

func TestIntegrityCheckSoundDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	problems, err := db.IntegrityCheck(ctx, 0)
	if err != nil || len(problems) != 0 {
		t.Errorf("IntegrityCheck = %q, %v; want none", problems, err)
	}
	if n, err := db.ForeignKeyViolations(ctx); err != nil || n != 0 {
		t.Errorf("ForeignKeyViolations = %d, %v; want 0", n, err)
	}
}

func TestForeignKeyViolationsCounted(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Two files of a batch that does not exist, written with the checks off
	// as a damaged or hand-edited file would hold them.
	for _, q := range []string{
		`PRAGMA foreign_keys = OFF`,
		`INSERT INTO contributions (id, batch_id, status) VALUES ('1', 'nope', 'pending'), ('2', 'nope', 'pending')`,
		`PRAGMA foreign_keys = ON`,
	} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.ForeignKeyViolations(ctx); err != nil || n != 2 {
		t.Errorf("ForeignKeyViolations = %d, %v; want 2", n, err)
	}
}
