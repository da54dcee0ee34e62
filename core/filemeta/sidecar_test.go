package filemeta

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// Found by trying `stocksync add` on a JPEG whose IPTCDigest is stale
// (ExifTool's IPTC.jpg) with a darktable-style sidecar beside it: the
// embedded IIM beat the sidecar, so the sidecar's headline and keywords
// were lost. The sidecar is the current copy and wins over IIM too.
func TestSidecarWinsOverIIMEditedLater(t *testing.T) {
	dir := t.TempDir()
	iim := iimBlock(ds{2, 105, "IIM headline"}, ds{2, 120, "IIM caption"}, ds{2, 25, "iim"})
	irb := append(irbResource(0x0404, iim), irbResource(0x0425, make([]byte, md5.Size))...) // stale digest
	img := filepath.Join(dir, "p.jpg")
	if err := os.WriteFile(img, jpegWith(t, 8, 8, app13(irb)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.xmp"), xmpDoc{headline: "Sidecar headline", keywords: []string{"side"}}.packet(), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Read(img)
	if err != nil {
		t.Fatal(err)
	}
	// The caption is only in IIM: it still fills in.
	if m.Title != "Sidecar headline" || m.Description != "IIM caption" || !reflect.DeepEqual(m.Keywords, []string{"side"}) {
		t.Errorf("got %q / %q / %q, want Sidecar headline / IIM caption / [side]", m.Title, m.Description, m.Keywords)
	}
}

// A 4.8 MB sidecar (200,000 keywords; Lightroom's masks make real ones
// this big) was cut at 4 MiB and reported as malformed XML, losing its
// headline. Sidecars are read whole up to MaxSidecar.
func TestLargeSidecarIsReadWhole(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "p.jpg")
	if err := os.WriteFile(img, jpegWith(t, 8, 8), 0o644); err != nil {
		t.Fatal(err)
	}
	kw := manyKeywords(200000)
	packet := xmpDoc{keywords: kw, description: "At the end"}.packet()
	if len(packet) <= MaxPacket {
		t.Fatalf("sidecar of %d bytes does not exceed MaxPacket", len(packet))
	}
	if err := os.WriteFile(filepath.Join(dir, "p.xmp"), packet, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Read(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Keywords) != len(kw) || m.Description != "At the end" || m.Warnings != nil {
		t.Errorf("got %d keywords, description %q, warnings %q; want %d, At the end, none",
			len(m.Keywords), m.Description, m.Warnings, len(kw))
	}
}

// A sidecar that exists but cannot be read was skipped silently, so the
// file was added without the keywords kept there. It is an error naming
// the sidecar.
func TestUnreadableSidecarIsAnError(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "p.jpg")
	if err := os.WriteFile(img, jpegWith(t, 8, 8), 0o644); err != nil {
		t.Fatal(err)
	}
	side := filepath.Join(dir, "p.xmp")

	// Larger than MaxSidecar (sparse: no disk is used).
	f, err := os.Create(side)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxSidecar + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Read(img)
	var se *SidecarError
	if !errors.As(err, &se) || se.Path != side || !strings.Contains(err.Error(), "more than the 32 MiB") {
		t.Errorf("oversized sidecar: err = %v, want a SidecarError naming %s and the limit", err, side)
	}
	if _, err := ReadWith(img, Options{NoSidecar: true}); err != nil {
		t.Errorf("NoSidecar still looked at the sidecar: %v", err)
	}

	// A symbolic link that loops (works as root too, unlike chmod 000).
	os.Remove(side)
	if err := os.Symlink(side, side); err != nil {
		t.Fatal(err)
	}
	_, err = Read(img)
	if !errors.As(err, &se) || se.Path != side || !errors.Is(err, syscall.ELOOP) {
		t.Errorf("looping sidecar: err = %v, want a SidecarError saying it loops", err)
	}

	// Unreadable, where permissions apply (not as root).
	os.Remove(side)
	if err := os.WriteFile(side, xmpDoc{title: "kept here"}.packet(), 0o000); err != nil {
		t.Fatal(err)
	}
	if g, err := os.Open(side); err == nil {
		g.Close()
		t.Log("running as a user who reads mode-000 files (root): permission case not checked")
		return
	}
	_, err = Read(img)
	if !errors.As(err, &se) || se.Path != side || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("unreadable sidecar: err = %v, want a SidecarError saying permission denied", err)
	}
}

func TestImagesOf(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.dng", "a.jpg", "a.xmp", "b.jpg", "b.jpg.xmp", "b.xmp", "c[1].heic", "c[1].xmp", "d.txt", "d.xmp"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	for _, tt := range []struct {
		sidecar string
		want    []string
	}{
		{"a.xmp", []string{p("a.dng"), p("a.jpg")}}, // RAW+JPEG: Lightroom's one sidecar serves both
		{"b.jpg.xmp", []string{p("b.jpg")}},
		{"b.xmp", nil}, // b.jpg reads b.jpg.xmp first
		{"c[1].xmp", []string{p("c[1].heic")}},
		{"d.xmp", nil}, // not a file Stocksync accepts
		{"none.xmp", nil},
	} {
		if got := ImagesOf(p(tt.sidecar)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ImagesOf(%s) = %q, want %q", tt.sidecar, got, tt.want)
		}
	}
}

// add hashed the sidecar in a second read after parsing it, so a sidecar
// saved in between was stored with the new hash and the old fields, and
// --refresh then saw nothing to do. The hash is of the bytes parsed.
func TestSidecarSHA256IsOfTheBytesRead(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "p.jpg")
	if err := os.WriteFile(img, jpegWith(t, 8, 8), 0o644); err != nil {
		t.Fatal(err)
	}
	packet := xmpDoc{title: "Sidecar"}.packet()
	if err := os.WriteFile(filepath.Join(dir, "p.xmp"), packet, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Read(img)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(packet)
	if m.SidecarSHA256 != hex.EncodeToString(sum[:]) || m.Title != "Sidecar" {
		t.Errorf("SidecarSHA256 %q, title %q", m.SidecarSHA256, m.Title)
	}
	if m, _ := ReadWith(img, Options{NoSidecar: true}); m.SidecarSHA256 != "" {
		t.Errorf("NoSidecar: SidecarSHA256 %q", m.SidecarSHA256)
	}
}

// A title read from XMP with U+009B (a terminal's one-character CSI) or
// another C1 control went into the store and on to ESP's headline.
func TestCleanTextDropsC1Controls(t *testing.T) {
	for in, want := range map[string]string{
		"Red\u009b31m maple":       "Red31m maple",
		"a\u0080b\u009fc":          "abc",
		"line one\u0085line two":   "line one\nline two",
		" \x00Zürich\t東京 café\r\n": "Zürich\t東京 café",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
	m := readBytes(t, "c1.jpg", jpegWith(t, 8, 8, app1XMP(xmpDoc{title: "Evil\u009b2J title"}.packet())))
	if m.Title != "Evil2J title" {
		t.Errorf("title %q", m.Title)
	}
}

// A headline with a line break inside went to the store (and ESP's
// one-line headline) as two lines, while a typed title may not have one.
// (XML makes the CR LF one line break.)
func TestTitleIsOneLine(t *testing.T) {
	m := readBytes(t, "t.jpg", jpegWith(t, 8, 8, app1XMP(xmpDoc{headline: "Two\nlines\tand a tab", title: "Doc\r\ntitle"}.packet())))
	if m.Title != "Two lines and a tab" || m.Headline != "Two lines and a tab" || m.DocTitle != "Doc title" {
		t.Errorf("title %q, headline %q, doc title %q", m.Title, m.Headline, m.DocTitle)
	}
}
