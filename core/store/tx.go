package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"
)

// Write runs fn in one immediate transaction on the writer connection and
// commits if fn returns nil, durably: the commit is on disk (fsynced) before
// Write returns, so local-only data survives a power cut. Every change to the
// database goes through Write or writeRefetchable.
func (db *DB) Write(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.write(ctx, true, fn)
}

// writeRefetchable is Write for server data a sync can fetch again. Its
// commits are not fsynced one by one (WAL with synchronous=NORMAL): a power
// cut may undo the last few — never corrupt them — and since a batch's sync
// marker commits with its files, the next sync simply fetches them again.
// That is the difference between an fsync per batch and none on a first sync.
func (db *DB) writeRefetchable(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.write(ctx, false, fn)
}

func (db *DB) write(ctx context.Context, durable bool, fn func(*sql.Tx) error) error {
	if db.readOnly {
		return fmt.Errorf("database %s is open read-only", db.path)
	}
	// The writer pool has one connection; holding it pins the pragma to this transaction.
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return db.wrapErr("begin write", err)
	}
	defer conn.Close()
	if durable {
		if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = FULL"); err != nil {
			return db.wrapErr("begin write", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = NORMAL")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return db.wrapErr("begin write", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			return fmt.Errorf("write to %s not committed: %w (%v)", db.path, ctx.Err(), err)
		}
		if sqliteCode(err) == sqlite3.SQLITE_FULL {
			return db.wrapErr("write", err)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		if ctx.Err() != nil {
			// database/sql rolled the transaction back when ctx ended: say so,
			// rather than "transaction has already been committed or rolled back".
			return fmt.Errorf("write to %s not committed: %w", db.path, ctx.Err())
		}
		return db.wrapErr("commit", err)
	}
	return nil
}

// Read runs fn in one read transaction, so it sees a single consistent state.
func (db *DB) Read(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return db.wrapErr("begin read", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

func (db *DB) wrapErr(what string, err error) error {
	if isCorrupt(err) {
		db.sawCorrupt.Store(true) // the next Open runs quick_check
		return &CorruptError{Path: db.path, Err: err}
	}
	if c := sqliteCode(err); c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED {
		// Another process held its write lock past the busy timeout.
		return fmt.Errorf("%s: %w", what, &InUseError{Path: db.path})
	}
	if c := sqliteCode(err); c == sqlite3.SQLITE_FULL {
		return fmt.Errorf("%s in %s: the disk holding the data folder is full (%w); nothing half-written was kept",
			what, db.path, ErrDiskFull)
	}
	return fmt.Errorf("%s in %s: %w", what, db.path, err)
}
