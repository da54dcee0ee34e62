package filemeta

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
)

// Found by trying `add` on PNGs written by ExifTool: EXIF in the eXIf
// chunk (PNG 1.5; ExifTool's default for PNG) and PNG's own "Title" and
// "Description" text chunks were not read and not said.
func TestPNGNativeTextAndEXIf(t *testing.T) {
	tEXt := func(k, v string) []byte { return pngChunk("tEXt", append([]byte(k+"\x00"), v...)) }
	exif := pngChunk("eXIf", tiffFile(binary.LittleEndian, asciiTag(tagImageDescription, "eXIf description"),
		xpTag(tagXPKeywords, "e1;e2")))

	m := readBytes(t, "native.png", pngWith(t, 4, 3, false,
		tEXt("Title", "Caf\xe9 title"), // Latin-1, as tEXt is
		itxt("Description", []byte("Ünïcode description"), true)))
	if m.Title != "Café title" || m.TitleFrom != TitleFromPNG || m.Description != "Ünïcode description" || m.Width != 4 {
		t.Errorf("native text: %q (%s) / %q / %dx%d", m.Title, m.TitleFrom, m.Description, m.Width, m.Height)
	}

	m = readBytes(t, "exif.png", pngWith(t, 4, 3, true, exif))
	if m.Description != "eXIf description" || !reflect.DeepEqual(m.Keywords, []string{"e1", "e2"}) {
		t.Errorf("eXIf: %q / %q", m.Description, m.Keywords)
	}

	// Fallbacks only: XMP wins, and EXIF's description comes before PNG's.
	m = readBytes(t, "both.png", pngWith(t, 4, 3, false, exif, tEXt("Title", "PNG title"), tEXt("Description", "PNG description"),
		itxt(pngXMPKeyword, xmpDoc{title: "XMP title"}.packet(), false)))
	if m.Title != "XMP title" || m.Description != "eXIf description" {
		t.Errorf("precedence: %q / %q", m.Title, m.Description)
	}

	// A cut-off eXIf chunk cuts the file off like any other chunk.
	b := pngWith(t, 4, 3, false, exif)
	if _, err := ReadFrom(bytes.NewReader(b[:51]), 51, "cut.png"); err == nil {
		t.Error("a PNG cut inside eXIf was accepted")
	}
}

// Photo Mechanic's metapm.png keeps the binary IIM block itself in
// "Raw profile type iptc", not in hex: it was called malformed (the
// warning quoted its bytes) and its keywords were not read.
func TestPNGRawProfileBinaryIIM(t *testing.T) {
	iim := iimBlock(ds{2, 105, "PM headline"}, ds{2, 25, "pm"})
	m := readBytes(t, "pm.png", pngWith(t, 3, 2, true, zTXt("Raw profile type iptc", iim)))
	if m.Title != "PM headline" || !reflect.DeepEqual(m.Keywords, []string{"pm"}) || m.Warnings != nil {
		t.Errorf("got %q / %q, warnings %q", m.Title, m.Keywords, m.Warnings)
	}
}
