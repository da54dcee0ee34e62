package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// contributionColumns and contributionConflict are the contributions upsert
// of a sync: every server column, the raw JSON kept when ESP sent none.
const (
	contributionColumns = `INSERT INTO contributions (id, batch_id, master_id, status, file_name,
		mime_type, media_type, image_width, image_height, thumbnail_url, headline, caption, keywords,
		country_of_shoot, city, province_state, copyright, credit_line, camera_shot_date, submittable, submitted_at,
		submitted_to_review_at, published_at, created_at, updated_at, errors, accepted_at, raw, raw_omitted)`
	contributionConflict = `ON CONFLICT (id) DO UPDATE SET batch_id = excluded.batch_id, master_id = excluded.master_id,
			status = excluded.status, file_name = excluded.file_name, mime_type = excluded.mime_type,
			media_type = excluded.media_type, image_width = excluded.image_width, image_height = excluded.image_height,
			thumbnail_url = excluded.thumbnail_url, headline = excluded.headline, caption = excluded.caption,
			keywords = excluded.keywords, country_of_shoot = excluded.country_of_shoot, city = excluded.city,
			province_state = excluded.province_state, copyright = excluded.copyright, credit_line = excluded.credit_line,
			camera_shot_date = excluded.camera_shot_date, submittable = excluded.submittable,
			submitted_at = excluded.submitted_at, submitted_to_review_at = excluded.submitted_to_review_at,
			published_at = excluded.published_at, created_at = excluded.created_at, updated_at = excluded.updated_at,
			errors = excluded.errors, accepted_at = excluded.accepted_at,
			raw = CASE WHEN excluded.raw != '' THEN excluded.raw ELSE contributions.raw END,
			raw_omitted = CASE WHEN excluded.raw != '' THEN excluded.raw_omitted ELSE contributions.raw_omitted END,
			removed_at = ''`
)

// The set-wise statements of UpsertBatchList and WriteBatch.
var (
	batchesQuery = &bulkQuery{head: `INSERT INTO batches (id, submission_name, submission_type, status, note,
			created_at, updated_at, last_submitted_at, contributions_count, submitted_count, awaiting_review_count,
			reviewed_count, revisable_count, accepted_count, rejected_count, pending_count, is_getty, is_istock,
			istock_exclusive, server_version, raw, removed_at, raw_sha256)`,
		tail: `ON CONFLICT (id) DO UPDATE SET submission_name = excluded.submission_name,
				submission_type = excluded.submission_type, status = excluded.status, note = excluded.note,
				created_at = excluded.created_at, updated_at = excluded.updated_at,
				last_submitted_at = excluded.last_submitted_at, contributions_count = excluded.contributions_count,
				submitted_count = excluded.submitted_count, awaiting_review_count = excluded.awaiting_review_count,
				reviewed_count = excluded.reviewed_count, revisable_count = excluded.revisable_count,
				accepted_count = excluded.accepted_count, rejected_count = excluded.rejected_count,
				pending_count = excluded.pending_count, is_getty = excluded.is_getty, is_istock = excluded.is_istock,
				istock_exclusive = excluded.istock_exclusive, server_version = excluded.server_version,
				raw = CASE WHEN excluded.raw != '' THEN excluded.raw ELSE batches.raw END,
				raw_sha256 = CASE WHEN excluded.raw != '' THEN excluded.raw_sha256 ELSE batches.raw_sha256 END,
				removed_at = ''`, cols: 23}
	filesQuery   = &bulkQuery{head: contributionColumns, tail: contributionConflict, cols: 29}
	reviewsQuery = &bulkQuery{head: `INSERT INTO reviews (contribution_id, seq, reviewed_at, outcome, reasons, notes)`, cols: 6}
	eventsQuery  = &bulkQuery{head: `INSERT INTO review_events (contribution_id, batch_id, from_status, to_status,
			outcome, at, at_source, not_before, observed_at, reasons, notes)`, cols: 11}
	// A new job is queued with no attempts and no error (the columns' defaults).
	thumbsQuery = &bulkQuery{head: `INSERT INTO thumbnails (contribution_id, url, updated_at)`,
		tail: `ON CONFLICT (contribution_id) DO UPDATE SET url = excluded.url, state = 'queued', attempts = 0,
			last_error = '', updated_at = excluded.updated_at`, cols: 3}
	dropReviewsQuery = &bulkQuery{head: `DELETE FROM reviews WHERE contribution_id IN (%s)`}
	removeFilesQuery = &bulkQuery{head: `UPDATE contributions SET removed_at = ? WHERE id IN (%s)`}
)

// prepareWriteBatch prepares WriteBatch's statements once per database. The
// batch list's statement is prepared per call instead: a sync runs it once,
// and a no-change sync should not pay for parsing the writer's statements.
func (db *DB) prepareWriteBatch(ctx context.Context) error {
	if db.readOnly {
		return nil // Write says so
	}
	if err := db.prepareFixed(ctx, batchSyncedAtQuery, batchFilesQuery, markSyncedQuery); err != nil {
		return err
	}
	return db.prepareBulk(ctx, filesQuery, reviewsQuery, eventsQuery, thumbsQuery, dropReviewsQuery, removeFilesQuery)
}

// WriteBatch's statements for one batch: when it was last synced, what is
// stored of its files, and the sync marker.
const (
	batchSyncedAtQuery = `SELECT synced_at FROM batches WHERE id = ?`
	batchFilesQuery    = `SELECT c.id, c.updated_at, c.accepted_at, c.removed_at, c.status, c.raw != '',
			COALESCE(t.url, '') FROM contributions c LEFT JOIN thumbnails t ON t.contribution_id = c.id WHERE c.batch_id = ?`
	markSyncedQuery = `UPDATE batches SET synced_version = ?, synced_at = ? WHERE id = ?`
)

// batchRows gathers the rows one WriteBatch changes and writes them table by
// table, set-wise: the files, then their reviews (the old ones deleted in one
// statement per 64 files), the review events and the thumbnail jobs.
type batchRows struct {
	db                             *DB
	tx                             *sql.Tx
	files, reviews, events, thumbs *bulkInsert
	rewritten                      []string // files whose reviews are replaced
	scratch                        rawScratch
}

// batchRowsPool keeps the value buffers of finished writes: a first sync
// writes thousands of batches, and growing them anew for each was a fifth
// of the writer's allocations.
var batchRowsPool = sync.Pool{New: func() any {
	return &batchRows{files: &bulkInsert{q: filesQuery}, reviews: &bulkInsert{q: reviewsQuery},
		events: &bulkInsert{q: eventsQuery}, thumbs: &bulkInsert{q: thumbsQuery}}
}}

// newBatchRows gathers rows for tx; release returns its buffers.
func newBatchRows(db *DB, tx *sql.Tx) *batchRows {
	w := batchRowsPool.Get().(*batchRows)
	w.db, w.tx = db, tx
	for _, b := range []*bulkInsert{w.files, w.reviews, w.events, w.thumbs} {
		b.db, b.tx = db, tx
	}
	return w
}

// release drops what w gathered (no value outlives it) and pools its buffers.
func (w *batchRows) release() {
	for _, b := range []*bulkInsert{w.files, w.reviews, w.events, w.thumbs} {
		clear(b.args)
		b.args, b.n, b.db, b.tx = b.args[:0], 0, nil, nil
	}
	clear(w.rewritten)
	w.rewritten, w.db, w.tx = w.rewritten[:0], nil, nil
	batchRowsPool.Put(w)
}

// file adds f (with its reviews) as ESP returned it.
func (w *batchRows) file(batchID string, f *Contribution, accepted time.Time) {
	errs := "{}"
	if len(f.Errors) > 0 {
		errs = toJSON(f.Errors)
	}
	kw := stringsJSON(f.Keywords)
	c := fileRawCols(batchID, f, kw)
	raw, omitted := compactRaw(f.Raw, &c, &w.scratch)
	w.files.row(f.ID, batchID, f.MasterID, f.Status, f.FileName, f.MimeType, f.MediaType,
		f.Width, f.Height, f.ThumbnailURL, f.Headline, f.Caption, kw, f.CountryOfShoot, f.City,
		f.ProvinceState, f.Copyright, f.CreditLine, f.CameraShotDate, b2i(f.Submittable), c.submitted,
		c.toReview, c.published, c.created, c.updated, errs, timeText(accepted), raw, omitted)
	w.rewritten = append(w.rewritten, f.ID)
	for i, r := range f.Reviews {
		w.reviews.row(f.ID, i, timeText(r.ReviewedAt), r.Outcome, stringsJSON(r.Reasons), r.Notes)
	}
}

// event adds one review event.
func (w *batchRows) event(batchID string, e ReviewEvent) {
	w.events.row(e.ContributionID, batchID, e.FromStatus, e.ToStatus, e.Outcome, timeText(e.At),
		e.AtSource, timeText(e.NotBefore), timeText(e.ObservedAt), stringsJSON(e.Reasons), e.Notes)
}

// flush writes everything added, in an order the foreign keys accept.
func (w *batchRows) flush(ctx context.Context) error {
	if err := w.files.flush(ctx); err != nil {
		return err
	}
	if err := bulkExec(ctx, w.db, w.tx, dropReviewsQuery, nil, w.rewritten); err != nil {
		return err
	}
	w.rewritten = w.rewritten[:0]
	for _, b := range []*bulkInsert{w.reviews, w.events, w.thumbs} {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}
