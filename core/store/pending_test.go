package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestPendingUploadDuplicatesByPathAndContent(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	a := PendingUpload{Path: "/p/a.jpg", Title: "A", ContentHash: "h1", Keywords: []string{"k"}}
	id, err := db.AddPendingUpload(ctx, a, t0)
	if err != nil {
		t.Fatal(err)
	}
	// A hard link or byte-identical copy under another path.
	_, err = db.AddPendingUpload(ctx, PendingUpload{Path: "/p/copy.jpg", ContentHash: "h1"}, t0)
	var dup *DuplicateError
	if !errors.As(err, &dup) || !errors.Is(err, ErrDuplicate) || !dup.SameContent || dup.Existing.ID != id || dup.Existing.Path != "/p/a.jpg" {
		t.Fatalf("same content: %v (%+v)", err, dup)
	}
	// The same path.
	_, err = db.AddPendingUpload(ctx, PendingUpload{Path: "/p/a.jpg", ContentHash: "h2"}, t0)
	if !errors.As(err, &dup) || dup.SameContent || dup.Existing.ID != id {
		t.Fatalf("same path: %v", err)
	}
	// Rows from before schema 4 have no hash: "" never matches.
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/x.jpg"}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/y.jpg"}, t0); err != nil {
		t.Fatalf("two files without hashes: %v", err)
	}
	p, ok, err := db.FindPendingUpload(ctx, "/elsewhere.jpg", "h1")
	if err != nil || !ok || p.ID != id || p.ContentHash != "h1" {
		t.Errorf("FindPendingUpload = %+v %v %v", p, ok, err)
	}
	if _, ok, _ := db.FindPendingUpload(ctx, "/elsewhere.jpg", ""); ok {
		t.Error("FindPendingUpload matched an empty hash")
	}
}

func TestEditAndRefreshPendingUpload(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	id, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/a.jpg", Title: "From file", Description: "Caption",
		Keywords: []string{"a"}, ContentHash: "h1", Size: 10}, t0)
	if err != nil {
		t.Fatal(err)
	}
	title := "Typed in Stocksync"
	later := t0.Add(time.Hour)
	p, err := db.EditPendingUpload(ctx, id, PendingEdit{Title: &title}, later)
	if err != nil || p.Title != title || !reflect.DeepEqual(p.Edited, []string{FieldTitle}) {
		t.Fatalf("edit: %+v %v", p, err)
	}
	// Lightroom re-keyworded the file: title stays (edited), the rest follows.
	from := PendingUpload{Title: "New file title", Description: "New caption", Keywords: []string{"b", "c"}, ContentHash: "h2", Size: 12, MediaType: "image"}
	p, changed, err := db.RefreshPendingUpload(ctx, id, from, later.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != title || p.Description != "New caption" || !reflect.DeepEqual(p.Keywords, []string{"b", "c"}) ||
		p.ContentHash != "h2" || p.Size != 12 || !reflect.DeepEqual(changed, []string{FieldDescription, FieldKeywords}) {
		t.Errorf("refresh: %+v, changed %q", p, changed)
	}
	stored, err := db.PendingUploadByID(ctx, id)
	if err != nil || !reflect.DeepEqual(stored.Edited, []string{FieldTitle}) || stored.Description != "New caption" {
		t.Errorf("stored: %+v %v", stored, err)
	}
	if _, err := db.EditPendingUpload(ctx, 999, PendingEdit{Title: &title}, later); !errors.Is(err, ErrNotFound) {
		t.Errorf("edit of 999: %v, want ErrNotFound", err)
	}
}

// A removed pending upload leaves the list but stays in the database, so
// the next snapshot holds it, and restore --local-only brings it back.
func TestRemovedPendingUploadIsRecoverable(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	id, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/a.jpg", Title: "Keep me", Keywords: []string{"k"}, ContentHash: "h1"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/b.jpg", Title: "Other"}, t0); err != nil {
		t.Fatal(err)
	}
	removed, err := db.RemovePendingUpload(ctx, id, t0.Add(time.Minute))
	if err != nil || removed.Title != "Keep me" {
		t.Fatalf("remove: %+v %v", removed, err)
	}
	if ps, _ := db.PendingUploads(ctx); len(ps) != 1 || ps[0].Path != "/p/b.jpg" {
		t.Fatalf("after remove: %+v", ps)
	}
	if _, err := db.RemovePendingUpload(ctx, id, t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("second remove: %v", err)
	}
	rs, err := db.RemovedPendingUploads(ctx)
	if err != nil || len(rs) != 1 || rs[0].ID != id || rs[0].Title != "Keep me" || !rs[0].RemovedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("removed list: %+v %v", rs, err)
	}
	// Removed content can be added again.
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/c.jpg", ContentHash: "h1"}, t0); err != nil {
		t.Fatalf("re-add of removed content: %v", err)
	}

	// The snapshot taken after the removal holds it; restoring local-only
	// data from it brings it back with its ID.
	snap := filepath.Join(t.TempDir(), "snap.db")
	if err := db.CopyTo(ctx, snap); err != nil {
		t.Fatal(err)
	}
	res, err := db.MergeLocalOnly(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	if res["pending_uploads"].Added != 1 {
		t.Errorf("merge counts %+v, want 1 pending upload added", res["pending_uploads"])
	}
	back, err := db.PendingUploadByID(ctx, id)
	if err != nil || back.Path != "/p/a.jpg" || back.Title != "Keep me" || !reflect.DeepEqual(back.Keywords, []string{"k"}) {
		t.Errorf("brought back: %+v %v", back, err)
	}
	if rs, _ := db.RemovedPendingUploads(ctx); len(rs) != 0 {
		t.Errorf("still listed as removed: %+v", rs)
	}
	// Merging again changes nothing.
	if res, err := db.MergeLocalOnly(ctx, snap); err != nil || res.Total() != 0 {
		t.Errorf("second merge: %+v %v", res, err)
	}
}
