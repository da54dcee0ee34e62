package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// CarryBackupRuns copies the backup history (the backup_runs rows) of the
// database file at src into db, so that a database restored from an older
// snapshot still knows about the backups, verifications and test restores
// made after that snapshot was taken. src is opened read-only through ATTACH
// and never written. Rows already in db (same kind, path, start time,
// result and detail) are not copied again, so carrying twice adds nothing.
//
// It returns the number of rows added. A missing src is an error wrapping
// fs.ErrNotExist; a src too damaged to read gives a *CorruptError; in both
// cases nothing is added to db.
func (db *DB) CarryBackupRuns(ctx context.Context, src string) (int64, error) {
	if _, err := os.Stat(src); err != nil {
		return 0, fmt.Errorf("carry backup history from %s: %w", src, err)
	}
	c, err := db.w.Conn(ctx)
	if err != nil {
		return 0, db.wrapErr("carry backup history", err)
	}
	defer c.Close()
	uri := "file:" + (&url.URL{Path: src}).EscapedPath() + "?mode=ro"
	if _, err := c.ExecContext(ctx, "ATTACH DATABASE ? AS carried", uri); err != nil {
		return 0, carryErr(src, err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "DETACH DATABASE carried")
	// One statement: atomic on its own, in the order the runs were made.
	res, err := c.ExecContext(ctx, `INSERT INTO main.backup_runs (kind, path, started_at, ok, detail)
		SELECT s.kind, s.path, s.started_at, s.ok, s.detail FROM carried.backup_runs s
		WHERE NOT EXISTS (SELECT 1 FROM main.backup_runs m WHERE m.kind = s.kind AND m.path = s.path
			AND m.started_at = s.started_at AND m.ok = s.ok AND m.detail = s.detail)
		ORDER BY s.started_at, s.id`)
	if err != nil {
		return 0, carryErr(src, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, carryErr(src, err)
	}
	return n, nil
}

func carryErr(src string, err error) error {
	if isCorrupt(err) {
		return &CorruptError{Path: src, Err: err}
	}
	return fmt.Errorf("carry backup history from %s: %w", src, err)
}

// BackupFolders reads, from the database file at path (opened read-only,
// never created or changed), the folders that the recorded snapshots of kind
// ("snapshot" for backups) went into: the parent folders of the successful
// runs' paths, newest run first, each once. A missing file gives no folders
// and no error; an unreadable one an error.
func BackupFolders(ctx context.Context, path, kind string) ([]string, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	c, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("read backup history in %s: %w", path, err)
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, `SELECT path FROM backup_runs WHERE kind = ? AND ok = 1 AND path != ''
		ORDER BY started_at DESC, id DESC`, kind)
	if err != nil {
		return nil, carryErr(path, err)
	}
	defer rows.Close()
	var dirs []string
	seen := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, carryErr(path, err)
		}
		if d := filepath.Dir(p); !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, carryErr(path, err)
	}
	return dirs, nil
}
