package store

import (
	"context"
	"database/sql"
	"errors"
)

// ProblemContributions are the IDs of the contributions that need the user:
// ESP status "revisable" or "rejected" (Bucket), not removed from the
// portfolio. Each map holds only true values.
type ProblemContributions struct {
	Revisable map[string]bool
	Rejected  map[string]bool
}

// ProblemContributionIDs lists the contributions (contributions.id) whose
// status is revisable or rejected and that are still in the portfolio.
// Comparing two lists tells which contributions newly arrived there, which
// counts cannot.
func (db *DB) ProblemContributionIDs(ctx context.Context) (ProblemContributions, error) {
	p := ProblemContributions{Revisable: map[string]bool{}, Rejected: map[string]bool{}}
	err := db.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx,
			`SELECT id, status FROM contributions WHERE removed_at = '' AND status IN ('revisable', 'rejected')`)
		if err != nil {
			return db.wrapErr("list revisable and rejected files", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, status string
			if err := rows.Scan(&id, &status); err != nil {
				return db.wrapErr("list revisable and rejected files", err)
			}
			switch Bucket(status) {
			case BucketRevisable:
				p.Revisable[id] = true
			case BucketRejected:
				p.Rejected[id] = true
			}
		}
		if err := rows.Err(); err != nil {
			return db.wrapErr("list revisable and rejected files", err)
		}
		return nil
	})
	if err != nil {
		return ProblemContributions{Revisable: map[string]bool{}, Rejected: map[string]bool{}}, err
	}
	return p, nil
}

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
