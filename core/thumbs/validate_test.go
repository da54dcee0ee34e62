package thumbs

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

func testImage() *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, 24, 16), color.Palette{color.Black, color.White, color.RGBA{200, 40, 40, 255}})
	for y := range 16 {
		for x := range 24 {
			img.SetColorIndex(x, y, uint8((x*y+x)%3))
		}
	}
	return img
}

func mustPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustGIF(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A whole JPEG, PNG or GIF passes; the same file cut off at any length
// (a connection that closed early behind a proxy that sent no length) is
// refused as damaged, as is a PNG with a changed byte.
func TestCheckImageRefusesEveryCutOff(t *testing.T) {
	for name, whole := range map[string][]byte{"jpeg": mustJPEG(t), "png": mustPNG(t), "gif": mustGIF(t)} {
		if err := checkImage(whole); err != nil {
			t.Fatalf("%s: a whole image refused: %v", name, err)
		}
		if _, _, err := image.Decode(bytes.NewReader(whole)); err != nil {
			t.Fatalf("%s: the test image does not decode: %v", name, err)
		}
		for n := range len(whole) {
			err := checkImage(whole[:n])
			var ni *notImageError
			if !errors.As(err, &ni) {
				t.Fatalf("%s cut to %d of %d bytes: accepted (%v)", name, n, len(whole), err)
			}
		}
	}
	// Bytes after a JPEG's end marker (some cameras and editors pad) are allowed.
	if err := checkImage(append(mustJPEG(t), 0, 0, 0, 0)); err != nil {
		t.Errorf("JPEG with padding after its end: %v", err)
	}
	p := mustPNG(t)
	p[bytes.Index(p, []byte("IDAT"))+6] ^= 0x55 // inside the image data
	if err := checkImage(p); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("PNG with a changed byte: %v, want a checksum error", err)
	}
	for _, body := range []string{"", "<html><body>Sign in</body></html>", `{"ErrorCode":"NotFound"}`,
		"\xff\xd8\xff\xe0 not really", "\x89PNG\r\n\x1a\n", "GIF89a"} {
		if err := checkImage([]byte(body)); err == nil {
			t.Errorf("%q accepted as a thumbnail", body)
		}
	}
}

// sosOffset is where a JPEG's first scan's entropy-coded data starts.
func sosOffset(t *testing.T, b []byte) int {
	t.Helper()
	i := bytes.Index(b, []byte{0xff, 0xda})
	if i < 0 {
		t.Fatal("no scan in the JPEG")
	}
	return i + 2 + int(b[i+2])<<8 | int(b[i+3])
}

// A thumbnail whose body is a JPEG cut off inside its scan data, sent with
// a Content-Length that matches (so HTTP sees a whole answer), is refused
// for good and never saved; the whole one next to it is saved.
func TestJPEGCutInsideScanDataIsNotSaved(t *testing.T) {
	jpeg := mustJPEG(t)
	scan := sosOffset(t, jpeg)
	cut := jpeg[:scan+(len(jpeg)-scan)/2]
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := jpeg
		if strings.HasSuffix(r.URL.Path, "/cut.jpg") {
			body = cut
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	defer site.Close()
	f := newFixture(t, espfake.Options{Seed: 7, Batches: -1})
	queue(t, f.db, "cut", site.URL+"/cut.jpg")
	queue(t, f.db, "whole", site.URL+"/whole.jpg")
	d := f.downloader()
	var reported []error
	d.OnError = func(err error) { reported = append(reported, err) }
	if err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, _ := f.db.Summary(context.Background())
	if s.ThumbnailsDone != 1 || s.ThumbnailsFailed != 1 || s.ThumbnailsQueued != 0 {
		t.Fatalf("done %d failed %d queued %d, want 1, 1 and 0", s.ThumbnailsDone, s.ThumbnailsFailed, s.ThumbnailsQueued)
	}
	if name, _ := f.db.ThumbnailFile(context.Background(), "cut"); name != "" {
		t.Errorf("the cut thumbnail is recorded as %s", name)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "thumbnails", FileName("cut"))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the cut thumbnail was written: %v", err)
	}
	var je *JobError
	if len(reported) != 1 || !errors.As(reported[0], &je) || !je.Final || je.ContributionID != "cut" ||
		!strings.Contains(je.Error(), "damaged image") {
		t.Errorf("OnError got %v, want one final JobError for the cut thumbnail naming a damaged image", reported)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "thumbnails", FileName("whole"))); err != nil {
		t.Errorf("the whole thumbnail was not saved: %v", err)
	}
}
