package store

import (
	"context"
	"database/sql"
	"time"
)

// ThumbJob is one queued thumbnail download.
type ThumbJob struct {
	ContributionID string
	URL            string
	Attempts       int
}

// NextThumbnails returns up to n queued downloads, skipping the IDs in busy
// (jobs already being downloaded).
func (db *DB) NextThumbnails(ctx context.Context, n int, busy map[string]bool) ([]ThumbJob, error) {
	// Files removed from ESP keep their row, but fetching their thumbnail
	// would only fail: they are skipped (and left out of the counts).
	rows, err := db.r.QueryContext(ctx, `SELECT t.contribution_id, t.url, t.attempts FROM thumbnails t
		LEFT JOIN contributions c ON c.id = t.contribution_id
		WHERE t.state = 'queued' AND COALESCE(c.removed_at, '') = ''
		ORDER BY t.updated_at, t.contribution_id LIMIT ?`, n+len(busy))
	if err != nil {
		return nil, db.wrapErr("read thumbnail queue", err)
	}
	defer rows.Close()
	var out []ThumbJob
	for rows.Next() && len(out) < n {
		var j ThumbJob
		if err := rows.Scan(&j.ContributionID, &j.URL, &j.Attempts); err != nil {
			return nil, err
		}
		if !busy[j.ContributionID] {
			out = append(out, j)
		}
	}
	return out, db.wrapRows("read thumbnail queue", rows.Err())
}

// FinishThumbnail records a download's outcome. The job is only updated if
// its URL is still the one downloaded: a sync may have queued a newer one.
// failErr != nil with final=false keeps the job queued for another attempt.
func (db *DB) FinishThumbnail(ctx context.Context, job ThumbJob, file string, failErr error, final bool, now time.Time) error {
	return db.writeRefetchable(ctx, func(tx *sql.Tx) error {
		ts := fmtTime(now)
		var err error
		switch {
		case failErr == nil:
			_, err = tx.ExecContext(ctx, `UPDATE thumbnails SET state = 'done', file = ?, attempts = attempts + 1,
				last_error = '', updated_at = ? WHERE contribution_id = ? AND url = ?`, file, ts, job.ContributionID, job.URL)
		case final:
			_, err = tx.ExecContext(ctx, `UPDATE thumbnails SET state = 'failed', attempts = attempts + 1,
				last_error = ?, updated_at = ? WHERE contribution_id = ? AND url = ?`, failErr.Error(), ts, job.ContributionID, job.URL)
		default:
			_, err = tx.ExecContext(ctx, `UPDATE thumbnails SET attempts = attempts + 1, last_error = ?, updated_at = ?
				WHERE contribution_id = ? AND url = ?`, failErr.Error(), ts, job.ContributionID, job.URL)
		}
		return err
	})
}

// ThumbnailFile is the file name (inside thumbnails/) of a downloaded
// thumbnail, or "" if there is none yet.
func (db *DB) ThumbnailFile(ctx context.Context, contributionID string) (string, error) {
	var f string
	err := db.r.QueryRowContext(ctx, `SELECT file FROM thumbnails WHERE contribution_id = ? AND state = 'done'`, contributionID).Scan(&f)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return f, err
}

// ThumbnailFiles lists every file name the database says is downloaded.
func (db *DB) ThumbnailFiles(ctx context.Context) (map[string]bool, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT file FROM thumbnails WHERE state = 'done' AND file != ''`)
	if err != nil {
		return nil, db.wrapErr("list thumbnails", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		out[f] = true
	}
	return out, db.wrapRows("list thumbnails", rows.Err())
}

// RequeueMissingThumbnails puts back in the queue every "done" thumbnail
// whose file is not in present (deleted by the user or a restore).
func (db *DB) RequeueMissingThumbnails(ctx context.Context, present func(file string) bool, now time.Time) (int, error) {
	files, err := db.ThumbnailFiles(ctx)
	if err != nil {
		return 0, err
	}
	var missing []string
	for f := range files {
		if !present(f) {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	err = db.writeRefetchable(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `UPDATE thumbnails SET state = 'queued', attempts = 0, updated_at = ? WHERE file = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, f := range missing {
			if _, err := st.ExecContext(ctx, fmtTime(now), f); err != nil {
				return err
			}
		}
		return nil
	})
	return len(missing), err
}

// ThumbnailErrors returns up to n distinct errors of the thumbnails still
// queued or failed (of files still on ESP), most frequent first.
func (db *DB) ThumbnailErrors(ctx context.Context, n int) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT t.last_error FROM thumbnails t
		LEFT JOIN contributions c ON c.id = t.contribution_id
		WHERE t.state IN ('queued', 'failed') AND t.last_error != '' AND COALESCE(c.removed_at, '') = ''
		GROUP BY t.last_error ORDER BY count(*) DESC, t.last_error LIMIT ?`, n)
	if err != nil {
		return nil, db.wrapErr("read thumbnail errors", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, db.wrapRows("read thumbnail errors", rows.Err())
}
