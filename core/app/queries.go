package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/store"
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
	r, err := db.LastFinishedSyncRun(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
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
	d.snapshot, err = lastRun(ctx, db, backup.KindSnapshot, true)
	errs = append(errs, err)
	d.attempt, err = lastRun(ctx, db, backup.KindSnapshot, false)
	errs = append(errs, err)
	verify, err := lastRun(ctx, db, backup.KindVerify, false)
	errs = append(errs, err)
	restore, err := lastRun(ctx, db, backup.KindTestRestore, false)
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
