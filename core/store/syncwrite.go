package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// BatchListResult says what UpsertBatchList found.
type BatchListResult struct {
	// Stale are the batches whose files must be fetched: new ones and those
	// whose server fingerprint moved past what was last fully synced.
	Stale []Batch
	// Removed counts batches ESP no longer lists, marked removed this time.
	Removed int
}

// UpsertBatchList stores the complete batch list from ESP in one transaction:
// server fields and fingerprints are updated, batches ESP no longer lists are
// marked removed (never deleted), and the batches whose files need fetching
// are returned. Only call it with a complete list. It is
// UpsertBatchListFrom with no state read ahead.
func (db *DB) UpsertBatchList(ctx context.Context, batches []Batch, now time.Time) (BatchListResult, error) {
	return db.UpsertBatchListFrom(ctx, nil, batches, now)
}

// ContributionsResult counts what WriteBatch changed.
type ContributionsResult struct {
	Written, Unchanged, Removed, ThumbnailsQueued int
	// ReviewEvents counts the review events derived from status changes.
	ReviewEvents int
	// Releases counts the releases stored; ReleaseDocsQueued the documents
	// queued for download.
	Releases, ReleaseDocsQueued int
}

// BatchWrite is everything one sync fetched for one batch.
type BatchWrite struct {
	BatchID string
	// Version is the batch's fingerprint; stored as synced only with the files.
	Version string
	// Files is the complete list of the batch's files.
	Files []Contribution
	// Releases is the complete list of the batch's releases, when
	// ReleasesListed; otherwise the stored releases are left as they are.
	Releases       []Release
	ReleasesListed bool
}

// WriteBatchContributions is WriteBatch for a batch whose releases were not listed.
func (db *DB) WriteBatchContributions(ctx context.Context, batchID, version string, files []Contribution, now time.Time) (ContributionsResult, error) {
	return db.WriteBatch(ctx, BatchWrite{BatchID: batchID, Version: version, Files: files}, now)
}

// WriteBatch stores the complete list of a batch's files with their raw
// JSON, reviews, thumbnail jobs and the review events their status changes
// imply, the batch's releases (when listed) with their document jobs, and
// marks the batch synced at w.Version — all in one transaction, so a crash
// leaves the batch either fully synced or stale. Files unchanged since the
// last sync (same updated_at and status) are not rewritten; files and
// releases ESP no longer lists are marked removed. Local-only tables are
// never touched.
func (db *DB) WriteBatch(ctx context.Context, w BatchWrite, now time.Time) (ContributionsResult, error) {
	res, err := db.WriteBatches(ctx, []BatchWrite{w}, now)
	if err != nil {
		return ContributionsResult{}, err
	}
	return res[0], nil
}

// WriteBatches is WriteBatch for several batches in one transaction (one
// commit for all, so pages they share are written once): each batch is
// stored and marked synced exactly as WriteBatch does, and all or none of
// them are. The results are in the order of ws.
func (db *DB) WriteBatches(ctx context.Context, ws []BatchWrite, now time.Time) ([]ContributionsResult, error) {
	if err := db.prepareWriteBatch(ctx); err != nil {
		return nil, err
	}
	out := make([]ContributionsResult, len(ws))
	err := db.writeRefetchable(ctx, func(tx *sql.Tx) error {
		for i := range ws {
			r, err := db.writeBatchTx(ctx, tx, &ws[i], now)
			if err != nil {
				return err
			}
			out[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	db.afterSyncCommit()
	return out, nil
}

func (db *DB) writeBatchTx(ctx context.Context, tx *sql.Tx, w *BatchWrite, now time.Time) (ContributionsResult, error) {
	var res ContributionsResult
	batchID, files := w.BatchID, w.Files
	err := func() error {
		type prev struct {
			updated, accepted, thumbURL, removed, status string
			hasRaw                                       bool
		}
		var lastSynced string
		st, err := db.txStmt(ctx, tx, batchSyncedAtQuery)
		if err != nil {
			return err
		}
		st.QueryRowContext(ctx, batchID).Scan(&lastSynced)
		st.Close()
		known := map[string]prev{}
		if st, err = db.txStmt(ctx, tx, batchFilesQuery); err != nil {
			return err
		}
		defer st.Close()
		rows, err := st.QueryContext(ctx, batchID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var p prev
			if err := rows.Scan(&id, &p.updated, &p.accepted, &p.removed, &p.status, &p.hasRaw, &p.thumbURL); err != nil {
				rows.Close()
				return err
			}
			known[id] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		out := newBatchRows(db, tx)
		defer out.release()
		ts := timeText(now)
		// The last entry of a file listed twice is the one stored.
		last := make(map[string]int, len(files))
		for i := range files {
			last[files[i].ID] = i
		}
		for i := range files {
			f := &files[i]
			if last[f.ID] != i {
				continue
			}
			p, exists := known[f.ID]
			if exists && p.removed == "" && p.updated == timeText(f.UpdatedAt) && p.updated != "" && p.thumbURL == f.ThumbnailURL &&
				p.status == f.Status && (p.hasRaw || len(f.Raw) == 0) {
				res.Unchanged++
				continue
			}
			acc := acceptedAt(f, parseTime(p.accepted), now)
			out.file(batchID, f, acc)
			if e, ok := deriveEvent(p.status, exists, parseTime(lastSynced), f, acc, now); ok {
				out.event(batchID, e)
				res.ReviewEvents++
			}
			res.Written++
			if f.ThumbnailURL != "" && f.ThumbnailURL != p.thumbURL {
				out.thumbs.row(f.ID, f.ThumbnailURL, ts)
				res.ThumbnailsQueued++
			}
		}
		if err := out.flush(ctx); err != nil {
			return fmt.Errorf("store files of batch %s: %w", batchID, err)
		}
		var gone []string
		for id, p := range known {
			if _, listed := last[id]; !listed && p.removed == "" {
				gone = append(gone, id)
			}
		}
		if err := bulkExec(ctx, db, tx, removeFilesQuery, []any{ts}, gone); err != nil {
			return err
		}
		res.Removed = len(gone)
		if w.ReleasesListed {
			n, queued, err := writeReleases(ctx, tx, batchID, w.Releases, now)
			if err != nil {
				return fmt.Errorf("store releases of batch %s: %w", batchID, err)
			}
			res.Releases, res.ReleaseDocsQueued = n, queued
		}
		mark, err := db.txStmt(ctx, tx, markSyncedQuery)
		if err != nil {
			return err
		}
		defer mark.Close()
		_, err = mark.ExecContext(ctx, w.Version, ts, batchID)
		return err
	}()
	return res, err
}

// acceptedAt decides when an accepted file was accepted: ESP's publish time,
// else the accepting review, else what we knew, else now (first seen accepted).
func acceptedAt(f *Contribution, known, now time.Time) time.Time {
	if Bucket(f.Status) != BucketAccepted {
		return time.Time{}
	}
	if !f.PublishedAt.IsZero() {
		return f.PublishedAt
	}
	for i := len(f.Reviews) - 1; i >= 0; i-- {
		if f.Reviews[i].Outcome == "accepted" && !f.Reviews[i].ReviewedAt.IsZero() {
			return f.Reviews[i].ReviewedAt
		}
	}
	if !known.IsZero() {
		return known
	}
	return now
}

type fileStmts struct {
	up, delRev, insRev, thumb *sql.Stmt
}

func prepareFileWrites(ctx context.Context, tx *sql.Tx) (*fileStmts, error) {
	var s fileStmts
	var err error
	if s.up, err = tx.PrepareContext(ctx, contributionColumns+` VALUES (`+marks(29)+`) `+contributionConflict); err != nil {
		return nil, err
	}
	if s.delRev, err = tx.PrepareContext(ctx, `DELETE FROM reviews WHERE contribution_id = ?`); err != nil {
		s.close()
		return nil, err
	}
	if s.insRev, err = tx.PrepareContext(ctx, `INSERT INTO reviews (contribution_id, seq, reviewed_at, outcome, reasons, notes)
		VALUES (?, ?, ?, ?, ?, ?)`); err != nil {
		s.close()
		return nil, err
	}
	if s.thumb, err = tx.PrepareContext(ctx, `INSERT INTO thumbnails (contribution_id, url, state, attempts, last_error, updated_at)
		VALUES (?, ?, 'queued', 0, '', ?)
		ON CONFLICT (contribution_id) DO UPDATE SET url = excluded.url, state = 'queued', attempts = 0,
			last_error = '', updated_at = excluded.updated_at`); err != nil {
		s.close()
		return nil, err
	}
	return &s, nil
}

func (s *fileStmts) close() {
	for _, st := range []*sql.Stmt{s.up, s.delRev, s.insRev, s.thumb} {
		if st != nil {
			st.Close()
		}
	}
}

func (s *fileStmts) upsert(ctx context.Context, batchID string, f *Contribution, accepted time.Time) error {
	errs := f.Errors
	if errs == nil {
		errs = map[string][]string{}
	}
	kw := keywordsJSON(f.Keywords)
	cols := fileRawCols(batchID, f, kw)
	var scratch rawScratch
	raw, omitted := compactRaw(f.Raw, &cols, &scratch)
	_, err := s.up.ExecContext(ctx, f.ID, batchID, f.MasterID, f.Status, f.FileName, f.MimeType, f.MediaType,
		f.Width, f.Height, f.ThumbnailURL, f.Headline, f.Caption, kw, f.CountryOfShoot, f.City,
		f.ProvinceState, f.Copyright, f.CreditLine, f.CameraShotDate, b2i(f.Submittable), fmtTime(f.SubmittedAt),
		fmtTime(f.SubmittedToReviewAt), fmtTime(f.PublishedAt), fmtTime(f.CreatedAt), fmtTime(f.UpdatedAt),
		toJSON(errs), fmtTime(accepted), raw, omitted)
	return err
}

func (s *fileStmts) reviews(ctx context.Context, f *Contribution) error {
	if _, err := s.delRev.ExecContext(ctx, f.ID); err != nil {
		return err
	}
	for i, r := range f.Reviews {
		reasons := r.Reasons
		if reasons == nil {
			reasons = []string{}
		}
		if _, err := s.insRev.ExecContext(ctx, f.ID, i, fmtTime(r.ReviewedAt), r.Outcome, toJSON(reasons), r.Notes); err != nil {
			return err
		}
	}
	return nil
}

// upsertOne stores one file as ESP returned it, with its reviews, leaving
// its batch's sync marker alone.
func upsertOne(ctx context.Context, tx *sql.Tx, f *Contribution, now time.Time) error {
	var acc string
	tx.QueryRowContext(ctx, `SELECT accepted_at FROM contributions WHERE id = ?`, f.ID).Scan(&acc)
	st, err := prepareFileWrites(ctx, tx)
	if err != nil {
		return err
	}
	defer st.close()
	if err := st.upsert(ctx, f.BatchID, f, acceptedAt(f, parseTime(acc), now)); err != nil {
		return err
	}
	return st.reviews(ctx, f)
}

// ApplySentEdit stores the file as ESP returned it after accepting a local
// edit and clears the edit, in one transaction — unless the edit was changed
// again since it was read for sending (editUpdatedAt differs), in which case
// the newer edit stays waiting. It reports whether the edit was cleared.
func (db *DB) ApplySentEdit(ctx context.Context, f Contribution, editUpdatedAt, now time.Time) (bool, error) {
	var cleared bool
	err := db.Write(ctx, func(tx *sql.Tx) error {
		if err := upsertOne(ctx, tx, &f, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM local_edits WHERE contribution_id = ? AND updated_at = ?`, f.ID, fmtTime(editUpdatedAt))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		cleared = n == 1
		if !cleared {
			// The user edited again meanwhile: the newer edit is now based on this server version.
			_, err = tx.ExecContext(ctx, `UPDATE local_edits SET base_updated_at = ? WHERE contribution_id = ?`, fmtTime(f.UpdatedAt), f.ID)
		}
		return err
	})
	return cleared, err
}
