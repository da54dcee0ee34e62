package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// ThumbnailError reads back what FinishThumbnail recorded for one
// contribution: the failure's text, "" after a success, ErrNotFound for a
// contribution without a thumbnail row.
func TestThumbnailError(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	for _, q := range []string{`INSERT INTO batches (id, server_version, synced_version) VALUES ('1', 'v', 'v')`,
		`INSERT INTO contributions (id, batch_id, status, thumbnail_url, updated_at) VALUES ('42', '1', 'pending', 'http://t/42', '2026-11-01T09:00:00.000000000Z')`,
		`INSERT INTO thumbnails (contribution_id, url, updated_at) VALUES ('42', 'http://t/42', '2026-11-01T09:00:00.000000000Z')`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if e, err := db.ThumbnailError(ctx, "42"); err != nil || e != "" {
		t.Errorf("queued, never tried: %q, %v; want \"\", nil", e, err)
	}
	job := ThumbJob{ContributionID: "42", URL: "http://t/42"}
	now := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	if err := db.FinishThumbnail(ctx, job, "", errors.New("not an image: text/html"), false, now); err != nil {
		t.Fatal(err)
	}
	if e, err := db.ThumbnailError(ctx, "42"); err != nil || e != "not an image: text/html" {
		t.Errorf("after a failed try: %q, %v; want the failure's text", e, err)
	}
	if err := db.FinishThumbnail(ctx, job, "ab/cd.jpg", nil, false, now); err != nil {
		t.Fatal(err)
	}
	if e, err := db.ThumbnailError(ctx, "42"); err != nil || e != "" {
		t.Errorf("after a success: %q, %v; want \"\", nil", e, err)
	}
	if e, err := db.ThumbnailError(ctx, "43"); !errors.Is(err, ErrNotFound) {
		t.Errorf("no thumbnail row: %q, %v; want ErrNotFound", e, err)
	}
}
