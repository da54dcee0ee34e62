package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var embedded embed.FS

var migrationFS, _ = fs.Sub(embedded, "migrations")

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads NNNN_name.sql files and checks they are numbered 1..n.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []migration
	for i, n := range names {
		num, _, ok := strings.Cut(n, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want number %04d", n, i+1)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: strings.TrimSuffix(path.Base(n), ".sql"), sql: string(b)})
	}
	return out, nil
}

// KnownVersion is the newest schema this build can read and write.
func KnownVersion() int {
	m, _ := loadMigrations(migrationFS)
	return len(m)
}

// migrate applies every migration newer than the database, each in its own
// immediate transaction together with its user_version bump: a failure
// leaves the database at the previous version, exactly as it was.
func migrate(ctx context.Context, db *DB, fsys fs.FS, before func(context.Context, int, int) error) (int, error) {
	migs, err := loadMigrations(fsys)
	if err != nil {
		return 0, fmt.Errorf("load schema migrations: %w", err)
	}
	var cur int
	if err := db.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return 0, db.wrapOpen(err)
	}
	known := len(migs)
	if cur > known {
		return 0, &TooNewError{Path: db.path, Found: cur, Known: known}
	}
	if cur == known {
		return cur, nil
	}
	if cur > 0 && before != nil {
		if err := before(ctx, cur, known); err != nil {
			return 0, fmt.Errorf("before upgrading database %s from schema %d to %d: %w", db.path, cur, known, err)
		}
	}
	for _, m := range migs[cur:] {
		if err := db.applyMigration(ctx, m); err != nil {
			return 0, err
		}
		cur = m.version
	}
	return cur, nil
}

func (db *DB) applyMigration(ctx context.Context, m migration) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return db.wrapOpen(err)
	}
	defer tx.Rollback()
	var cur int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return db.wrapOpen(err)
	}
	if cur >= m.version { // another process got there first
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("upgrade database %s to schema %d (%s): %w; the database was left at schema %d",
			db.path, m.version, m.name, err, cur)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("upgrade database %s to schema %d: %w", db.path, m.version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upgrade database %s to schema %d: %w", db.path, m.version, err)
	}
	return nil
}
