package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Summary is what `stocksync status` and the menu show, read in one
// consistent transaction.
type Summary struct {
	Batches          int            `json:"batches"`
	BatchesRemoved   int            `json:"batches_removed"`
	Files            int            `json:"files"`
	FilesRemoved     int            `json:"files_removed"`
	ByBucket         map[string]int `json:"by_status"`
	ThumbnailsQueued int            `json:"thumbnails_queued"`
	ThumbnailsDone   int            `json:"thumbnails_done"`
	ThumbnailsFailed int            `json:"thumbnails_failed"`
	AtRisk           AtRisk         `json:"local_only"`
	LastSync         *SyncRun       `json:"last_sync"`
}

// AtRisk counts the LOCAL-ONLY rows: what a lost data folder would take with it.
type AtRisk struct {
	PendingUploads int `json:"pending_uploads"`
	LocalEdits     int `json:"local_edits"`
	Conflicts      int `json:"conflicts"`
	LocalPaths     int `json:"local_paths"`
}

// Total is the number of local-only rows.
func (a AtRisk) Total() int { return a.PendingUploads + a.LocalEdits + a.LocalPaths }

// Summary counts everything in one read transaction.
func (db *DB) Summary(ctx context.Context) (Summary, error) {
	s := Summary{ByBucket: map[string]int{}}
	for _, b := range Buckets {
		s.ByBucket[b] = 0
	}
	err := db.Read(ctx, func(tx *sql.Tx) error {
		one := func(q string, dst *int) error { return tx.QueryRowContext(ctx, q).Scan(dst) }
		for q, dst := range map[string]*int{
			`SELECT count(*) FROM batches WHERE removed_at = ''`:        &s.Batches,
			`SELECT count(*) FROM batches WHERE removed_at != ''`:       &s.BatchesRemoved,
			`SELECT count(*) FROM contributions WHERE removed_at != ''`: &s.FilesRemoved,
			`SELECT count(*) FROM thumbnails t LEFT JOIN contributions c ON c.id = t.contribution_id WHERE t.state = 'queued' AND COALESCE(c.removed_at, '') = ''`: &s.ThumbnailsQueued,
			`SELECT count(*) FROM thumbnails t LEFT JOIN contributions c ON c.id = t.contribution_id WHERE t.state = 'done' AND COALESCE(c.removed_at, '') = ''`:   &s.ThumbnailsDone,
			`SELECT count(*) FROM thumbnails t LEFT JOIN contributions c ON c.id = t.contribution_id WHERE t.state = 'failed' AND COALESCE(c.removed_at, '') = ''`: &s.ThumbnailsFailed,
			`SELECT count(*) FROM pending_uploads`:                      &s.AtRisk.PendingUploads,
			`SELECT count(*) FROM local_edits`:                          &s.AtRisk.LocalEdits,
			`SELECT count(*) FROM local_edits WHERE state = 'conflict'`: &s.AtRisk.Conflicts,
			`SELECT count(*) FROM local_paths`:                          &s.AtRisk.LocalPaths,
		} {
			if err := one(q, dst); err != nil {
				return db.wrapErr("count", err)
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT status, count(*) FROM contributions WHERE removed_at = '' GROUP BY status`)
		if err != nil {
			return db.wrapErr("count files", err)
		}
		defer rows.Close()
		for rows.Next() {
			var st string
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				return err
			}
			s.ByBucket[Bucket(st)] += n
			s.Files += n
		}
		if err := rows.Err(); err != nil {
			return err
		}
		run, err := lastSyncRun(ctx, tx)
		if err == nil {
			s.LastSync = &run
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	})
	return s, err
}

// LocalChangesSince counts local-only rows created or changed after t: what a
// backup taken at t would not hold. A t after now is a backup recorded while
// this computer's clock was ahead: rows changed since the clock was corrected
// are stamped before it, so its age is unknown and every row counts.
func (db *DB) LocalChangesSince(ctx context.Context, t, now time.Time) (AtRisk, error) {
	var a AtRisk
	if t.After(now) {
		t = time.Time{}
	}
	ts := fmtTime(t)
	err := db.Read(ctx, func(tx *sql.Tx) error {
		for q, dst := range map[string]*int{
			`SELECT count(*) FROM pending_uploads WHERE updated_at > ?`:                    &a.PendingUploads,
			`SELECT count(*) FROM local_edits WHERE updated_at > ?`:                        &a.LocalEdits,
			`SELECT count(*) FROM local_edits WHERE state = 'conflict' AND updated_at > ?`: &a.Conflicts,
			`SELECT count(*) FROM local_paths WHERE updated_at > ?`:                        &a.LocalPaths,
		} {
			if err := tx.QueryRowContext(ctx, q, ts).Scan(dst); err != nil {
				return db.wrapErr("count local changes", err)
			}
		}
		return nil
	})
	return a, err
}
