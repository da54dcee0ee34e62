package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Write runs fn in one immediate transaction on the writer connection and
// commits if fn returns nil. Every change to the database goes through here.
func (db *DB) Write(ctx context.Context, fn func(*sql.Tx) error) error {
	if db.readOnly {
		return fmt.Errorf("database %s is open read-only", db.path)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return db.wrapErr("begin write", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
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

// Reader is the pool for one-off queries.
func (db *DB) Reader() *sql.DB { return db.r }

func (db *DB) wrapErr(what string, err error) error {
	if isCorrupt(err) {
		return &CorruptError{Path: db.path, Err: err}
	}
	return fmt.Errorf("%s in %s: %w", what, db.path, err)
}
