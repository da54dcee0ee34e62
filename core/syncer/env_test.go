package syncer

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/store"
)

// env is a real ESP server on loopback, a real client and a real database.
type env struct {
	srv    *espfake.Server
	client *esp.Client
	db     *store.DB
	eng    *Engine
	dir    string
}

func newEnv(t testing.TB, opts espfake.Options) *env {
	t.Helper()
	opts.Mode = espfake.ModePartner // the partner API flow these tests sign in with
	srv := espfaketest.New(t, opts)
	cr := srv.Credentials()
	client, err := esp.New(esp.Config{
		APIRoot: srv.URL(), TokenURL: srv.TokenURL(),
		APIKey: cr.APIKey, APISecret: cr.APISecret, Username: cr.Username, Password: cr.Password,
		RequestsPerSecond: -1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond,
		ModeledReviews: true, // these tests check the modeled inline reviews
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "stocksync.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &env{srv: srv, client: client, db: db, dir: dir,
		eng: &Engine{DB: db, ESP: client, LockPath: filepath.Join(dir, "sync.lock"), Command: "test"}}
}

func (e *env) sync(t testing.TB, push bool) Result {
	t.Helper()
	res, err := e.eng.Run(context.Background(), Options{Push: push})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

// requestsDuring counts the HTTP requests f makes.
func (e *env) requestsDuring(f func()) int64 {
	before := e.client.Stats().Requests
	f()
	return e.client.Stats().Requests - before
}

// fileKey is what the database must hold for a file, as text, for exact comparison.
func fileKey(id, batch, status, headline, caption string, kw []string, updated time.Time, reviews []string) string {
	return fmt.Sprintf("%s|%s|%s|%q|%q|%q|%s|%q", id, batch, status, headline, caption, kw, updated.UTC().Format(time.RFC3339Nano), reviews)
}

func serverState(e *env) (batches []string, files []string) {
	for _, b := range e.srv.Portfolio().Batches {
		batches = append(batches, fmt.Sprintf("%s|%s|%s|%d|%d|%d|%d|%d", b.ID, b.Name, b.Status, b.ContributionsCount,
			b.PendingCount, b.ProcessedCount, b.RevisableCount, b.RejectedCount))
		for _, c := range b.Contributions {
			var rv []string
			for _, r := range c.Reviews {
				rv = append(rv, r.Outcome+":"+strings.Join(r.Reasons, ",")+":"+r.Notes)
			}
			kw := c.Keywords
			if kw == nil {
				kw = []string{}
			}
			files = append(files, fileKey(c.ID, b.ID, c.Status, c.Headline, c.Caption, kw, c.UpdatedAt, rv))
		}
	}
	sort.Strings(batches)
	sort.Strings(files)
	return
}

func localState(t testing.TB, e *env) (batches []string, files []string) {
	t.Helper()
	ctx := context.Background()
	bs, err := e.db.ListBatches(ctx, store.BatchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		batches = append(batches, fmt.Sprintf("%s|%s|%s|%d|%d|%d|%d|%d", b.ID, b.Name, b.Status, b.Counts.Contributions,
			b.Counts.Pending, b.Counts.Accepted, b.Counts.Revisable, b.Counts.Rejected))
	}
	err = e.db.ListContributions(ctx, store.ContributionFilter{WithReviews: true}, func(c store.Contribution) error {
		var rv []string
		for _, r := range c.Reviews {
			rv = append(rv, r.Outcome+":"+strings.Join(r.Reasons, ",")+":"+r.Notes)
		}
		kw := c.Keywords
		if kw == nil {
			kw = []string{}
		}
		files = append(files, fileKey(c.ID, c.BatchID, c.Status, c.Headline, c.Caption, kw, c.UpdatedAt, rv))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(batches)
	sort.Strings(files)
	return
}

// assertConverged checks the database holds exactly the server's portfolio.
func assertConverged(t testing.TB, e *env) {
	t.Helper()
	sb, sf := serverState(e)
	lb, lf := localState(t, e)
	if !slices.Equal(sb, lb) {
		t.Errorf("batches differ:\n server %d: %s\n local  %d: %s", len(sb), firstDiff(sb, lb), len(lb), firstDiff(lb, sb))
	}
	if !slices.Equal(sf, lf) {
		t.Errorf("files differ:\n server %d: %s\n local  %d: %s", len(sf), firstDiff(sf, lf), len(lf), firstDiff(lf, sf))
	}
}

func firstDiff(a, b []string) string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	for _, x := range a {
		if !in[x] {
			return x
		}
	}
	return "(none missing)"
}

// localOnlyDigest hashes every local-only row, byte for byte.
func localOnlyDigest(t testing.TB, db *store.DB) string {
	t.Helper()
	h := sha256.New()
	err := db.Read(context.Background(), func(tx *sql.Tx) error {
		for _, q := range []string{
			`SELECT * FROM pending_uploads ORDER BY id`,
			`SELECT * FROM local_paths ORDER BY contribution_id`,
			`SELECT * FROM local_edits ORDER BY contribution_id`,
		} {
			rows, err := tx.Query(q)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				fmt.Fprintf(h, "%q\n", vals)
			}
			rows.Close()
			fmt.Fprintln(h, "--")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func integrityOK(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	if problems, err := db.IntegrityCheck(ctx, 0); err != nil || len(problems) != 0 {
		t.Fatalf("integrity_check = %q, %v", problems, err)
	}
	if fk, err := db.ForeignKeyViolations(ctx); err != nil || fk != 0 {
		t.Fatalf("%d foreign key violations, %v", fk, err)
	}
}
