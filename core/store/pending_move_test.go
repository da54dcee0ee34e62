package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"
)

// Adding a file looked its duplicates up with `path = ? OR content_hash =
// ?`, which SQLite answers by scanning the whole table: adding n files
// read n² rows. Each lookup must use an index.
func TestFindPendingUsesIndexes(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	var plans []string
	err := db.Read(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{pendingByPath, pendingByHash} {
			rows, err := tx.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, "x")
			if err != nil {
				return err
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					rows.Close()
					return err
				}
				plan = append(plan, detail)
			}
			rows.Close()
			plans = append(plans, strings.Join(plan, "; "))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plans[0], "USING INDEX") {
		t.Errorf("lookup by path: plan %q, want an index", plans[0])
	}
	if !strings.Contains(plans[1], "pending_uploads_content_hash") {
		t.Errorf("lookup by content: plan %q, want pending_uploads_content_hash", plans[1])
	}
	// And findPending gives the same answers as before: path first, then
	// the oldest row with the content.
	a, _ := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/a.jpg", ContentHash: "h"}, t0)
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/b.jpg", ContentHash: "g"}, t0); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := db.FindPendingUpload(ctx, "/p/b.jpg", "h"); err != nil || !ok || p.Path != "/p/b.jpg" {
		t.Errorf("path wins over content: %+v %v %v", p, ok, err)
	}
	if p, ok, err := db.FindPendingUpload(ctx, "/p/c.jpg", "h"); err != nil || !ok || p.ID != a {
		t.Errorf("by content: %+v %v %v", p, ok, err)
	}
	if _, ok, err := db.FindPendingUpload(ctx, "/p/c.jpg", "nothing"); err != nil || ok {
		t.Errorf("nothing matches: %v %v", ok, err)
	}
}

// A file moved or renamed after add kept pointing at its old path, which
// refresh could never read again; MovePendingUpload points it at the new
// one and keeps everything else.
func TestMovePendingUpload(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	id, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/old/a.jpg", Title: "T", Keywords: []string{"k"},
		ContentHash: "h", Edited: []string{FieldTitle}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/new/b.jpg", ContentHash: "g"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	p, err := db.MovePendingUpload(ctx, id, "/new/a.jpg", later)
	if err != nil || p.ID != id || p.Path != "/new/a.jpg" || p.Title != "T" || !p.UpdatedAt.Equal(later) {
		t.Fatalf("move: %+v %v", p, err)
	}
	got, err := db.PendingUploadByID(ctx, id)
	if err != nil || got.Path != "/new/a.jpg" || got.Title != "T" || got.ContentHash != "h" ||
		len(got.Edited) != 1 || got.Edited[0] != FieldTitle || !got.AddedAt.Equal(t0) {
		t.Errorf("stored: %+v %v", got, err)
	}
	var dup *DuplicateError
	if _, err := db.MovePendingUpload(ctx, id, "/new/b.jpg", later); !errors.As(err, &dup) || dup.Existing.ID != other {
		t.Errorf("onto a pending path: %v, want a DuplicateError naming %d", err, other)
	}
	if _, err := db.MovePendingUpload(ctx, 999, "/x.jpg", later); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown ID: %v", err)
	}
}

// A removed pending upload's ID went to the next file added (SQLite reuses
// the largest ID), so `pending remove 1` then `add` made a different file
// pending upload 1.
func TestPendingIDsAreNotReused(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	a, _ := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/a.jpg", ContentHash: "a"}, t0)
	b, _ := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/b.jpg", ContentHash: "b"}, t0)
	if _, err := db.RemovePendingUpload(ctx, b, t0); err != nil {
		t.Fatal(err)
	}
	c, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/c.jpg", ContentHash: "c"}, t0)
	if err != nil || a != 1 || b != 2 || c != 3 {
		t.Errorf("IDs %d, %d, %d (%v), want 1, 2, 3", a, b, c, err)
	}
	if _, err := db.RemovePendingUpload(ctx, a, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RemovePendingUpload(ctx, c, t0); err != nil {
		t.Fatal(err)
	}
	if d, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/d.jpg", ContentHash: "d"}, t0); err != nil || d != 4 {
		t.Errorf("after removing all: ID %d (%v), want 4", d, err)
	}
}
