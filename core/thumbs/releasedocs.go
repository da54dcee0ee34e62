package thumbs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/store"
)

// ReleasesDirName is the folder in the data folder that holds release documents.
const ReleasesDirName = "releases"

// MaxDocBytes bounds one release document by default: a scanned multi-page
// release PDF is a few megabytes.
const MaxDocBytes = 32 << 20

// ReleaseFetcher downloads a release document (*esp.Client). A Downloader
// whose Fetch is also a ReleaseFetcher downloads release documents after the
// thumbnails.
type ReleaseFetcher interface {
	DownloadRelease(ctx context.Context, rawURL string, w io.Writer, maxBytes int64) (int64, string, error)
}

// DocFileName is where a release's document goes, relative to releases/:
// two hex characters of fan-out, a SHA-256 of the release ID, and the
// extension of the format found in the document (never a server string).
func DocFileName(releaseID, ext string) string {
	sum := sha256.Sum256([]byte("release:" + releaseID))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(h[:2], h+ext)
}

// DocumentStats counts the release documents handled since the Downloader was created.
func (d *Downloader) DocumentStats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.docStats
}

func (d *Downloader) releasesDir() string {
	if d.ReleasesDir != "" {
		return d.ReleasesDir
	}
	return filepath.Join(filepath.Dir(d.Dir), ReleasesDirName)
}

func (d *Downloader) releaseFetcher() ReleaseFetcher {
	rf, _ := d.Fetch.(ReleaseFetcher)
	return rf
}

func (d *Downloader) drainReleaseDocs(ctx context.Context, workers int) error {
	rf := d.releaseFetcher()
	if rf == nil {
		return nil
	}
	d.requeueOnce.Do(func() {
		// Documents deleted by hand, or a data folder restored without
		// releases/, are fetched again.
		dir := d.releasesDir()
		d.DB.RequeueMissingReleaseDocs(ctx, func(file string) bool {
			_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(file)))
			return err == nil
		}, time.Now())
	})
	// Documents are larger than thumbnails: fewer at once.
	workers = max(1, workers/2)
	slots := make(chan struct{}, workers)
	return drain(ctx, workers, d.DB.NextReleaseDocs, func(j store.DocJob) string { return j.BatchID + "/" + j.ReleaseID },
		func(ctx context.Context, j store.DocJob) (bool, error) { return d.oneDoc(ctx, rf, j, slots) })
}

func (d *Downloader) oneDoc(ctx context.Context, rf ReleaseFetcher, j store.DocJob, slots chan struct{}) (settled bool, _ error) {
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 3
	}
	limit := d.MaxDocBytes
	if limit <= 0 {
		limit = MaxDocBytes
	}
	var buf bytes.Buffer
	name := ""
	var err error
	select {
	case slots <- struct{}{}: // only the download is bounded by slots; saving overlaps the next one
		_, _, err = rf.DownloadRelease(ctx, j.URL, &buf, limit)
		<-slots
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err == nil {
		var ext string
		if ext, err = docExt(buf.Bytes()); err == nil {
			name = DocFileName(j.ReleaseID, ext)
			err = save(d.releasesDir(), name, buf.Bytes(), "releases")
		}
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	final := err == nil || (!temporary(err) && (j.Attempts+1 >= maxAttempts || permanent(err)))
	if ferr := d.DB.FinishReleaseDoc(context.WithoutCancel(ctx), j, filepath.ToSlash(name), int64(buf.Len()), err, final, d.now()); ferr != nil {
		return false, ferr
	}
	if err != nil {
		d.report(&JobError{Kind: KindReleaseDoc, BatchID: j.BatchID, ReleaseID: j.ReleaseID, Attempt: j.Attempts + 1, Final: final, Err: err})
	}
	d.mu.Lock()
	switch {
	case err == nil:
		d.docStats.Done++
		d.docStats.Bytes += int64(buf.Len())
	case final:
		d.docStats.Failed++
	default:
		d.docStats.Retried++
	}
	d.mu.Unlock()
	return final, nil
}

// docExt accepts what a release document can be (PDF, JPEG, PNG, GIF,
// TIFF) by its content, and refuses anything else, such as the HTML page a
// server sends instead of a document when the session has expired.
func docExt(b []byte) (string, error) {
	switch kind := http.DetectContentType(b); {
	case kind == "application/pdf":
		return ".pdf", nil
	case kind == "image/jpeg":
		return ".jpg", nil
	case kind == "image/png":
		return ".png", nil
	case kind == "image/gif":
		return ".gif", nil
	case bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*")):
		return ".tif", nil
	case strings.HasPrefix(kind, "text/html"):
		return "", &notImageError{kind: "an HTML page, not a release document (is the ESP session still valid?)", doc: true}
	default:
		return "", &notImageError{kind: fmt.Sprintf("%s, not a release document (PDF or image)", kind), doc: true}
	}
}
