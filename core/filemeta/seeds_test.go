package filemeta

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// go test ./core/filemeta -run TestSeeds -update rewrites testdata/: the
// fixture files and the fuzz seed corpora, all made by the builders.
var update = flag.Bool("update", false, "rewrite testdata fixtures and fuzz seed corpora")

// fixtureFiles are committed under testdata/ as real files, for the fuzzer
// and for the add command's end-to-end tests.
func fixtureFiles(tb testing.TB) map[string][]byte {
	le := binary.LittleEndian
	return map[string][]byte{
		"maple.jpg": jpegWith(tb, 16, 9, app1XMP(maple.packet()), app13(irbResource(0x0404, mapleIIM))),
		"leaf.png":  pngWith(tb, 6, 4, false, itxt(pngXMPKeyword, xmpDoc{title: "Green leaf", keywords: []string{"leaf", "green"}}.packet(), true)),
		"scan.tif": tiffFile(le, tiffShort(le, tagImageWidth, 1), tiffShort(le, tagImageLength, 1),
			tiffUndef(tagIPTC, iimBlock(ds{2, 5, "Film scan"}, ds{2, 120, "Caf\xe9 at night"}, ds{2, 25, "film"}))),
	}
}

var fixtureWant = map[string]Meta{
	"maple.jpg": {Title: "Red maple leaf", Description: maple.description, Keywords: mapleKeywords,
		MediaType: "image", MimeType: "image/jpeg", Width: 16, Height: 9},
	"leaf.png": {Title: "Green leaf", Keywords: []string{"leaf", "green"}, MediaType: "image", MimeType: "image/png", Width: 6, Height: 4},
	"scan.tif": {Title: "Film scan", Description: "Café at night", Keywords: []string{"film"},
		MediaType: "image", MimeType: "image/tiff", Width: 1, Height: 1},
}

type fileSeed struct {
	name, ext string
	data      []byte
}

func readFromSeeds(tb testing.TB) []fileSeed {
	le := binary.LittleEndian
	var seeds []fileSeed
	for name, data := range fixtureFiles(tb) {
		seeds = append(seeds, fileSeed{name, filepath.Ext(name), data})
	}
	return append(seeds,
		fileSeed{"dng", ".dng", tiffFile(le, tiffLong(le, tagNewSubfileType, 1), tiffUndef(tagXMP, xmpDoc{title: "Raw"}.packet()),
			tiffUndef(tagPhotoshop, irbResource(0x0404, iimBlock(ds{2, 25, "k"}))))},
		fileSeed{"mp4", ".mp4", mp4With(ftyp("isom", "mp42"), xmpDoc{title: "Clip", keywords: []string{"a"}}.packet())},
		fileSeed{"heic", ".heic", mp4With(ftyp("heic", "mif1"), xmpDoc{description: "HEIC"}.packet())},
		fileSeed{"mov-wide", ".mov", mp4With(box("wide"), nil)},
		fileSeed{"mp4-uuid", ".mp4", bytes.Join([][]byte{ftyp("mp42"), box("uuid", xmpUUID, xmpDoc{title: "U"}.packet()), box("mdat")}, nil)},
		fileSeed{"jpeg-split-app13", ".jpg", jpegWith(tb, 2, 2, app13(irbResource(0x0404, mapleIIM)[:9]), app13(irbResource(0x0404, mapleIIM)[9:]))},
		fileSeed{"png-end", ".png", pngWith(tb, 1, 1, true, itxt(pngXMPKeyword, xmpDoc{headline: "H"}.packet(), false))},
		fileSeed{"gif", ".gif", []byte("GIF89a\x01\x00\x01\x00")},
		fileSeed{"heic-exif-v0", ".heic", heifWithExif(tb, 0, tiffFile(le, asciiTag(tagImageDescription, "D")), 0)},
		fileSeed{"heic-exif-v2", ".heic", heifWithExif(tb, 2, tiffFile(le, xpTag(tagXPTitle, "T")), 0)},
		fileSeed{"png-exif-native", ".png", pngWith(tb, 1, 1, false, pngChunk("eXIf", tiffFile(le, asciiTag(tagImageDescription, "D"))),
			pngChunk("tEXt", []byte("Title\x00T")), itxt("Description", []byte("D"), true))},
	)
}

func xmpSeeds() [][]byte {
	return [][]byte{
		maple.packet(),
		xmpDoc{headline: "Headline <&>", keywords: []string{"one"}}.packet(),
		[]byte(rdfOpen + `<rdf:Description dc:title="Attr" dc:subject="a, b"/>` + rdfClose),
		[]byte(rdfOpen + `<rdf:Description><dc:subject><rdf:Bag><rdf:li>a</rdf:li><rdf:li>b`),
		[]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><x:xmpmeta><rdf:RDF><rdf:Description><dc:title>Plain &nbsp; &#xe9;</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`),
	}
}

func iimSeeds() [][]byte {
	return [][]byte{
		mapleIIM,
		irbResource(0x0404, mapleIIM),
		append(irbResource(0x03ed, []byte("odd")), irbResource(0x0404, iimBlock(ds{2, 5, "Caf\xe9"}))...),
		append([]byte{0x1c, 2, 120, 0x80, 0x04, 0, 0, 0, 5}, "Hello"...),
		append(iimBlock(ds{2, 25, "k"}, ds{2, 25, "K"}), 0, 0),
	}
}

// TestSeeds checks the committed fixtures still read as promised and, with
// -update, writes them and the seed corpora first.
func TestSeeds(t *testing.T) {
	if *update {
		writeSeeds(t)
	}
	for name, want := range fixtureWant {
		got, err := Read(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		got.Headline, got.DocTitle, got.TitleFrom = "", "", ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s\n got %#v\nwant %#v", name, got, want)
		}
	}
	for _, fuzzer := range []string{"FuzzReadFrom", "FuzzXMP", "FuzzIIM"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", fuzzer))
		if err != nil || len(entries) == 0 {
			t.Errorf("no seed corpus for %s (run with -update): %v", fuzzer, err)
		}
	}
}

func writeSeeds(t *testing.T) {
	t.Helper()
	for name, data := range fixtureFiles(t) {
		mustWrite(t, filepath.Join("testdata", name), data)
	}
	for _, fuzzer := range []string{"FuzzReadFrom", "FuzzXMP", "FuzzIIM"} {
		if err := os.RemoveAll(filepath.Join("testdata", "fuzz", fuzzer)); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range readFromSeeds(t) {
		mustWrite(t, filepath.Join("testdata", "fuzz", "FuzzReadFrom", "seed-"+s.name),
			corpusFile(fmt.Sprintf("byte(%q)", extIndex(s.ext)), fmt.Sprintf("[]byte(%q)", s.data)))
	}
	for i, s := range xmpSeeds() {
		mustWrite(t, filepath.Join("testdata", "fuzz", "FuzzXMP", fmt.Sprintf("seed-%d", i)), corpusFile(fmt.Sprintf("[]byte(%q)", s)))
	}
	for i, s := range iimSeeds() {
		mustWrite(t, filepath.Join("testdata", "fuzz", "FuzzIIM", fmt.Sprintf("seed-%d", i)), corpusFile(fmt.Sprintf("[]byte(%q)", s)))
	}
}

// corpusFile writes values in the format of go test's fuzz cache.
func corpusFile(values ...string) []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, v := range values {
		b.WriteString(v + "\n")
	}
	return b.Bytes()
}

func mustWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
