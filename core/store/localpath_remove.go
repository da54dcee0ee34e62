package store

import (
	"context"
	"database/sql"
	"errors"
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
