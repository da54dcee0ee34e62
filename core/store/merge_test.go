package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// dumpTables returns every row of the tables as text, in key order.
func dumpTables(t *testing.T, db *DB, tables ...string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for _, table := range tables {
		order, err := orderColumns(ctx, db.r, table)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.r.QueryContext(ctx, "SELECT * FROM "+table+" ORDER BY "+strings.Join(order, ", "))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprintf("%#v", vals))
		}
		rows.Close()
	}
	return out
}

var serverTables = []string{"batches", "contributions", "reviews", "thumbnails", "sync_runs"}

func TestMergeLocalOnly(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	fill(t, db, 3)
	h := "edit in snapshot"
	later := t0.Add(time.Hour)
	if _, err := db.PutLocalEdit(ctx, LocalEdit{ContributionID: "c1", Headline: &h}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/b.jpg", Title: "B"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.SetLocalPath(ctx, "c2", "/photos/old.jpg", t0); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(t.TempDir(), "snap.db")
	if err := db.CopyTo(ctx, snap); err != nil {
		t.Fatal(err)
	}
	want := dumpTables(t, db, LocalOnlyTables...)

	// After the snapshot: the database lost local rows (the disaster), one
	// local path changed later than the snapshot, a pending upload with a
	// snapshot-owned ID was re-added under another path, and sync moved on.
	err := db.Write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM pending_uploads`,
			`DELETE FROM local_edits WHERE contribution_id = 'c1'`,
			`DELETE FROM local_paths WHERE contribution_id = 'c0'`,
			`UPDATE local_edits SET headline = 'older', updated_at = '2026-11-22T09:00:00Z' WHERE contribution_id = 'c0'`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/new.jpg"}, later); err != nil { // takes ID 1
		t.Fatal(err)
	}
	if err := db.SetLocalPath(ctx, "c2", "/photos/moved.jpg", later); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WriteBatchContributions(ctx, "b1", "v2", []Contribution{{ID: "c9", BatchID: "b1", Status: "pending", UpdatedAt: later}}, later); err != nil {
		t.Fatal(err)
	}
	server := dumpTables(t, db, serverTables...)

	got, err := db.MergeLocalOnly(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := MergeResult{
		"pending_uploads": {Added: 2},
		"local_paths":     {Added: 1, Unchanged: 1},
		"local_edits":     {Added: 1, Updated: 1},
	}
	if !reflect.DeepEqual(got, wantCounts) {
		t.Errorf("merge counts %+v, want %+v", got, wantCounts)
	}
	if after := dumpTables(t, db, serverTables...); !reflect.DeepEqual(after, server) {
		t.Errorf("server tables changed by the merge:\n got %v\nwant %v", after, server)
	}
	after := dumpTables(t, db, LocalOnlyTables...)
	// Edits are back byte for byte (both were in the snapshot, newer there).
	if !reflect.DeepEqual(after["local_edits"], want["local_edits"]) {
		t.Errorf("local_edits\n got %v\nwant %v", after["local_edits"], want["local_edits"])
	}
	paths, _ := db.LocalPaths(ctx)
	if paths["c0"] != "/photos/c0.jpg" || paths["c2"] != "/photos/moved.jpg" {
		t.Errorf("local paths %v: want c0 restored and c2's newer path kept", paths)
	}
	ups, _ := db.PendingUploads(ctx)
	byPath := map[string]int64{}
	for _, u := range ups {
		byPath[u.Path] = u.ID
	}
	if len(ups) != 3 || byPath["/p/new.jpg"] != 1 || byPath["/p/b.jpg"] != 2 || byPath["/p/a.jpg"] == 0 || byPath["/p/a.jpg"] == 1 {
		t.Errorf("pending uploads by path %v: want all three, b.jpg keeping ID 2, a.jpg a fresh ID", byPath)
	}

	// Merging again changes nothing.
	again, err := db.MergeLocalOnly(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	if again.Total() != 0 {
		t.Errorf("second merge changed %d rows: %+v", again.Total(), again)
	}
}

func TestMergeRefusesOtherSchema(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	snap := filepath.Join(t.TempDir(), "snap.db")
	if err := db.CopyTo(ctx, snap); err != nil {
		t.Fatal(err)
	}
	c, _ := sql.Open("sqlite", "file:"+snap)
	c.Exec("PRAGMA user_version = 99")
	c.Close()
	if _, err := db.MergeLocalOnly(ctx, snap); err == nil || !strings.Contains(err.Error(), "schema 99") {
		t.Errorf("got %v, want a schema mismatch error", err)
	}
}
