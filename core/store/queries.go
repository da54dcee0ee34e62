package store

import (
	"context"
	"database/sql"
)

// BatchFilter narrows ListBatches.
type BatchFilter struct {
	IncludeRemoved bool
}

// ListBatches returns batches, newest first.
func (db *DB) ListBatches(ctx context.Context, f BatchFilter) ([]Batch, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, submission_name, submission_type, status, note, created_at, updated_at,
		last_submitted_at, contributions_count, submitted_count, awaiting_review_count, reviewed_count, revisable_count,
		accepted_count, rejected_count, pending_count, is_getty, is_istock, istock_exclusive, server_version,
		synced_version, synced_at, removed_at
		FROM batches WHERE ? OR removed_at = '' ORDER BY created_at DESC, id`, f.IncludeRemoved)
	if err != nil {
		return nil, db.wrapErr("list batches", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		var created, updated, last, synced, removed string
		var getty, istock, excl int
		c := &b.Counts
		if err := rows.Scan(&b.ID, &b.Name, &b.Type, &b.Status, &b.Note, &created, &updated, &last, &c.Contributions,
			&c.Submitted, &c.AwaitingReview, &c.Reviewed, &c.Revisable, &c.Accepted, &c.Rejected, &c.Pending,
			&getty, &istock, &excl, &b.ServerVersion, &b.SyncedVersion, &synced, &removed); err != nil {
			return nil, err
		}
		b.CreatedAt, b.UpdatedAt, b.LastSubmitted = parseTime(created), parseTime(updated), parseTime(last)
		b.SyncedAt, b.RemovedAt = parseTime(synced), parseTime(removed)
		b.IsGetty, b.IsIStock, b.IStockExclusive = getty == 1, istock == 1, excl == 1
		out = append(out, b)
	}
	return out, db.wrapRows("list batches", rows.Err())
}

// ContributionFilter narrows ListContributions. Empty fields match everything.
type ContributionFilter struct {
	BatchID        string
	Bucket         string // one of the Bucket* values
	Status         string // an exact ESP status
	IncludeRemoved bool
	WithReviews    bool
}

// ListContributions returns files in ID order, streaming them to fn so that memory
// does not grow with the portfolio.
func (db *DB) ListContributions(ctx context.Context, f ContributionFilter, fn func(Contribution) error) error {
	return db.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, batch_id, master_id, status, file_name, mime_type, media_type,
			image_width, image_height, thumbnail_url, headline, caption, keywords, country_of_shoot, city, province_state,
			copyright, credit_line, camera_shot_date, submittable, submitted_at, submitted_to_review_at, published_at,
			created_at, updated_at, errors, accepted_at, removed_at
			FROM contributions WHERE (? = '' OR batch_id = ?) AND (? = '' OR status = ?) AND (? OR removed_at = '')
			ORDER BY id`, f.BatchID, f.BatchID, f.Status, f.Status, f.IncludeRemoved)
		if err != nil {
			return db.wrapErr("list files", err)
		}
		defer rows.Close()
		var rev *sql.Stmt
		if f.WithReviews {
			if rev, err = tx.PrepareContext(ctx, `SELECT reviewed_at, outcome, reasons, notes FROM reviews
				WHERE contribution_id = ? ORDER BY seq`); err != nil {
				return err
			}
			defer rev.Close()
		}
		for rows.Next() {
			c, err := scanContribution(rows)
			if err != nil {
				return err
			}
			if f.Bucket != "" && Bucket(c.Status) != f.Bucket {
				continue
			}
			if rev != nil {
				if c.Reviews, err = readReviews(ctx, rev, c.ID); err != nil {
					return err
				}
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return db.wrapRows("list files", rows.Err())
	})
}

func scanContribution(s scanner) (Contribution, error) {
	var c Contribution
	var kw, errs, sub, subRev, pub, created, updated, acc, removed string
	var submittable int
	err := s.Scan(&c.ID, &c.BatchID, &c.MasterID, &c.Status, &c.FileName, &c.MimeType, &c.MediaType, &c.Width,
		&c.Height, &c.ThumbnailURL, &c.Headline, &c.Caption, &kw, &c.CountryOfShoot, &c.City, &c.ProvinceState,
		&c.Copyright, &c.CreditLine, &c.CameraShotDate, &submittable, &sub, &subRev, &pub, &created, &updated, &errs,
		&acc, &removed)
	if err != nil {
		return c, err
	}
	c.Keywords = strList(kw)
	c.Submittable = submittable == 1
	c.SubmittedAt, c.SubmittedToReviewAt, c.PublishedAt = parseTime(sub), parseTime(subRev), parseTime(pub)
	c.CreatedAt, c.UpdatedAt, c.AcceptedAt, c.RemovedAt = parseTime(created), parseTime(updated), parseTime(acc), parseTime(removed)
	c.Errors = map[string][]string{}
	_ = jsonUnmarshal(errs, &c.Errors)
	return c, nil
}

func readReviews(ctx context.Context, st *sql.Stmt, id string) ([]Review, error) {
	rows, err := st.QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Review
	for rows.Next() {
		var r Review
		var at, reasons string
		if err := rows.Scan(&at, &r.Outcome, &reasons, &r.Notes); err != nil {
			return nil, err
		}
		r.ReviewedAt, r.Reasons = parseTime(at), strList(reasons)
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetContribution returns one file with its reviews, or ErrNotFound.
func (db *DB) GetContribution(ctx context.Context, id string) (Contribution, error) {
	var c Contribution
	err := db.Read(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanContribution(tx.QueryRowContext(ctx, `SELECT id, batch_id, master_id, status, file_name, mime_type,
			media_type, image_width, image_height, thumbnail_url, headline, caption, keywords, country_of_shoot, city,
			province_state, copyright, credit_line, camera_shot_date, submittable, submitted_at, submitted_to_review_at,
			published_at, created_at, updated_at, errors, accepted_at, removed_at FROM contributions WHERE id = ?`, id))
		if err == sql.ErrNoRows {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		st, err := tx.PrepareContext(ctx, `SELECT reviewed_at, outcome, reasons, notes FROM reviews WHERE contribution_id = ? ORDER BY seq`)
		if err != nil {
			return err
		}
		defer st.Close()
		c.Reviews, err = readReviews(ctx, st, id)
		return err
	})
	return c, err
}

// BatchCount is the number of batches ESP listed at the last sync.
func (db *DB) BatchCount(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM batches WHERE removed_at = ''`).Scan(&n)
	if err != nil {
		return 0, db.wrapErr("count batches", err)
	}
	return n, nil
}
