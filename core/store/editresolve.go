package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A local edit's lifecycle: PutLocalEdit makes it waiting; a push sends it
// (ClearSentEdit) or marks it conflict (MarkEditConflict) when the file
// changed on ESP since, or ESP refused the values. From conflict, the user
// re-queues it (RequeueLocalEdit: keep this computer's values, now based on
// the version of the file last synced) or drops it (DiscardLocalEdit: keep
// ESP's). Nothing leaves conflict on its own.

// RequeueLocalEdit puts the edit of file id back in the waiting state,
// clearing the conflict and basing it on the file's version in the local
// portfolio (its updated_at as last synced), so the next push sends it —
// unless the file changed on ESP again since that sync, which is a new
// conflict. It returns the edit as saved; ErrNotFound when the file has no
// local edit.
func (db *DB) RequeueLocalEdit(ctx context.Context, id string, now time.Time) (LocalEdit, error) {
	var out LocalEdit
	err := db.Write(ctx, func(tx *sql.Tx) error {
		e, err := getLocalEdit(ctx, tx, id)
		if err != nil {
			return err
		}
		var updated string
		err = tx.QueryRowContext(ctx, `SELECT updated_at FROM contributions WHERE id = ?`, id).Scan(&updated)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("file %s is not in the local portfolio any more: its edit cannot be sent (discard it)", id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE local_edits SET state = ?, conflict = '', base_updated_at = ?, updated_at = ?
			WHERE contribution_id = ?`, EditWaiting, updated, fmtTime(now), id); err != nil {
			return err
		}
		e.State, e.Conflict, e.BaseUpdatedAt, e.UpdatedAt = EditWaiting, "", parseTime(updated), now
		out = e
		return nil
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return out, db.wrapErr("re-queue local edit", err)
	}
	return out, err
}

// DiscardLocalEdit drops the local edit of file id (waiting or in
// conflict): the file keeps ESP's values. It returns the edit that was
// dropped, so the caller can show what was given up; ErrNotFound when the
// file has no local edit.
func (db *DB) DiscardLocalEdit(ctx context.Context, id string) (LocalEdit, error) {
	var out LocalEdit
	err := db.Write(ctx, func(tx *sql.Tx) error {
		e, err := getLocalEdit(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM local_edits WHERE contribution_id = ?`, id); err != nil {
			return err
		}
		out = e
		return nil
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return out, db.wrapErr("discard local edit", err)
	}
	return out, err
}
