package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// MergeCounts says what merging one local-only table did.
type MergeCounts struct {
	Added     int `json:"added"`     // rows only the snapshot had
	Updated   int `json:"updated"`   // rows the snapshot had in a newer version
	Unchanged int `json:"unchanged"` // rows the current database already had, as new or newer
}

// MergeResult counts per local-only table.
type MergeResult map[string]MergeCounts

// Total is the number of rows added or updated.
func (m MergeResult) Total() int {
	n := 0
	for _, c := range m {
		n += c.Added + c.Updated
	}
	return n
}

// mergeSpec says how the rows of one local-only table are matched.
type mergeSpec struct {
	table string
	key   string // the natural key rows are matched by
	id    string // a surrogate INTEGER PRIMARY KEY kept when free, else ""
}

var mergeSpecs = []mergeSpec{
	{table: "pending_uploads", key: "path", id: "id"},
	{table: "local_paths", key: "contribution_id"},
	{table: "local_edits", key: "contribution_id"},
}

// MergeLocalOnly copies the local-only rows of the database file at src (a
// snapshot copy at the same schema version) into db, in one transaction:
// rows db lacks are added, rows the snapshot holds in a newer version
// (updated_at) replace db's, and everything else — every server table — is
// left alone. src is attached read-only and never changed.
//
// Rows deleted from db since the snapshot (an upload that has since been sent)
// come back: the caller should say so.
func (db *DB) MergeLocalOnly(ctx context.Context, src string) (MergeResult, error) {
	if db.readOnly {
		return nil, fmt.Errorf("database %s is open read-only", db.path)
	}
	if _, err := os.Stat(src); err != nil {
		return nil, fmt.Errorf("merge local-only data from %s: %w", src, err)
	}
	c, err := db.w.Conn(ctx)
	if err != nil {
		return nil, db.wrapErr("merge local-only data", err)
	}
	defer c.Close()
	uri := "file:" + (&url.URL{Path: src}).EscapedPath() + "?mode=ro&immutable=1"
	if _, err := c.ExecContext(ctx, "ATTACH DATABASE ? AS snap", uri); err != nil {
		return nil, fmt.Errorf("merge local-only data: open %s: %w", src, err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "DETACH DATABASE snap")

	var ver int
	if err := c.QueryRowContext(ctx, "PRAGMA snap.user_version").Scan(&ver); err != nil {
		if isCorrupt(err) {
			return nil, &CorruptError{Path: src, Err: err}
		}
		return nil, fmt.Errorf("merge local-only data: read %s: %w", src, err)
	}
	if ver != db.version {
		return nil, fmt.Errorf("merge local-only data: %s has schema %d, the database has %d: bring the copy to the same schema first", src, ver, db.version)
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return nil, db.wrapErr("merge local-only data", err)
	}
	defer tx.Rollback()
	res := MergeResult{}
	for _, s := range mergeSpecs {
		n, err := mergeTable(ctx, tx, s)
		if err != nil {
			return nil, fmt.Errorf("merge local-only table %s from %s: %w", s.table, src, err)
		}
		res[s.table] = n
	}
	// Pending uploads the user removed come back too (core/store/pending.go).
	back, err := restoreRemovedPending(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("merge removed pending uploads from %s: %w", src, err)
	}
	pc := res["pending_uploads"]
	pc.Added += back
	res["pending_uploads"] = pc
	if err := tx.Commit(); err != nil {
		return nil, db.wrapErr("merge local-only data", err)
	}
	return res, nil
}

func mergeTable(ctx context.Context, tx *sql.Tx, s mergeSpec) (MergeCounts, error) {
	var n MergeCounts
	cols, err := columnsOf(ctx, tx, s.table)
	if err != nil {
		return n, err
	}
	t, key := quoteIdent(s.table), quoteIdent(s.key)
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM snap."+t).Scan(&total); err != nil {
		return n, err
	}
	// Newer in the snapshot: julianday, because RFC 3339 text with trimmed
	// fractions does not sort as text ("05.5Z" < "05Z"). Unparsable times are
	// never "newer".
	var sets, all, allButID []string
	for _, c := range cols {
		q := quoteIdent(c)
		all = append(all, q)
		if c == s.id {
			continue
		}
		allButID = append(allButID, q)
		if c != s.key {
			sets = append(sets, q+" = s."+q)
		}
	}
	res, err := tx.ExecContext(ctx, "UPDATE main."+t+" AS m SET "+strings.Join(sets, ", ")+
		" FROM snap."+t+" AS s WHERE m."+key+" = s."+key+
		" AND julianday(s.updated_at) > julianday(m.updated_at)")
	if err != nil {
		return n, err
	}
	n.Updated = affected(res)
	missing := " FROM snap." + t + " AS s WHERE NOT EXISTS (SELECT 1 FROM main." + t + " AS m WHERE m." + key + " = s." + key + ")"
	if s.id != "" {
		// Keep the snapshot's ID when it is free, so a restored pending upload
		// is the same row it was.
		id := quoteIdent(s.id)
		res, err := tx.ExecContext(ctx, "INSERT INTO main."+t+" ("+strings.Join(all, ", ")+") SELECT "+
			prefixed("s.", all)+missing+" AND NOT EXISTS (SELECT 1 FROM main."+t+" AS m WHERE m."+id+" = s."+id+")")
		if err != nil {
			return n, err
		}
		n.Added += affected(res)
	}
	res, err = tx.ExecContext(ctx, "INSERT INTO main."+t+" ("+strings.Join(allButID, ", ")+") SELECT "+
		prefixed("s.", allButID)+missing)
	if err != nil {
		return n, err
	}
	n.Added += affected(res)
	n.Unchanged = total - n.Added - n.Updated
	return n, nil
}

func columnsOf(ctx context.Context, tx *sql.Tx, table string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid", table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no table %s", table)
	}
	return cols, nil
}

func prefixed(p string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = p + c
	}
	return strings.Join(out, ", ")
}

func affected(r sql.Result) int {
	n, _ := r.RowsAffected()
	return int(n)
}
