package store

import (
	"context"
	"database/sql"
	"errors"
)

// LastFinishedSyncRun is the newest sync run that is no longer running (in
// this process or another), or ErrNotFound. It carries the run's ID, times,
// outcome, problem, message and error list; a damaged error list reads as none.
func (db *DB) LastFinishedSyncRun(ctx context.Context) (SyncRun, error) {
	var r SyncRun
	err := db.Read(ctx, func(tx *sql.Tx) error {
		var started, finished, msg, errs string
		err := tx.QueryRowContext(ctx, `SELECT id, started_at, finished_at, outcome, message, errors
			FROM sync_runs WHERE outcome != 'running' ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &started, &finished, &r.Outcome, &msg, &errs)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return db.wrapErr("read the last sync", err)
		}
		r.StartedAt, r.FinishedAt, r.Errors = parseTime(started), parseTime(finished), strList(errs)
		r.Problem, r.Message = parseRunMessage(msg)
		return nil
	})
	if err != nil {
		return SyncRun{}, err
	}
	return r, nil
}
