package store

import (
	"context"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

// A schema 2 database with server and local-only rows upgrades to schema 3
// with every row kept, batches made stale once (so raw JSON and releases are
// fetched), and the review events the current statuses imply.
func TestUpgradeFromVersion2(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	v2 := fstest.MapFS{}
	for _, n := range []string{"0001_init.sql", "0002_thumbnail_queue_order.sql"} {
		b, err := embedded.ReadFile("migrations/" + n)
		if err != nil {
			t.Fatal(err)
		}
		v2[n] = &fstest.MapFile{Data: b}
	}
	db, err := Open(ctx, p, Options{migrations: v2})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	db.SetLocalPath(ctx, "42", "/p/b.jpg", now)
	for _, q := range []string{
		// Written with SQL: the store's AddPendingUpload writes schema 4's columns.
		`INSERT INTO pending_uploads (path, title, keywords, added_at, updated_at) VALUES
			('/p/a.jpg', 'A', '["x"]', '2026-11-01T09:00:00.000000000Z', '2026-11-01T09:00:00.000000000Z')`,
		`INSERT INTO batches (id, server_version, synced_version, synced_at) VALUES ('1', 'v', 'v', '2026-10-31T09:00:00.000000000Z')`,
		`INSERT INTO contributions (id, batch_id, status, updated_at, published_at, accepted_at) VALUES
			('41', '1', 'processed', '2026-10-20T09:00:00.000000000Z', '2026-10-21T09:00:00.000000000Z', '2026-10-21T09:00:00.000000000Z'),
			('42', '1', 'pending', '2026-10-20T09:00:00.000000000Z', '', ''),
			('43', '1', 'rejected', '2026-10-22T09:00:00.000000000Z', '', '')`,
	} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	before := digest(t, db)
	db.Close()

	db, err = Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.SchemaVersion() < 3 {
		t.Fatalf("schema %d after upgrade", db.SchemaVersion())
	}
	if after := digest(t, db); after != before {
		t.Errorf("data changed by the upgrade:\n before %s\n after  %s", before, after)
	}
	bs, _ := db.ListBatches(ctx, BatchFilter{})
	if len(bs) != 1 || bs[0].SyncedVersion != "" {
		t.Errorf("batches after upgrade: %+v (want one, stale)", bs)
	}
	evs, err := db.ReviewEvents(ctx, ReviewEventFilter{DecisionsOnly: true})
	if err != nil || len(evs) != 2 {
		t.Fatalf("events after upgrade: %+v, %v", evs, err)
	}
	if e := evs[0]; e.ContributionID != "41" || e.Outcome != BucketAccepted || e.AtSource != AtPublished ||
		!e.At.Equal(time.Date(2026, 10, 21, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("accepted event %+v", e)
	}
	if e := evs[1]; e.ContributionID != "43" || e.Outcome != BucketRejected || e.AtSource != AtUpdated {
		t.Errorf("rejected event %+v", e)
	}
}

func TestReviewEventsFromStatusChanges(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t1 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	t2 := t1.Add(24 * time.Hour)
	db.UpsertBatchList(ctx, []Batch{{ID: "b", ServerVersion: "v1"}}, t1)
	files := []Contribution{
		{ID: "1", Status: "review", UpdatedAt: t1.Add(-time.Hour)},
		{ID: "2", Status: "review", UpdatedAt: t1.Add(-time.Hour)},
		{ID: "3", Status: "pending", UpdatedAt: t1.Add(-time.Hour)},
		{ID: "4", Status: "revisable", UpdatedAt: t1.Add(-2 * time.Hour)},
	}
	res, err := db.WriteBatch(ctx, BatchWrite{BatchID: "b", Version: "v1", Files: files}, t1)
	if err != nil || res.ReviewEvents != 1 {
		t.Fatalf("first write: %+v, %v (want 1 event: the file first seen revisable)", res, err)
	}
	pub := t1.Add(5 * time.Hour)
	files[0] = Contribution{ID: "1", Status: "processed", UpdatedAt: t1.Add(6 * time.Hour), PublishedAt: pub}
	files[1] = Contribution{ID: "2", Status: "rejected", UpdatedAt: t1.Add(7 * time.Hour)}
	files[2] = Contribution{ID: "3", Status: "review", UpdatedAt: t1.Add(-time.Hour)} // updated_at did not move
	db.UpsertBatchList(ctx, []Batch{{ID: "b", ServerVersion: "v2"}}, t2)
	res, err = db.WriteBatch(ctx, BatchWrite{BatchID: "b", Version: "v2", Files: files}, t2)
	if err != nil || res.ReviewEvents != 3 {
		t.Fatalf("second write: %+v, %v (want 3 events)", res, err)
	}
	evs, err := db.ReviewEvents(ctx, ReviewEventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ReviewEvent{}
	for _, e := range evs {
		got[e.ContributionID] = e
	}
	if e := got["1"]; e.FromStatus != "review" || e.Outcome != BucketAccepted || !e.At.Equal(pub) || e.AtSource != AtPublished || !e.NotBefore.Equal(t1) {
		t.Errorf("acceptance %+v", e)
	}
	if e := got["2"]; e.Outcome != BucketRejected || !e.At.Equal(t1.Add(7*time.Hour)) || e.AtSource != AtUpdated {
		t.Errorf("rejection %+v", e)
	}
	if e := got["3"]; e.Outcome != EventSubmitted || !e.At.Equal(t2) || e.AtSource != AtObserved {
		t.Errorf("submission %+v (updated_at before the window: the sync's time)", e)
	}
	if e := got["4"]; e.FromStatus != "" || e.Outcome != BucketRevisable || e.AtSource != AtUpdated {
		t.Errorf("first seen %+v", e)
	}
	dec, _ := db.ReviewEvents(ctx, ReviewEventFilter{DecisionsOnly: true})
	if len(dec) != 3 {
		t.Errorf("decisions: %d, want 3", len(dec))
	}
	// The same data again: nothing new.
	res, err = db.WriteBatch(ctx, BatchWrite{BatchID: "b", Version: "v2", Files: files}, t2.Add(time.Hour))
	if err != nil || res.ReviewEvents != 0 || res.Written != 0 {
		t.Errorf("unchanged write: %+v, %v", res, err)
	}
}

func TestReleasesStoredAndDocumentsQueued(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t1 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	db.UpsertBatchList(ctx, []Batch{{ID: "b", ServerVersion: "v1"}}, t1)
	rels := []Release{
		{ID: "r1", Type: "Model", FileName: "m.pdf", StorageURL: "https://s/r1.pdf?sig=1", ModelEthnicities: []string{"x"}, Raw: []byte(`{"id":"r1","extra":{"a":1}}`)},
		{ID: "r2", Type: "Property", FileName: "p.pdf"},
	}
	res, err := db.WriteBatch(ctx, BatchWrite{BatchID: "b", Version: "v1", Releases: rels, ReleasesListed: true}, t1)
	if err != nil || res.Releases != 2 || res.ReleaseDocsQueued != 1 {
		t.Fatalf("write: %+v, %v", res, err)
	}
	jobs, _ := db.NextReleaseDocs(ctx, 10, nil)
	if len(jobs) != 1 || jobs[0].ReleaseID != "r1" {
		t.Fatalf("jobs %+v", jobs)
	}
	if err := db.FinishReleaseDoc(ctx, jobs[0], "ab/abc.pdf", 10, nil, true, t1); err != nil {
		t.Fatal(err)
	}
	// A fresh signature of the same document is not downloaded again; a new path is.
	rels[0].StorageURL = "https://s/r1.pdf?sig=2"
	res, _ = db.WriteBatch(ctx, BatchWrite{BatchID: "b", Version: "v2", Releases: rels, ReleasesListed: true}, t1)
	if res.ReleaseDocsQueued != 0 {
		t.Errorf("re-signed URL queued again: %+v", res)
	}
	rels[0].StorageURL = "https://s/r1-v2.pdf"
	res, _ = db.WriteBatch(ctx, BatchWrite{BatchID: "b", Version: "v3", Releases: rels[:1], ReleasesListed: true}, t1)
	if res.ReleaseDocsQueued != 1 {
		t.Errorf("moved document not queued: %+v", res)
	}
	all, err := db.ListReleases(ctx, ReleaseFilter{IncludeRemoved: true})
	if err != nil || len(all) != 2 {
		t.Fatalf("list: %+v, %v", all, err)
	}
	if r := all[0]; r.Document != DocQueued || string(r.Raw) != `{"id":"r1","extra":{"a":1}}` || r.ModelEthnicities[0] != "x" {
		t.Errorf("r1 %+v", r)
	}
	if r := all[1]; r.RemovedAt.IsZero() || r.Document != DocNone {
		t.Errorf("r2 not marked removed: %+v", r)
	}
	if live, _ := db.ListReleases(ctx, ReleaseFilter{}); len(live) != 1 {
		t.Errorf("live releases %d", len(live))
	}
}

func TestLearnedRate(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.LearnedRate(ctx); err != ErrNotFound {
		t.Fatalf("fresh: %v", err)
	}
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	db.SaveLearnedRate(ctx, 4.5, now)
	if r, at, err := db.LearnedRate(ctx); err != nil || r != 4.5 || !at.Equal(now) {
		t.Errorf("saved: %v %v %v", r, at, err)
	}
	db.SaveLearnedRate(ctx, 0, now)
	if _, _, err := db.LearnedRate(ctx); err != ErrNotFound {
		t.Errorf("cleared: %v", err)
	}
}
