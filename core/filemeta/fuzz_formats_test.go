package filemeta

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Fuzz targets for the readers added for issue 13. Seeds: testdata/fuzz/<target>,
// written by go test -run TestFormatFuzzSeeds -update.

// extSeeds are ExtendedXMP chunk lists: each is a main packet and the
// payloads after the ExtendedXMP signature, length-prefixed (2 bytes).
func extSeeds() [][]byte {
	pack := func(main []byte, segs [][]byte) []byte {
		var b []byte
		b = binary.BigEndian.AppendUint16(b, uint16(len(main)))
		b = append(b, main...)
		for _, s := range segs {
			p := s[4+len(extSig):] // strip marker, length and signature
			b = binary.BigEndian.AppendUint16(b, uint16(len(p)))
			b = append(b, p...)
		}
		return b
	}
	ext := xmpDoc{keywords: manyKeywords(40)}.packet()
	segs, guid := extendedXMP(ext, 300)
	one, guid1 := extendedXMP(xmpDoc{title: "ext"}.packet(), 4000)
	return [][]byte{
		pack(mainWithExt("Main", guid), segs),
		pack(mainWithExt("Main", guid), segs[1:]),
		pack(mainWithExt("Main", guid1), one),
		pack([]byte("no main"), append(one, segs[0])),
	}
}

// splitSeed undoes extSeeds' packing, tolerating anything.
func splitSeed(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 2 && len(out) < 64 {
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		n = min(n, len(b))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// FuzzExtendedXMP feeds a main packet and ExtendedXMP chunks: whatever
// they claim, the reassembly is all-or-nothing and checked by MD5, and the
// JPEG made of them reads without panicking.
func FuzzExtendedXMP(f *testing.F) {
	for _, s := range extSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		parts := splitSeed(data)
		if len(parts) == 0 {
			return
		}
		e := newExtXMP()
		for _, p := range parts[1:] {
			e.add(p)
		}
		var fd found
		out := e.assemble([][]byte{parts[0]}, &fd)
		if out != nil {
			sum := md5.Sum(out)
			if !strings.EqualFold(hex.EncodeToString(sum[:]), hasExtGUID(parts[0], e)) {
				t.Fatalf("reassembled %d bytes whose MD5 is not their GUID", len(out))
			}
		}
		if len(fd.warnings) > maxWarnings {
			t.Fatalf("%d warnings", len(fd.warnings))
		}
		segs := [][]byte{app1XMP(parts[0])}
		for _, p := range parts[1:] {
			segs = append(segs, segment(0xe1, append([]byte(extSig), p...)))
		}
		jpg := append([]byte{0xff, 0xd8}, bytes.Join(segs, nil)...)
		jpg = append(jpg, 0xff, 0xda, 0, 2, 0xff, 0xd9)
		if m, err := ReadFrom(bytes.NewReader(jpg), int64(len(jpg)), "x.jpg"); err == nil {
			checkMeta(t, m)
		}
	})
}

// hasExtGUID is the GUID assemble chose: the one the main packet names,
// else the only one collected.
func hasExtGUID(main []byte, e *extXMP) string {
	if g := hasExtRE.FindSubmatch(main); g != nil {
		return string(g[1])
	}
	if len(e.order) == 1 {
		return e.order[0]
	}
	return ""
}

func utf16Seeds() [][]byte {
	p := string(xmpDoc{title: "Zürich – 東京", keywords: []string{"eins", "zwei"}}.packet())
	var le32 []byte
	for _, r := range "\uFEFF" + p {
		le32 = binary.LittleEndian.AppendUint32(le32, uint32(r))
	}
	return [][]byte{
		utf16Bytes(p, binary.BigEndian, true),
		utf16Bytes(p, binary.LittleEndian, true),
		utf16Bytes(strings.TrimPrefix(p, p[:strings.Index(p, "<x:")]), binary.BigEndian, false),
		le32,
		{0xfe, 0xff, 0xd8, 0x00, 0x00, '<'}, // a lone surrogate
	}
}

// FuzzUTF16XMP feeds packets in UTF-16 and UTF-32: decoding never panics
// and always gives valid UTF-8, and what is read stays clean.
func FuzzUTF16XMP(f *testing.F) {
	for _, s := range utf16Seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, packet []byte) {
		x, _ := parseXMPSalvaged(packet)
		var m Meta
		merge(&m, x, exifText{}, qtText{}, pngText{}, TitleHeadlineFirst)
		checkMeta(t, m)
	})
}

var pngTextTypes = []string{"tEXt", "zTXt", "iTXt"}

func rawProfileSeeds() [][]byte {
	irb := append([]byte(psSig), irbResource(0x0404, iimBlock(ds{2, 5, "ovni"}, ds{2, 25, "ufo"}))...)
	exif := append([]byte("Exif\x00\x00"), tiffFile(binary.LittleEndian, asciiTag(tagImageDescription, "EXIF caption"))...)
	return [][]byte{
		append([]byte("Raw profile type iptc\x00"), rawProfileText("iptc", irb)...),
		append([]byte("Raw profile type xmp\x00"), rawProfileText("xmp", xmpDoc{title: "raw"}.packet())...),
		append([]byte("Raw profile type exif\x00"), rawProfileText("exif", exif)...),
		[]byte("Raw profile type 8bim\x00\n8bim\n 99999999\nzz\n"),
	}
}

// FuzzPNGRawProfile feeds ImageMagick raw-profile text chunks of each
// type: bounded, never a panic, and whatever they hold reads clean.
func FuzzPNGRawProfile(f *testing.F) {
	for i, s := range rawProfileSeeds() {
		f.Add(uint8(i%3), s)
	}
	f.Fuzz(func(t *testing.T, typ uint8, chunk []byte) {
		var fd found
		fd.pngRawProfile(pngTextTypes[int(typ)%len(pngTextTypes)], chunk)
		var m Meta
		fd.resolve(&m, TitleHeadlineFirst)
		checkMeta(t, m)
		if len(m.Warnings) > maxWarnings {
			t.Fatalf("%d warnings", len(m.Warnings))
		}
	})
}

func quickTimeSeeds() [][]byte {
	return [][]byte{
		box("meta", box("hdlr", make([]byte, 24)),
			qtKeys("com.apple.quicktime.title", "com.apple.quicktime.keywords"),
			box("ilst", box(idx(1), qtData("Keys title")), box(idx(2), qtData("a,b")))),
		box("udta", box("meta", make([]byte, 4), box("ilst", box("\xa9nam", qtData("Item")), box("desc", qtData("D"))))),
		box("udta", box("\xa9nam", []byte("\x00\x05\x55\xc4Title"))),
		box("meta", qtKeys("x"), box("ilst", box(idx(7), qtData("out of range")))),
	}
}

// FuzzQuickTimeKeys feeds the body of a moov box: Keys, ItemList and user
// data atoms, however broken, read without panicking and clean.
func FuzzQuickTimeKeys(f *testing.F) {
	for _, s := range quickTimeSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, moov []byte) {
		file := bytes.Join([][]byte{ftyp("qt  "), box("moov", moov), box("mdat", []byte{1})}, nil)
		m, err := ReadFrom(bytes.NewReader(file), int64(len(file)), "x.mov")
		if err != nil {
			return // a box longer than the file is a refusal
		}
		checkMeta(t, m)
	})
}

var formatFuzzSeeds = map[string]func() [][]byte{
	"FuzzExtendedXMP":   extSeeds,
	"FuzzUTF16XMP":      utf16Seeds,
	"FuzzQuickTimeKeys": quickTimeSeeds,
}

// TestFormatFuzzSeeds checks the seed corpora of these targets are
// committed and, with -update, writes them.
func TestFormatFuzzSeeds(t *testing.T) {
	if *update {
		for name, seeds := range formatFuzzSeeds {
			os.RemoveAll(filepath.Join("testdata", "fuzz", name))
			for i, s := range seeds() {
				mustWrite(t, filepath.Join("testdata", "fuzz", name, fmt.Sprintf("seed-%d", i)), corpusFile(fmt.Sprintf("[]byte(%q)", s)))
			}
		}
		os.RemoveAll(filepath.Join("testdata", "fuzz", "FuzzPNGRawProfile"))
		for i, s := range rawProfileSeeds() {
			mustWrite(t, filepath.Join("testdata", "fuzz", "FuzzPNGRawProfile", fmt.Sprintf("seed-%d", i)),
				corpusFile(fmt.Sprintf("byte(%q)", uint8(i%3)), fmt.Sprintf("[]byte(%q)", s)))
		}
	}
	for _, name := range []string{"FuzzExtendedXMP", "FuzzUTF16XMP", "FuzzPNGRawProfile", "FuzzQuickTimeKeys"} {
		if entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", name)); err != nil || len(entries) == 0 {
			t.Errorf("no seed corpus for %s (run go test -run TestFormatFuzzSeeds -update): %v", name, err)
		}
	}
}
