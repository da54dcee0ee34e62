package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

// A database at schema 1 with data in every local-only table upgrades to the
// current schema with nothing lost, and the safety hook runs first.
func TestUpgradeFromVersion1(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	v1sql, err := embedded.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	v1 := fstest.MapFS{"0001_init.sql": {Data: v1sql}}
	db, err := Open(ctx, p, Options{migrations: v1})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	db.AddPendingUpload(ctx, PendingUpload{Path: "/p/a.jpg", Title: "A", Keywords: []string{"x"}}, now)
	db.SetLocalPath(ctx, "42", "/p/b.jpg", now)
	// Server rows as schema 1 holds them (today's writers need newer columns).
	for _, q := range []string{`INSERT INTO batches (id, server_version, synced_version) VALUES ('1', 'v', 'v')`,
		`INSERT INTO contributions (id, batch_id, status, thumbnail_url, updated_at) VALUES ('42', '1', 'pending', 'http://t/42', '2026-11-01T09:00:00.000000000Z')`,
		`INSERT INTO thumbnails (contribution_id, url, updated_at) VALUES ('42', 'http://t/42', '2026-11-01T09:00:00.000000000Z')`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	before := digest(t, db)
	db.Close()

	var from, to int
	db, err = Open(ctx, p, Options{BeforeMigrate: func(_ context.Context, f, t int) error { from, to = f, t; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if from != 1 || to != KnownVersion() || db.SchemaVersion() != KnownVersion() {
		t.Errorf("BeforeMigrate(%d, %d), version %d; want (1, %d)", from, to, db.SchemaVersion(), KnownVersion())
	}
	if after := digest(t, db); after != before {
		t.Errorf("data changed by the upgrade:\n before %s\n after  %s", before, after)
	}
	jobs, err := db.NextThumbnails(ctx, 10, nil)
	if err != nil || len(jobs) != 1 || jobs[0].ContributionID != "42" {
		t.Errorf("queue after upgrade: %v, %v", jobs, err)
	}
}

func digest(t *testing.T, db *DB) string {
	t.Helper()
	var out string
	err := db.Read(context.Background(), func(tx *sql.Tx) error {
		for _, q := range []string{
			`SELECT group_concat(path || title || keywords) FROM pending_uploads`,
			`SELECT group_concat(contribution_id || path) FROM local_paths`,
			`SELECT group_concat(id || status) FROM contributions`,
			`SELECT group_concat(contribution_id || url || state) FROM thumbnails`,
		} {
			var s sql.NullString
			if err := tx.QueryRow(q).Scan(&s); err != nil {
				return err
			}
			out += s.String + "|"
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
