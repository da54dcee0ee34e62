package store

import (
	"context"
	"fmt"
)

// IntegrityCheck runs SQLite's PRAGMA integrity_check on the read pool and
// returns at most max of its findings (max ≤ 0 means 100); an empty slice
// means the file is sound. An error means the check could not run at all.
func (db *DB) IntegrityCheck(ctx context.Context, max int) ([]string, error) {
	if max <= 0 {
		max = 100
	}
	rows, err := db.r.QueryContext(ctx, fmt.Sprintf("PRAGMA integrity_check(%d)", max))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var res string
		if err := rows.Scan(&res); err != nil {
			return nil, err
		}
		if res != "ok" {
			problems = append(problems, res)
		}
	}
	return problems, rows.Err()
}

// ForeignKeyViolations counts the rows PRAGMA foreign_key_check reports:
// rows that refer to a batch or file that does not exist.
func (db *DB) ForeignKeyViolations(ctx context.Context) (int, error) {
	rows, err := db.r.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}
