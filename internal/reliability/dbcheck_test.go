package reliability

import (
	"context"
	"database/sql"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
)

// openRaw opens a database file the way the next process would: read-write,
// so a WAL left by a killed process is recovered, with a busy timeout.
func openRaw(path string) (*sql.DB, error) {
	u := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(15000)"
	db, err := sql.Open("sqlite", u)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// checkIntegrity runs PRAGMA integrity_check and foreign_key_check.
func checkIntegrity(path string) error {
	db, err := openRaw(path)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity_check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		problems = append(problems, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity_check: %w", err)
	}
	if !slices.Equal(problems, []string{"ok"}) {
		return fmt.Errorf("integrity_check: %q", problems)
	}
	rows, err = db.Query("PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("foreign_key_check: %w", err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	rows.Close()
	if n > 0 {
		return fmt.Errorf("foreign_key_check: %d violations", n)
	}
	return nil
}

// localTables are the LOCAL-ONLY tables and their primary keys.
var localTables = map[string]string{"pending_uploads": "id", "local_paths": "contribution_id", "local_edits": "contribution_id"}

// localRows reads every local-only row as text that keeps each column's type
// and bytes: table → primary key → row.
func localRows(path string) (map[string]map[string]string, error) {
	db, err := openRaw(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if got := store.LocalOnlyTables; len(got) != len(localTables) {
		return nil, fmt.Errorf("store.LocalOnlyTables = %v: update localTables", got)
	}
	out := map[string]map[string]string{}
	for table, pk := range localTables {
		rows, err := db.Query("SELECT " + pk + ", * FROM " + table)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
		cols, _ := rows.Columns()
		m := map[string]string{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			var b strings.Builder
			for i, v := range vals[1:] {
				fmt.Fprintf(&b, "%s=%T:%q;", cols[i+1], v, fmt.Sprint(v))
			}
			m[fmt.Sprint(vals[0])] = b.String()
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out[table] = m
	}
	return out, nil
}

// compareLocal checks after against before: every row identical, except
// that an edit may be gone if applied(id) says the server has it.
func compareLocal(before, after map[string]map[string]string, applied func(id string) bool) error {
	var problems []string
	for table, rows := range before {
		for k, row := range rows {
			got, ok := after[table][k]
			switch {
			case !ok && table == "local_edits" && applied != nil && applied(k):
			case !ok:
				problems = append(problems, fmt.Sprintf("%s %s lost", table, k))
			case got != row:
				problems = append(problems, fmt.Sprintf("%s %s changed:\n  before %s\n  after  %s", table, k, clip(row), clip(got)))
			}
		}
		for k := range after[table] {
			if _, ok := rows[k]; !ok {
				problems = append(problems, fmt.Sprintf("%s %s appeared", table, k))
			}
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], fmt.Sprintf("… %d more", len(problems)-5))
		}
		return fmt.Errorf("local-only rows differ: %s", strings.Join(problems, "; "))
	}
	return nil
}

// fileKey is what must match, server against local, for one file.
func fileKey(id, batch, status, headline, caption string, kw []string, updated string, reviews []string) string {
	if kw == nil {
		kw = []string{}
	}
	return fmt.Sprintf("%s|%s|%s|%q|%q|%q|%s|%q", id, batch, status, headline, caption, kw, updated, reviews)
}

func serverState(p espfake.Portfolio) (batches, files []string) {
	for _, b := range p.Batches {
		batches = append(batches, fmt.Sprintf("%s|%s|%s|%d|%d|%d|%d|%d", b.ID, b.Name, b.Status, b.ContributionsCount,
			b.PendingCount, b.ProcessedCount, b.RevisableCount, b.RejectedCount))
		for _, c := range b.Contributions {
			var rv []string
			for _, r := range c.Reviews {
				rv = append(rv, r.Outcome+":"+strings.Join(r.Reasons, ",")+":"+r.Notes)
			}
			files = append(files, fileKey(c.ID, b.ID, c.Status, c.Headline, c.Caption, c.Keywords, c.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000Z07:00"), rv))
		}
	}
	sort.Strings(batches)
	sort.Strings(files)
	return
}

func localState(ctx context.Context, path string) (batches, files []string, err error) {
	db, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	bs, err := db.ListBatches(ctx, store.BatchFilter{})
	if err != nil {
		return nil, nil, err
	}
	for _, b := range bs {
		batches = append(batches, fmt.Sprintf("%s|%s|%s|%d|%d|%d|%d|%d", b.ID, b.Name, b.Status, b.Counts.Contributions,
			b.Counts.Pending, b.Counts.Accepted, b.Counts.Revisable, b.Counts.Rejected))
	}
	err = db.ListContributions(ctx, store.ContributionFilter{WithReviews: true}, func(c store.Contribution) error {
		var rv []string
		for _, r := range c.Reviews {
			rv = append(rv, r.Outcome+":"+strings.Join(r.Reasons, ",")+":"+r.Notes)
		}
		files = append(files, fileKey(c.ID, c.BatchID, c.Status, c.Headline, c.Caption, c.Keywords, c.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000Z07:00"), rv))
		return nil
	})
	sort.Strings(batches)
	sort.Strings(files)
	return batches, files, err
}

// converged checks the database holds exactly the server's portfolio.
func converged(ctx context.Context, path string, srv *espfake.Server) error {
	sb, sf := serverState(srv.Portfolio())
	lb, lf, err := localState(ctx, path)
	if err != nil {
		return err
	}
	var problems []string
	if !slices.Equal(sb, lb) {
		problems = append(problems, fmt.Sprintf("batches differ: server %d, local %d; server has %s; local has %s",
			len(sb), len(lb), firstMissing(sb, lb), firstMissing(lb, sb)))
	}
	if !slices.Equal(sf, lf) {
		problems = append(problems, fmt.Sprintf("files differ: server %d, local %d; server has %s; local has %s",
			len(sf), len(lf), firstMissing(sf, lf), firstMissing(lf, sf)))
	}
	if len(problems) > 0 {
		return fmt.Errorf("not converged: %s", strings.Join(problems, "; "))
	}
	return nil
}

// firstMissing is the first element of a that b lacks.
func firstMissing(a, b []string) string {
	in := make(map[string]bool, len(b))
	for _, x := range b {
		in[x] = true
	}
	for _, x := range a {
		if !in[x] {
			return x
		}
	}
	return "(nothing else)"
}

// thumbReport describes the thumbnails folder.
type thumbReport struct {
	images, temps int
	problems      []string
}

// checkThumbnails checks that every file under thumbnails/ with a real name
// is a whole image, that every thumbnail the database calls done exists, and
// counts leftover temporary files (from killed writers).
func checkThumbnails(ctx context.Context, data string) (thumbReport, error) {
	var r thumbReport
	dir := filepath.Join(data, "thumbnails")
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == dir {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		if atomicfile.IsTemp(d.Name()) {
			r.temps++
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		_, _, derr := image.Decode(f)
		f.Close()
		if derr != nil {
			rel, _ := filepath.Rel(dir, p)
			r.problems = append(r.problems, fmt.Sprintf("thumbnails/%s is not a whole image: %v", rel, derr))
		}
		r.images++
		return nil
	})
	if err != nil {
		return r, err
	}
	db, err := store.OpenReadOnly(ctx, filepath.Join(data, "stocksync.db"))
	if err != nil {
		return r, err
	}
	defer db.Close()
	done, err := db.ThumbnailFiles(ctx)
	if err != nil {
		return r, err
	}
	for name := range done {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			r.problems = append(r.problems, fmt.Sprintf("database says thumbnail %s is downloaded: %v", name, err))
		}
	}
	return r, nil
}

// treeState lists every path under root (except those under skip) with its
// size, to find anything written where it should not be.
func treeState(root string, skip ...string) (map[string]int64, error) {
	out := map[string]int64{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		for _, s := range skip {
			if p == s {
				return filepath.SkipDir
			}
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[p+"/"] = 0
		} else {
			out[p] = info.Size()
		}
		return nil
	})
	return out, err
}

// newPaths lists paths in after that were not in before.
func newPaths(before, after map[string]int64) []string {
	var out []string
	for p := range after {
		if _, ok := before[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// clip shortens a row for a message.
func clip(s string) string {
	if len(s) <= 400 {
		return s
	}
	return s[:200] + " … " + s[len(s)-200:]
}

// thumbStates counts thumbnail jobs by state, for files still on ESP (live)
// and for files removed from it.
func thumbStates(path string) (live, removed map[string]int, err error) {
	db, err := openRaw(path)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT t.state, c.removed_at != '' FROM thumbnails t JOIN contributions c ON c.id = t.contribution_id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	live, removed = map[string]int{}, map[string]int{}
	for rows.Next() {
		var state string
		var gone bool
		if err := rows.Scan(&state, &gone); err != nil {
			return nil, nil, err
		}
		if gone {
			removed[state]++
		} else {
			live[state]++
		}
	}
	return live, removed, rows.Err()
}
