package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

// fill gives db server rows and one row in every local-only table.
func fill(t *testing.T, db *DB, n int) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.UpsertBatchList(ctx, []Batch{{ID: "b1", Name: "Batch", ServerVersion: "v1"}}, t0); err != nil {
		t.Fatal(err)
	}
	var files []Contribution
	for i := range n {
		files = append(files, Contribution{ID: "c" + strconv.Itoa(i), BatchID: "b1", Status: "pending", Headline: "h",
			Keywords: []string{"k"}, UpdatedAt: t0, ThumbnailURL: "https://x/" + strconv.Itoa(i)})
	}
	if _, err := db.WriteBatchContributions(ctx, "b1", "v1", files, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPendingUpload(ctx, PendingUpload{Path: "/p/a.jpg", Title: "A", Keywords: []string{"x", "y"}}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.SetLocalPath(ctx, "c0", "/photos/c0.jpg", t0); err != nil {
		t.Fatal(err)
	}
	h := "new headline"
	if _, err := db.PutLocalEdit(ctx, LocalEdit{ContributionID: "c0", Headline: &h}, t0); err != nil {
		t.Fatal(err)
	}
}

func TestCopyToIsSelfContainedAndComplete(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	fill(t, db, 5)
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := db.CopyTo(ctx, dst); err != nil {
		t.Fatal(err)
	}
	in, err := Inspect(ctx, dst, true)
	if err != nil {
		t.Fatal(err)
	}
	if in.JournalMode != "delete" {
		t.Errorf("journal mode %q, want delete", in.JournalMode)
	}
	if len(in.Integrity) != 0 {
		t.Errorf("integrity: %v", in.Integrity)
	}
	if in.SchemaVersion != KnownVersion() {
		t.Errorf("schema %d, want %d", in.SchemaVersion, KnownVersion())
	}
	want, err := db.TableCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range want {
		if in.Counts[table] != n {
			t.Errorf("%s: copy has %d rows, want %d", table, in.Counts[table], n)
		}
	}
	if got, want := in.Counts["contributions"], int64(5); got != want {
		t.Errorf("contributions %d, want %d", got, want)
	}
	dig, err := db.LocalOnlyDigest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range LocalOnlyTables {
		if dig[table] == "" || dig[table] != in.LocalOnly[table] {
			t.Errorf("%s digest: live %q, copy %q", table, dig[table], in.LocalOnly[table])
		}
	}
	// Nothing but the copy itself: no -wal or -journal beside it.
	entries, _ := os.ReadDir(filepath.Dir(dst))
	if len(entries) != 1 {
		t.Errorf("copy folder holds %d entries, want 1", len(entries))
	}
}

func TestCopyToFromReadOnly(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 2)
	db.Close()
	ro, err := OpenReadOnly(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := ro.CopyTo(ctx, dst); err != nil {
		t.Fatal(err)
	}
	in, err := Inspect(ctx, dst, true)
	if err != nil {
		t.Fatal(err)
	}
	if in.Counts["pending_uploads"] != 1 {
		t.Errorf("pending uploads %d, want 1", in.Counts["pending_uploads"])
	}
}

// A copy taken while another goroutine writes holds a state some transaction
// committed: every transaction adds a pending upload and a local path
// together, so any consistent copy has as many of one as of the other.
func TestCopyToWhileWriting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db := openTemp(t)
	var wg sync.WaitGroup
	var werr error
	started := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if ctx.Err() != nil {
				return
			}
			if i == 20 {
				close(started)
			}
			err := db.Write(ctx, func(tx *sql.Tx) error {
				ts := fmtTime(t0.Add(time.Duration(i)))
				if _, err := tx.ExecContext(ctx, `INSERT INTO pending_uploads (path, added_at, updated_at) VALUES (?, ?, ?)`, "/p/"+strconv.Itoa(i), ts, ts); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO local_paths (contribution_id, path, updated_at) VALUES (?, ?, ?)`, "c"+strconv.Itoa(i), "/x", ts)
				return err
			})
			if err != nil && ctx.Err() == nil {
				werr = err
				return
			}
		}
	}()
	<-started
	var copies []string
	for i := range 3 {
		dst := filepath.Join(t.TempDir(), "copy"+strconv.Itoa(i)+".db")
		if err := db.CopyTo(ctx, dst); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, dst)
	}
	cancel()
	wg.Wait()
	if werr != nil {
		t.Fatal(werr)
	}
	for _, c := range copies {
		in, err := Inspect(context.Background(), c, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Integrity) != 0 {
			t.Errorf("%s: integrity %v", c, in.Integrity)
		}
		if in.Counts["pending_uploads"] != in.Counts["local_paths"] || in.Counts["pending_uploads"] < 20 {
			t.Errorf("%s: %d pending uploads, %d local paths: not one committed state", c, in.Counts["pending_uploads"], in.Counts["local_paths"])
		}
	}
}

func TestCopyToRefusesExistingFile(t *testing.T) {
	db := openTemp(t)
	dst := filepath.Join(t.TempDir(), "copy.db")
	os.WriteFile(dst, []byte("something the user wrote"), 0o600)
	if err := db.CopyTo(context.Background(), dst); err == nil {
		t.Fatal("want an error when the target exists")
	}
	if b, _ := os.ReadFile(dst); string(b) != "something the user wrote" {
		t.Error("existing file was changed")
	}
}

func TestInspectDamaged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "x.db")
	os.WriteFile(notDB, []byte("this is not a database at all, just text that is long enough to have a header"), 0o600)
	if _, err := Inspect(ctx, notDB, true); !errors.Is(err, ErrCorrupt) {
		t.Errorf("text file: got %v, want ErrCorrupt", err)
	}
	if _, err := Inspect(ctx, filepath.Join(dir, "missing.db"), true); err == nil || errors.Is(err, ErrCorrupt) {
		t.Errorf("missing file: got %v, want a not-found error", err)
	}
}

func TestDigestSeesEveryByte(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	fill(t, db, 1)
	before, err := db.LocalOnlyDigest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetLocalPath(ctx, "c0", "/photos/c0.JPG", t0); err != nil {
		t.Fatal(err)
	}
	after, err := db.LocalOnlyDigest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before["local_paths"] == after["local_paths"] {
		t.Error("local_paths digest did not change with one letter's case")
	}
	if before["pending_uploads"] != after["pending_uploads"] || before["local_edits"] != after["local_edits"] {
		t.Error("digests of unchanged tables changed")
	}
}

func TestQuiesce(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "stocksync.db")
	if err := Quiesce(ctx, p); err != nil {
		t.Fatalf("missing database: %v", err)
	}
	db, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 3)
	if err := Quiesce(ctx, p); !errors.Is(err, ErrInUse) {
		t.Errorf("open database: got %v, want ErrInUse", err)
	}
	db.Close()
	if err := Quiesce(ctx, p); err != nil {
		t.Fatalf("closed database: %v", err)
	}
	for _, side := range []string{p + "-wal", p + "-shm"} {
		if _, err := os.Lstat(side); err == nil {
			t.Errorf("%s still exists after Quiesce", filepath.Base(side))
		}
	}
	// Everything committed is in the main file alone.
	in, err := Inspect(ctx, p, true)
	if err != nil {
		t.Fatal(err)
	}
	if in.Counts["contributions"] != 3 || in.Counts["pending_uploads"] != 1 {
		t.Errorf("main file alone holds %v", in.Counts)
	}
}
