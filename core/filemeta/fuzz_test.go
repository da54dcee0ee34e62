package filemeta

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzExts maps FuzzReadFrom's first argument to a file name, so every
// walker is reached from any input.
var fuzzExts = []string{".jpg", ".png", ".tif", ".dng", ".heic", ".mov", ".mp4", ".m4v", ".gif"}

func extIndex(ext string) uint8 {
	for i, e := range fuzzExts {
		if e == ext {
			return uint8(i)
		}
	}
	panic("no fuzz index for " + ext)
}

// FuzzReadFrom feeds whole files. Seeds: testdata/fuzz/FuzzReadFrom and
// the fixtures under testdata/.
func FuzzReadFrom(f *testing.F) {
	for _, s := range readFromSeeds(f) {
		f.Add(extIndex(s.ext), s.data)
	}
	f.Fuzz(func(t *testing.T, ext uint8, data []byte) {
		name := "fuzz" + fuzzExts[int(ext)%len(fuzzExts)]
		m, err := ReadFrom(bytes.NewReader(data), int64(len(data)), name)
		if err != nil {
			// A bytes.Reader never fails, so only refusals are allowed.
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("ReadFrom: %v", err)
			}
			return
		}
		checkMeta(t, m)
		if m.MediaType != MediaImage && m.MediaType != MediaVideo || m.MimeType == "" {
			t.Fatalf("media type %q, MIME %q", m.MediaType, m.MimeType)
		}
		if len(m.Warnings) > maxWarnings {
			t.Fatalf("%d warnings", len(m.Warnings))
		}
	})
}

// FuzzXMP feeds packets to the XMP parser. Seeds: testdata/fuzz/FuzzXMP.
func FuzzXMP(f *testing.F) {
	for _, s := range xmpSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, packet []byte) {
		x, _ := parseXMPSalvaged(packet)
		var m Meta
		merge(&m, x, exifText{}, qtText{}, pngText{}, TitleHeadlineFirst)
		checkMeta(t, m)
	})
}

// FuzzIIM feeds IPTC-IIM record sets and Photoshop resource blocks.
// Seeds: testdata/fuzz/FuzzIIM.
func FuzzIIM(f *testing.F) {
	for _, s := range iimSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		block, err := iptcFromIRB(data)
		if err == nil && block != nil && !within(block, data) {
			t.Fatal("IPTC block is not a part of the resource block")
		}
		for _, in := range [][]byte{data, block} {
			i, _ := parseIIM(in)
			var m Meta
			merge(&m, i, exifText{}, qtText{}, pngText{}, TitleHeadlineFirst)
			checkMeta(t, m)
		}
	})
}

// within reports whether sub is a slice of b, i.e. nothing was copied or
// allocated for it.
func within(sub, b []byte) bool {
	if len(sub) == 0 {
		return true
	}
	return cap(b) > 0 && &b[:cap(b)][cap(b)-1] == &sub[:cap(sub)][cap(sub)-1]
}

// checkMeta holds the promises every Meta keeps: valid UTF-8 without
// control characters or surrounding space, and clean, distinct keywords.
func checkMeta(t *testing.T, m Meta) {
	t.Helper()
	for _, s := range append([]string{m.Title, m.Description}, m.Keywords...) {
		if !utf8.ValidString(s) || s != strings.TrimSpace(s) || strings.ContainsRune(s, 0) {
			t.Fatalf("unclean text %q", s)
		}
	}
	if m.Keywords == nil {
		t.Fatal("Keywords is nil")
	}
	seen := map[string]bool{}
	for _, k := range m.Keywords {
		if k == "" || seen[strings.ToLower(k)] {
			t.Fatalf("keyword %q empty or repeated in %q", k, m.Keywords)
		}
		seen[strings.ToLower(k)] = true
	}
}
