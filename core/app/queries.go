package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stocksync/stocksync/core/store"
)

// problemSet holds the IDs of the files that need the user: revisable and
// rejected. Comparing the sets before and after a sync tells which files
// newly arrived there, which counts by bucket cannot (one file may leave as
// another arrives).
type problemSet struct {
	revisable, rejected map[string]bool
}

func problemFiles(ctx context.Context, db *store.DB) (problemSet, error) {
	p := problemSet{revisable: map[string]bool{}, rejected: map[string]bool{}}
	rows, err := db.Reader().QueryContext(ctx,
		`SELECT id, status FROM contributions WHERE removed_at = '' AND status IN ('revisable', 'rejected')`)
	if err != nil {
		return p, fmt.Errorf("list revisable and rejected files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			return p, fmt.Errorf("list revisable and rejected files: %w", err)
		}
		switch store.Bucket(status) {
		case store.BucketRevisable:
			p.revisable[id] = true
		case store.BucketRejected:
			p.rejected[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("list revisable and rejected files: %w", err)
	}
	return p, nil
}

// newSince counts the files in p that were not in the same set in before.
func (p problemSet) newSince(before problemSet) (revisable, rejected int) {
	for id := range p.revisable {
		if !before.revisable[id] {
			revisable++
		}
	}
	for id := range p.rejected {
		if !before.rejected[id] {
			rejected++
		}
	}
	return revisable, rejected
}

// Kinds of backup run recorded in the database.
const (
	kindSnapshot    = "snapshot"
	kindVerify      = "verify"
	kindTestRestore = "test-restore"
)

// lastRun is the newest run of kind, or the zero run when there is none.
func lastRun(ctx context.Context, db *store.DB, kind string, okOnly bool) (store.BackupRun, error) {
	r, err := db.LastBackupRun(ctx, kind, okOnly)
	if errors.Is(err, store.ErrNotFound) {
		return store.BackupRun{}, nil
	}
	return r, err
}

// lastFinishedSync is the newest sync run that is no longer running (in
// this process or another), or nil: the menu shows it while a sync runs.
func lastFinishedSync(ctx context.Context, db *store.DB) (*store.SyncRun, error) {
	var r store.SyncRun
	var started, finished, errs string
	err := db.Reader().QueryRowContext(ctx, `SELECT id, started_at, finished_at, outcome, errors
		FROM sync_runs WHERE outcome != 'running' ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &started, &finished, &r.Outcome, &errs)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the last sync: %w", err)
	}
	r.StartedAt, r.FinishedAt = parseDBTime(started), parseDBTime(finished)
	if err := json.Unmarshal([]byte(errs), &r.Errors); err != nil {
		r.Errors = nil // the count is all the menu shows; a damaged list shows none
	}
	return &r, nil
}

// parseDBTime reads the store's RFC 3339 times; ” (never) is the zero time.
func parseDBTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// dbFacts is what refreshDBFacts reads.
type dbFacts struct {
	summary                    store.Summary
	finished                   *store.SyncRun
	snapshot, attempt, checked store.BackupRun
	err                        error
}

func readDBFacts(ctx context.Context, db *store.DB) dbFacts {
	var d dbFacts
	var errs []error
	var err error
	d.summary, err = db.Summary(ctx)
	errs = append(errs, err)
	d.finished, err = lastFinishedSync(ctx, db)
	errs = append(errs, err)
	d.snapshot, err = lastRun(ctx, db, kindSnapshot, true)
	errs = append(errs, err)
	d.attempt, err = lastRun(ctx, db, kindSnapshot, false)
	errs = append(errs, err)
	verify, err := lastRun(ctx, db, kindVerify, false)
	errs = append(errs, err)
	restore, err := lastRun(ctx, db, kindTestRestore, false)
	errs = append(errs, err)
	d.checked = verify
	if restore.StartedAt.After(verify.StartedAt) || restore.StartedAt.Equal(verify.StartedAt) && restore.ID > verify.ID {
		d.checked = restore
	}
	if err := errors.Join(errs...); err != nil {
		d.err = fmt.Errorf("read the database: %w", err)
	}
	return d
}
