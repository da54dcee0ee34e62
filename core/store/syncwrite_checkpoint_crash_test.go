package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

// localRows makes a database at p with local-only rows of every kind and
// returns their digest.
func localRows(t *testing.T, p string) map[string]string {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	var list []Batch
	for i := range 400 {
		list = append(list, Batch{ID: fmt.Sprintf("w%d", i), ServerVersion: "v"})
	}
	if _, err := db.UpsertBatchList(ctx, list, now); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: fmt.Sprintf("/p/up%d.jpg", i), Title: "Mine"}, now); err != nil {
			t.Fatal(err)
		}
		if err := db.SetLocalPath(ctx, fmt.Sprintf("w0%d", i), fmt.Sprintf("/p/%d.jpg", i), now); err != nil {
			t.Fatal(err)
		}
	}
	d, err := db.LocalOnlyDigest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// checkAfterCrash opens the database at p after its writer was killed: it
// must be whole, keep every local-only row, hold at least the batches the
// writer reported committed, and only whole batches (50 files each).
func checkAfterCrash(t *testing.T, p string, local map[string]string, committed int) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check %q, %v", check, err)
	}
	if d, err := db.LocalOnlyDigest(ctx); err != nil || !reflect.DeepEqual(d, local) {
		t.Errorf("local-only rows changed: %v, %v", d, err)
	}
	var n int
	db.r.QueryRowContext(ctx, `SELECT count(*) FROM contributions`).Scan(&n)
	if n%50 != 0 || n < 50*committed {
		t.Errorf("%d files after %d batches committed", n, committed)
	}
}

// A writer process killed (SIGKILL) right after a commit that starts a
// background checkpoint, or at any other commit, leaves a whole database
// with every committed batch and every local-only row.
func TestCheckpointKilled(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "tmpl.db")
	local := localRows(t, tmpl)
	for k := range 6 {
		p := filepath.Join(dir, fmt.Sprintf("kill%d.db", k))
		copyFile(t, tmpl, p)
		cmd, lines := crashChild(t, "write", p)
		// Mostly right after a checkpoint started, sometimes in between.
		at := checkpointEvery * (1 + rand.IntN(5))
		if k%3 == 2 {
			at += 1 + rand.IntN(checkpointEvery-1)
		}
		committed := 0
		for committed < at && lines.Scan() {
			committed++
		}
		cmd.Process.Kill()
		cmd.Wait()
		if committed != at {
			t.Fatalf("the writer stopped after %d batches", committed)
		}
		checkAfterCrash(t, p, local, committed)
	}
}

// While the writer's background checkpoints run, a read-only open and a
// backup copy (CopyTo, as core/backup takes snapshots) each see a whole
// database as of one commit; Close racing the writer and its checkpoints
// waits for them (run with -race).
func TestCheckpointReadersAndCopies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "stocksync.db")
	local := localRows(t, p)
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const batches = 6 * checkpointEvery
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	done := make(chan struct{})
	var werr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for i := range batches {
			id := fmt.Sprintf("w%d", i)
			if _, err := db.WriteBatchContributions(ctx, id, "v", benchFiles(id, 50), now); err != nil {
				werr = err
				return
			}
		}
	}()
	count := func(c *sql.DB) int {
		var n int
		var check string
		if err := c.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Errorf("integrity_check %q, %v", check, err)
		}
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM contributions`).Scan(&n); err != nil {
			t.Error(err)
		}
		if n%50 != 0 {
			t.Errorf("%d files: part of a batch", n)
		}
		return n
	}
	last, copies := 0, 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		ro, err := OpenReadOnly(ctx, p)
		if err != nil {
			t.Fatalf("read-only open during checkpoints: %v", err)
		}
		if n := count(ro.r); n < last {
			t.Errorf("a read-only open saw %d files after %d", n, last)
		} else {
			last = n
		}
		ro.Close()
		snap := filepath.Join(dir, fmt.Sprintf("snap%d.db", copies))
		if err := db.CopyTo(ctx, snap); err != nil {
			t.Fatalf("copy during checkpoints: %v", err)
		}
		copies++
		sc, err := OpenReadOnly(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(sc.r); n < last {
			t.Errorf("a copy has %d files after %d", n, last)
		}
		if d, err := sc.LocalOnlyDigest(ctx); err != nil || !reflect.DeepEqual(d, local) {
			t.Errorf("a copy's local-only rows differ: %v", err)
		}
		sc.Close()
	}
	wg.Wait()
	if werr != nil {
		t.Fatal(werr)
	}
	// Close while the writer commits and checkpoints start.
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for i := batches; i < 400; i++ {
			id := fmt.Sprintf("w%d", i)
			if _, err := db.WriteBatchContributions(ctx, id, "v", benchFiles(id, 50), now); err != nil {
				return // closed
			}
		}
	}()
	for db.ckpt.commits.Load() < batches+2*checkpointEvery {
		select {
		case <-stopped:
			t.Fatal("the writer stopped before Close")
		default:
			time.Sleep(time.Millisecond)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	<-stopped
	if db.ckpt.running.Load() {
		t.Error("a checkpoint runs after Close returned")
	}
	checkAfterCrash(t, p, local, batches)
	t.Logf("%d read-only opens and copies", copies)
}
