package store

import (
	"context"
	"database/sql"
)

// ThumbnailError is the last download error recorded for a contribution's
// thumbnail (thumbnails.last_error: "" when its last try succeeded or none
// was made), or ErrNotFound when the contribution has no thumbnail row.
func (db *DB) ThumbnailError(ctx context.Context, contributionID string) (string, error) {
	var e string
	err := db.r.QueryRowContext(ctx, `SELECT last_error FROM thumbnails WHERE contribution_id = ?`, contributionID).Scan(&e)
	if err == sql.ErrNoRows {
		return "", ErrNotFound
	}
	if err != nil {
		return "", db.wrapErr("read a thumbnail's error", err)
	}
	return e, nil
}
