package store

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crashChildEnv makes TestCrashChild a child process the crash tests kill:
// "upgrade:<path>" opens (and so upgrades) the database; "write:<path>"
// writes batches w0, w1, ... of 50 files each, printing "commit" after each.
const crashChildEnv = "STOCKSYNC_STORE_CRASH_CHILD"

func TestCrashChild(t *testing.T) {
	spec := os.Getenv(crashChildEnv)
	if spec == "" {
		t.Skip("a child process of the crash tests")
	}
	ctx := context.Background()
	mode, path, _ := strings.Cut(spec, ":")
	fmt.Println("opening")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if mode == "write" {
		now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		for i := 0; ; i++ {
			id := fmt.Sprintf("w%d", i)
			if _, err := db.WriteBatchContributions(ctx, id, "v", benchFiles(id, 50), now); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(4)
			}
			fmt.Println("commit")
		}
	}
	db.Close()
	fmt.Println("done")
	os.Exit(0)
}

// crashChild starts TestCrashChild in mode on path and returns it with its
// output's lines.
func crashChild(t *testing.T, mode, path string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+mode+":"+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "opening" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q", lines.Text())
	}
	return cmd, lines
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	for _, sfx := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(from + sfx); err == nil {
			t.Fatalf("%s has a %s file: copy it closed", from, sfx)
		}
	}
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// rawState is what a database file holds as SQLite reads it, without the
// store's Open (which would finish an upgrade).
func rawState(t *testing.T, path string) (version int, check string, hasOmitted bool) {
	t.Helper()
	c, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil {
		t.Fatal(err)
	}
	var n int
	c.QueryRow(`SELECT count(*) FROM pragma_table_info('contributions') WHERE name = 'raw_omitted'`).Scan(&n)
	var idx int
	c.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name IN ('contributions_status', 'review_events_file', 'review_events_at')`).Scan(&idx)
	if (n == 1) != (idx == 0) {
		t.Errorf("half an upgrade: raw_omitted column %d, old indexes %d", n, idx)
	}
	return version, check, n == 1
}

// fillSchema4 makes a schema 4 database at p with files files (and as many
// reviews and review events) and local-only rows of every kind.
func fillSchema4(t *testing.T, p string, files int) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, p, Options{migrations: schemaFS(t, 4)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range 20 {
		if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: fmt.Sprintf("/p/up%d.jpg", i), Title: "Mine", Keywords: []string{"x"}}, now); err != nil {
			t.Fatal(err)
		}
		if err := db.SetLocalPath(ctx, fmt.Sprintf("c%d", i), fmt.Sprintf("/p/c%d.jpg", i), now); err != nil {
			t.Fatal(err)
		}
	}
	ts := fmtTime(now)
	for _, q := range []string{
		`INSERT INTO batches (id, server_version, synced_version, synced_at, raw) VALUES ('b', 'v', 'v', '` + ts + `', '{"id":"b"}')`,
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			INSERT INTO contributions (id, batch_id, status, headline, keywords, updated_at, raw)
			SELECT 'c' || i, 'b', CASE i %% 3 WHEN 0 THEN 'processed' WHEN 1 THEN 'review' ELSE 'revisable' END,
				'Headline ' || i, '["fog","sea"]', '%s', '{"id":"c' || i || '","file_size":' || i || ',"headline":"Headline ' || i || '"}'
			FROM n`, files-1, ts),
		`INSERT INTO reviews (contribution_id, seq, reviewed_at, outcome, reasons) SELECT id, 0, updated_at, 'revisable', '["blur"]' FROM contributions`,
		`INSERT INTO review_events (contribution_id, batch_id, to_status, outcome, at, observed_at)
			SELECT id, 'b', status, 'other', updated_at, updated_at FROM contributions`,
		`INSERT INTO local_edits (contribution_id, headline, created_at, updated_at)
			SELECT id, 'Mine ' || id, '` + ts + `', '` + ts + `' FROM contributions LIMIT 20`,
	} {
		if files == 0 && strings.Contains(q, "RECURSIVE") {
			continue
		}
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// tableCols lists the database at p's tables and their columns, as SQLite
// reads the file (no upgrade).
func tableCols(t *testing.T, p string) map[string]string {
	t.Helper()
	c, err := sql.Open("sqlite", "file:"+p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rows, err := c.Query(`SELECT m.name, group_concat(c.name, ', ') FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' GROUP BY m.name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var tb, list string
		if err := rows.Scan(&tb, &list); err != nil {
			t.Fatal(err)
		}
		out[tb] = list
	}
	return out
}

// dumpRows is every row of every table in cols, those columns, in a fixed
// order, as one text per table that SQLite builds (dumpAllRows, row by
// row, is too slow for 100,000 files under -race).
func dumpRows(t *testing.T, c *sql.DB, cols map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for tb, list := range cols {
		var s string
		if err := c.QueryRow(fmt.Sprintf(`SELECT count(*) || ' rows' || char(10) || COALESCE(group_concat(x, char(10)), '')
			FROM (SELECT quote(%s) AS x FROM %s ORDER BY 1)`, strings.ReplaceAll(list, ", ", ") || ',' || quote("), tb)).Scan(&s); err != nil {
			t.Fatalf("dump %s: %v", tb, err)
		}
		out[tb] = s
	}
	return out
}

// dumpSchema4 opens the database at p (finishing an interrupted upgrade)
// and dumps it with schema 4's columns.
func dumpSchema4(t *testing.T, p string, cols map[string]string) map[string]string {
	t.Helper()
	db, err := Open(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return dumpRows(t, db.r, cols)
}

// An upgrade to schema 5 killed at any point (SIGKILL of the process doing
// it) leaves schema 4 intact or schema 5 complete, never half of it; the
// next open finishes it, and every row, local-only or not, is kept. Shapes:
// an empty database and ones of 10,000 and 100,000 files with local-only
// rows.
func TestUpgradeKilledAnywhere(t *testing.T) {
	for _, shape := range []struct {
		name  string
		files int
		kills int
	}{{"empty", 0, 3}, {"10k files", 10000, 4}, {"100k files", 100000, 6}} {
		t.Run(shape.name, func(t *testing.T) {
			if shape.files > 10000 && (testing.Short() || raceEnabled) {
				t.Skip("a 100,000-file database takes minutes with -race or -short")
			}
			dir := t.TempDir()
			tmpl := filepath.Join(dir, "schema4.db")
			fillSchema4(t, tmpl, shape.files)
			cols := tableCols(t, tmpl)
			c, err := sql.Open("sqlite", "file:"+tmpl)
			if err != nil {
				t.Fatal(err)
			}
			want := dumpRows(t, c, cols)
			c.Close()
			if len(want) < 10 {
				t.Fatalf("%d tables", len(want))
			}

			// How long an upgrade takes here, to kill it anywhere in it.
			p := filepath.Join(dir, "full.db")
			copyFile(t, tmpl, p)
			cmd, lines := crashChild(t, "upgrade", p)
			start := time.Now()
			if !lines.Scan() || lines.Text() != "done" {
				t.Fatalf("upgrade child: %q", lines.Text())
			}
			cmd.Wait()
			took := time.Since(start)

			seen := map[int]int{}
			for k := range shape.kills {
				p := filepath.Join(dir, fmt.Sprintf("kill%d.db", k))
				copyFile(t, tmpl, p)
				cmd, _ := crashChild(t, "upgrade", p)
				time.Sleep(time.Duration(rand.Int64N(int64(took) + 1)))
				cmd.Process.Kill()
				cmd.Wait()
				v, check, _ := rawState(t, p)
				seen[v]++
				// Each migration commits with its user_version: a kill leaves
				// schema 4, a later one complete, or (since schema 6) 5.
				if check != "ok" || v < 4 || v > KnownVersion() {
					t.Fatalf("kill %d: schema %d, integrity_check %q", k, v, check)
				}
				got := dumpSchema4(t, p, cols)
				for tb, rows := range want {
					if got[tb] != rows {
						t.Errorf("kill %d (schema %d): table %s changed by the upgrade", k, v, tb)
					}
				}
				if v, check, omitted := rawState(t, p); v != KnownVersion() || check != "ok" || !omitted {
					t.Errorf("kill %d: reopened at schema %d, %q", k, v, check)
				}
				os.Remove(p)
			}
			t.Logf("upgrade %v; killed at schema %v", took, seen)
		})
	}
}
