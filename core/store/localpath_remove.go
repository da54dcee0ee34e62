package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// RemoveLocalPath forgets the local file path recorded for the file on ESP
// contributionID (LOCAL-ONLY) and returns the path it was. ErrNotFound when
// none is recorded. The row is deleted, so a local-only restore of a
// snapshot taken before brings it back (MergeLocalOnly adds missing rows).
func (db *DB) RemoveLocalPath(ctx context.Context, contributionID string) (string, error) {
	var old string
	err := db.Write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT path FROM local_paths WHERE contribution_id = ?`, contributionID).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM local_paths WHERE contribution_id = ?`, contributionID)
		return err
	})
	return old, err
}

// LocalPathRow is one recorded local file path with the time it was last
// recorded.
type LocalPathRow struct {
	Path      string
	UpdatedAt time.Time
}

// LocalPathRows maps contribution IDs to their local file path and the time
// it was recorded (LocalPaths without the times).
func (db *DB) LocalPathRows(ctx context.Context) (map[string]LocalPathRow, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT contribution_id, path, updated_at FROM local_paths`)
	if err != nil {
		return nil, db.wrapErr("list local paths", err)
	}
	defer rows.Close()
	out := map[string]LocalPathRow{}
	for rows.Next() {
		var id, p, at string
		if err := rows.Scan(&id, &p, &at); err != nil {
			return nil, err
		}
		out[id] = LocalPathRow{Path: p, UpdatedAt: parseTime(at)}
	}
	return out, db.wrapRows("list local paths", rows.Err())
}
