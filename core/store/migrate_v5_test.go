package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// schemaFS is the embedded migrations up to and including version n.
func schemaFS(t *testing.T, n int) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	migs, err := loadMigrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range migs[:n] {
		out[m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	return out
}

// dumpAllRows renders every row of every table, columns as listed in cols
// (table -> column list; the table's own columns when missing), in a fixed
// order, so two dumps compare equal only if no row or value changed.
func dumpAllRows(t *testing.T, db *DB, cols map[string]string) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	rows, err := db.r.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, tb := range tables {
		list := cols[tb]
		if list == "" {
			var names []string
			r, err := db.r.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, tb)
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				var n string
				r.Scan(&n)
				names = append(names, n)
			}
			r.Close()
			list = strings.Join(names, ", ")
			cols[tb] = list
		}
		r, err := db.r.QueryContext(ctx, fmt.Sprintf(`SELECT quote(%s) FROM %s ORDER BY 1`,
			strings.ReplaceAll(list, ", ", ") || ',' || quote("), tb))
		if err != nil {
			t.Fatalf("dump %s: %v", tb, err)
		}
		var b strings.Builder
		n := 0
		for r.Next() {
			var s string
			r.Scan(&s)
			b.WriteString(s + "\n")
			n++
		}
		r.Close()
		out[tb] = fmt.Sprintf("%d rows\n%s", n, b.String())
	}
	return out
}

// A populated schema 4 database (server rows in every table schema 5
// changes, local-only rows, thumbnails queued and done, files with whole
// raw JSON) upgrades to schema 5 with every row and value kept, integrity
// and foreign keys intact, and the queries still served by an index.
func TestUpgradeFromVersion4(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db, err := Open(ctx, p, Options{migrations: schemaFS(t, 4)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	ts := fmtTime(now)
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/a.jpg", Title: "A", Keywords: []string{"x"}}, now); err != nil {
		t.Fatal(err)
	}
	db.SetLocalPath(ctx, "b1003", "/p/b.jpg", now)
	files := benchFiles("b1", 40)
	qs := []string{`INSERT INTO batches (id, server_version, synced_version, synced_at, raw) VALUES
		('b1', 'v', 'v', '` + ts + `', '{"id":"b1"}'), ('b2', 'v', '', '', '')`}
	for i, f := range files {
		status := []string{"processed", "revisable", "rejected", "review"}[i%4]
		qs = append(qs,
			fmt.Sprintf(`INSERT INTO contributions (id, batch_id, status, headline, keywords, thumbnail_url, updated_at, raw)
				VALUES ('%s', 'b1', '%s', '%s', '%s', '%s', '%s', '%s')`, f.ID, status, f.Headline, stringsJSON(f.Keywords),
				f.ThumbnailURL, ts, f.Raw),
			fmt.Sprintf(`INSERT INTO reviews (contribution_id, seq, reviewed_at, outcome, reasons) VALUES
				('%s', 0, '%s', 'revisable', '["blur"]'), ('%s', 1, '%s', 'accepted', '[]')`, f.ID, ts, f.ID, ts),
			fmt.Sprintf(`INSERT INTO review_events (contribution_id, batch_id, to_status, outcome, at, observed_at)
				VALUES ('%s', 'b1', '%s', 'other', '%s', '%s')`, f.ID, status, ts, ts))
		state := []string{"queued", "done", "failed"}[i%3]
		qs = append(qs, fmt.Sprintf(`INSERT INTO thumbnails (contribution_id, url, state, file, attempts, last_error, updated_at)
			VALUES ('%s', '%s', '%s', '%s', %d, '%s', '%s')`, f.ID, f.ThumbnailURL, state, map[bool]string{true: f.ID + ".jpg"}[state == "done"],
			i%3, map[bool]string{true: "HTTP 404"}[state == "failed"], fmtTime(now.Add(time.Duration(i)*time.Second))))
	}
	qs = append(qs, `INSERT INTO contributions (id, batch_id, status) VALUES ('old', 'b2', 'processed')`,
		`INSERT INTO local_edits (contribution_id, headline, created_at, updated_at) VALUES ('b1005', 'Mine', '`+ts+`', '`+ts+`')`)
	for _, q := range qs {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	cols := map[string]string{}
	before := dumpAllRows(t, db, cols)
	db.Close()

	db, err = Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.SchemaVersion() != KnownVersion() || KnownVersion() < 5 {
		t.Fatalf("schema %d after upgrade", db.SchemaVersion())
	}
	after := dumpAllRows(t, db, cols)
	for tb, b := range before {
		if after[tb] != b {
			t.Errorf("table %s changed by the upgrade:\n before %s\n after  %s", tb, b, after[tb])
		}
	}
	var check string
	if err := db.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
	if err := db.r.QueryRowContext(ctx, `PRAGMA foreign_key_check`).Scan(&check); err != sql.ErrNoRows {
		t.Errorf("foreign_key_check: %q, %v", check, err)
	}
	// Every query keeps its index.
	for q, want := range map[string]string{
		`SELECT t.contribution_id, t.url, t.attempts FROM thumbnails t LEFT JOIN contributions c ON c.id = t.contribution_id
			WHERE t.state = 'queued' AND COALESCE(c.removed_at, '') = '' ORDER BY t.updated_at, t.contribution_id LIMIT 8`: "SCAN t USING INDEX thumbnails_queue_order",
		`SELECT c.id, COALESCE(t.url, '') FROM contributions c LEFT JOIN thumbnails t ON t.contribution_id = c.id WHERE c.batch_id = 'b1'`: "SEARCH t USING INDEX sqlite_autoindex_thumbnails_1 (contribution_id=?)",
		`SELECT reviewed_at FROM reviews WHERE contribution_id = 'x' ORDER BY seq`:                                                         "SEARCH reviews USING INDEX sqlite_autoindex_reviews_1 (contribution_id=?)",
		`SELECT file FROM thumbnails WHERE contribution_id = 'x' AND state = 'done'`:                                                       "SEARCH thumbnails USING INDEX sqlite_autoindex_thumbnails_1 (contribution_id=?)",
		`SELECT e.id, e.notes FROM review_events e WHERE e.at >= '2026' ORDER BY e.at, e.id`:                                               "SCAN e\nUSE TEMP B-TREE FOR ORDER BY",
	} {
		if plan := queryPlan(t, db, q); !strings.Contains(plan, want) {
			t.Errorf("plan of %s:\n%s\nwant %s", q, plan, want)
		}
	}
	// The store's own readers see the upgraded rows.
	jobs, err := db.NextThumbnails(ctx, 100, nil)
	if err != nil || len(jobs) != 14 || jobs[0].ContributionID != "b1000" {
		t.Errorf("queue after upgrade: %d jobs, %v", len(jobs), err)
	}
	raw, err := db.ContributionRaw(ctx, "b1001")
	if err != nil || string(raw) != string(files[1].Raw) {
		t.Errorf("raw after upgrade: %s, %v", raw, err)
	}
	// And the writer writes over them.
	if _, err := db.WriteBatch(ctx, BatchWrite{BatchID: "b1", Version: "v2", Files: files}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var n int
	db.r.QueryRowContext(ctx, `SELECT count(*) FROM reviews`).Scan(&n)
	if n != len(files) {
		t.Errorf("%d reviews after the write, want %d (one per file, the old two replaced)", n, len(files))
	}
}

func queryPlan(t *testing.T, db *DB, q string) string {
	t.Helper()
	rows, err := db.r.Query("EXPLAIN QUERY PLAN " + q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		b.WriteString(detail + "\n")
	}
	return b.String()
}
