package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// The benchmarks share one data folder with a portfolio of benchFiles files
// (100,000 unless STOCKSYNC_BENCH_FILES says otherwise), built once, and one
// thumbnail per file of benchThumbBytes. Reproduce docs/benchmarks-backup.md:
//
//	go test -run '^$' -bench . -benchtime 5x ./core/backup/
var (
	benchOnce    sync.Once
	benchDir     datadir.Dir
	benchDB      *store.DB
	benchRoot    string
	benchErr     error
	benchFiles   = 100_000
	benchBatches = 1_000
)

const benchThumbBytes = 2048

func TestMain(m *testing.M) {
	if n, err := strconv.Atoi(os.Getenv("STOCKSYNC_BENCH_FILES")); err == nil && n > 0 {
		benchFiles, benchBatches = n, max(1, n/100)
	}
	code := m.Run()
	if benchDB != nil {
		benchDB.Close()
	}
	if benchRoot != "" {
		os.RemoveAll(benchRoot)
	}
	os.Exit(code)
}

func benchData(b *testing.B) (datadir.Dir, *store.DB) {
	b.Helper()
	benchOnce.Do(func() { benchErr = buildBenchData() })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir, benchDB
}

// buildBenchData fills a database the way sync and local work would: batches,
// files with realistic metadata, reviews, the thumbnail queue, and local-only
// rows; and writes the thumbnails.
func buildBenchData() error {
	root, err := os.MkdirTemp("", "stocksync-bench-")
	if err != nil {
		return err
	}
	benchRoot = root
	benchDir = datadir.Dir{Root: filepath.Join(root, "data")}
	if err := benchDir.Ensure(); err != nil {
		return err
	}
	if err := config.Save(benchDir.Config(), config.Default()); err != nil {
		return err
	}
	ctx := context.Background()
	if benchDB, err = store.Open(ctx, benchDir.DB(), store.Options{}); err != nil {
		return err
	}
	ts := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	words := strings.Fields("sea boat harbour sunset travel summer people family holiday beach coast blue water sky " +
		"city street night light europe italy france spain portrait smiling woman man child dog nature mountain")
	kw := func(i int) string {
		var k []string
		for j := range 25 {
			k = append(k, `"`+words[(i+j*7)%len(words)]+`"`)
		}
		return "[" + strings.Join(k, ",") + "]"
	}
	err = benchDB.Write(ctx, func(tx *sql.Tx) error {
		for i := range benchBatches {
			if _, err := tx.Exec(`INSERT INTO batches (id, submission_name, status, created_at, updated_at, contributions_count, server_version, synced_version)
				VALUES (?, ?, 'closed', ?, ?, 100, 'v1', 'v1')`, "b"+strconv.Itoa(i), "Batch "+strconv.Itoa(i), ts, ts); err != nil {
				return err
			}
		}
		c, err := tx.Prepare(`INSERT INTO contributions (id, batch_id, status, file_name, mime_type, media_type, image_width, image_height,
			thumbnail_url, headline, caption, keywords, country_of_shoot, city, copyright, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'image/jpeg', 'image', 6000, 4000, ?, ?, ?, ?, 'Italy', 'Genoa', '© Ann Example', ?, ?)`)
		if err != nil {
			return err
		}
		r, err := tx.Prepare(`INSERT INTO reviews (contribution_id, seq, reviewed_at, outcome, reasons, notes) VALUES (?, 1, ?, ?, '["Noise"]', 'Please reduce noise in the shadows')`)
		if err != nil {
			return err
		}
		th, err := tx.Prepare(`INSERT INTO thumbnails (contribution_id, url, state, file, updated_at) VALUES (?, ?, 'done', ?, ?)`)
		if err != nil {
			return err
		}
		statuses := []string{"processed", "processed", "processed", "rejected", "revisable", "pending", "review"}
		for i := range benchFiles {
			id := strconv.Itoa(1_000_000_000 + i)
			url := "https://media.example.test/thumbs/" + id + ".jpg"
			st := statuses[i%len(statuses)]
			if _, err := c.Exec(id, "b"+strconv.Itoa(i%benchBatches), st, "IMG_"+id+".jpg", url,
				"Fishing boats in the harbour of Camogli at sunset, Liguria "+id,
				"Colourful fishing boats moored in the small harbour of Camogli on the Italian Riviera at sunset, with the church of Santa Maria Assunta behind.",
				kw(i), ts, ts); err != nil {
				return err
			}
			if st == "rejected" || st == "revisable" {
				if _, err := r.Exec(id, ts, st); err != nil {
					return err
				}
			}
			if _, err := th.Exec(id, url, thumbName(id), ts); err != nil {
				return err
			}
		}
		for i := range 500 {
			if _, err := tx.Exec(`INSERT INTO pending_uploads (path, title, description, keywords, media_type, size, added_at, updated_at)
				VALUES (?, ?, ?, ?, 'image', 24000000, ?, ?)`, fmt.Sprintf("/Users/ann/Pictures/Export/DSC_%05d.jpg", i),
				"Pending title "+strconv.Itoa(i), "A pending description", kw(i), ts, ts); err != nil {
				return err
			}
		}
		for i := range 20_000 {
			id := strconv.Itoa(1_000_000_000 + i*3)
			if _, err := tx.Exec(`INSERT INTO local_paths (contribution_id, path, updated_at) VALUES (?, ?, ?)`,
				id, "/Users/ann/Pictures/Archive/IMG_"+id+".jpg", ts); err != nil {
				return err
			}
		}
		for i := range 200 {
			if _, err := tx.Exec(`INSERT INTO local_edits (contribution_id, headline, created_at, updated_at) VALUES (?, 'Edited headline', ?, ?)`,
				strconv.Itoa(1_000_000_000+i*5), ts, ts); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	thumb := make([]byte, benchThumbBytes)
	for i := range benchFiles {
		id := strconv.Itoa(1_000_000_000 + i)
		copy(thumb, id) // every thumbnail different
		p := filepath.Join(benchDir.Thumbnails(), filepath.FromSlash(thumbName(id)))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(p, thumb, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// thumbName shards thumbnails into 256 folders by a hash, like the downloader.
func thumbName(id string) string {
	h := sha256.Sum256([]byte(id))
	return fmt.Sprintf("%02x/%x.jpg", h[0], h[1:9])
}

func benchDest(b *testing.B) string {
	b.Helper()
	dest := filepath.Join(benchRoot, "dest-"+strings.ReplaceAll(b.Name(), "/", "_"))
	os.RemoveAll(dest)
	if err := os.Mkdir(dest, 0o700); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dest) })
	return dest
}

// BenchmarkSnapshot100k: a snapshot (database and settings) of the portfolio.
func BenchmarkSnapshot100k(b *testing.B) {
	d, db := benchData(b)
	dest := benchDest(b)
	ctx := context.Background()
	var info Info
	b.ResetTimer()
	for range b.N {
		var err error
		if info, err = Snapshot(ctx, SnapshotOptions{DataDir: d, DB: db, Dest: dest}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(info.Path)
		b.StartTimer()
	}
	b.ReportMetric(float64(info.Size)/1e6, "MB/snapshot")
}

// BenchmarkSnapshotVerify100k: what `stocksync backup` does for the
// database and settings: a snapshot, then Verify (marking it verified).
// Issue 15's target: at most 2 s.
func BenchmarkSnapshotVerify100k(b *testing.B) {
	d, db := benchData(b)
	dest := benchDest(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		info, err := Snapshot(ctx, SnapshotOptions{DataDir: d, DB: db, Dest: dest})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Verify(ctx, info.Path, VerifyOptions{Mark: true})
		if err != nil || !rep.OK {
			b.Fatal(err, rep.Findings)
		}
		b.StopTimer()
		os.RemoveAll(info.Path)
		b.StartTimer()
	}
}

// BenchmarkVerify100k: verifying that snapshot (hashes, integrity_check,
// row counts, local-only digests).
func BenchmarkVerify100k(b *testing.B) {
	d, db := benchData(b)
	dest := benchDest(b)
	ctx := context.Background()
	info, err := Snapshot(ctx, SnapshotOptions{DataDir: d, DB: db, Dest: dest})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		rep, err := Verify(ctx, info.Path, VerifyOptions{})
		if err != nil || !rep.OK {
			b.Fatal(err, rep.Findings)
		}
	}
}

// BenchmarkSnapshotThumbnailsUnchanged100k: with thumbnails included, a
// second snapshot where nothing changed since the first (verified) one.
// bytes_written is what reaches the destination: the target is almost nothing.
func BenchmarkSnapshotThumbnailsUnchanged100k(b *testing.B) {
	d, db := benchData(b)
	dest := benchDest(b)
	ctx := context.Background()
	start := time.Now()
	first, err := Snapshot(ctx, SnapshotOptions{DataDir: d, DB: db, Dest: dest, WithThumbnails: true})
	if err != nil {
		b.Fatal(err)
	}
	firstTook := time.Since(start)
	start = time.Now()
	if rep, err := Verify(ctx, first.Path, VerifyOptions{Mark: true}); err != nil || !rep.OK {
		b.Fatal(err, rep.Findings)
	}
	verifyTook := time.Since(start)
	var info Info
	b.ResetTimer()
	for range b.N {
		if info, err = Snapshot(ctx, SnapshotOptions{DataDir: d, DB: db, Dest: dest, WithThumbnails: true}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if info.Written.FilesLinked != first.Files {
			b.Fatalf("linked %d of %d files", info.Written.FilesLinked, first.Files)
		}
		os.RemoveAll(info.Path)
		b.StartTimer()
	}
	mf, _ := os.Stat(filepath.Join(first.Path, ManifestName))
	b.ReportMetric(float64(info.Written.BytesWritten), "bytes_written/op")
	b.ReportMetric(float64(mf.Size()), "manifest_bytes")
	b.ReportMetric(float64(info.Written.FilesLinked), "files_linked/op")
	b.ReportMetric(float64(first.Written.BytesWritten)/1e6, "first_MB_written")
	b.ReportMetric(firstTook.Seconds(), "first_s")
	b.ReportMetric(verifyTook.Seconds(), "verify_s")
}
