package filemeta

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// Each test here is one fault kind of issue #13, with the value a correct
// reader gives.

func readBytes(t *testing.T, name string, data []byte) Meta {
	t.Helper()
	m, err := ReadFrom(bytes.NewReader(data), int64(len(data)), name)
	if err != nil {
		t.Fatalf("ReadFrom(%s): %v", name, err)
	}
	checkMeta(t, m)
	return m
}

// extendedXMP splits ext into ExtendedXMP APP1 segments of at most chunk
// bytes, and returns them with the GUID the main packet must name.
func extendedXMP(ext []byte, chunk int) ([][]byte, string) {
	sum := md5.Sum(ext)
	guid := strings.ToUpper(hex.EncodeToString(sum[:]))
	var segs [][]byte
	for off := 0; off < len(ext); off += chunk {
		end := min(off+chunk, len(ext))
		p := append([]byte(extSig), guid...)
		p = binary.BigEndian.AppendUint32(p, uint32(len(ext)))
		p = binary.BigEndian.AppendUint32(p, uint32(off))
		segs = append(segs, segment(0xe1, append(p, ext[off:end]...)))
	}
	return segs, guid
}

func mainWithExt(title, guid string) []byte {
	return []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmpNote="http://ns.adobe.com/xmp/note/"
 xmpNote:HasExtendedXMP="` + guid + `"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + title + `</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>`)
}

func manyKeywords(n int) []string {
	kw := make([]string, n)
	for i := range kw {
		kw[i] = fmt.Sprintf("keyword%04d", i)
	}
	return kw
}

// Fault 1: keywords in ExtendedXMP segments were ignored.
func TestExtendedXMPIsReassembled(t *testing.T) {
	kw := manyKeywords(2000)
	ext := xmpDoc{keywords: kw}.packet()
	segs, guid := extendedXMP(ext, 65000)
	if len(segs) < 2 {
		t.Fatalf("fixture has %d ExtendedXMP segments, want several", len(segs))
	}
	// Out of order on purpose: offsets, not order, place the chunks.
	all := append([][]byte{app1XMP(mainWithExt("Main title", guid))}, segs[1:]...)
	all = append(all, segs[0])
	m := readBytes(t, "kw.jpg", jpegWith(t, 8, 8, all...))
	if m.Title != "Main title" || !reflect.DeepEqual(m.Keywords, kw) || len(m.Warnings) != 0 {
		t.Errorf("got title %q, %d keywords, warnings %q; want Main title, 2000, none", m.Title, len(m.Keywords), m.Warnings)
	}

	// A damaged chunk fails the MD5 check: the main packet is still read,
	// and the user is told part of the XMP was not.
	bad := bytes.Clone(segs[0])
	bad[len(bad)-300] ^= 1
	m = readBytes(t, "kw.jpg", jpegWith(t, 8, 8, append([][]byte{app1XMP(mainWithExt("Main title", guid)), bad}, segs[1:]...)...))
	want := []string{"ExtendedXMP " + guid + " does not match its checksum; not read"}
	if m.Title != "Main title" || len(m.Keywords) != 0 || !reflect.DeepEqual(m.Warnings, want) {
		t.Errorf("damaged: title %q, %d keywords, warnings %q; want %q", m.Title, len(m.Keywords), m.Warnings, want)
	}

	// A missing chunk is incomplete.
	m = readBytes(t, "kw.jpg", jpegWith(t, 8, 8, app1XMP(mainWithExt("T", guid)), segs[0]))
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "is incomplete") {
		t.Errorf("missing chunk: warnings %q", m.Warnings)
	}
}

func utf16Bytes(s string, bo byteOrder, bom bool) []byte {
	var b []byte
	if bom {
		b = bo.AppendUint16(b, 0xfeff)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = bo.AppendUint16(b, u)
	}
	return b
}

// Fault 2: UTF-16 and UTF-32 XMP lost every field to an XML error.
func TestUTF16And32XMP(t *testing.T) {
	doc := xmpDoc{title: "Zürich – 東京", description: "UTF-16 caption", keywords: []string{"eins", "zwei"}}
	packet := string(doc.packet())
	utf32be := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = binary.BigEndian.AppendUint32(b, uint32(r))
		}
		return b
	}
	for name, p := range map[string][]byte{
		"UTF-16BE with BOM":    utf16Bytes(packet, binary.BigEndian, true),
		"UTF-16LE without BOM": utf16Bytes(strings.TrimPrefix(packet, "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"), binary.LittleEndian, false),
		"UTF-32BE":             utf32be(packet),
	} {
		t.Run(name, func(t *testing.T) {
			m := readBytes(t, "u.jpg", jpegWith(t, 8, 8, app1XMP(p)))
			if m.Title != doc.title || m.Description != doc.description || !reflect.DeepEqual(m.Keywords, doc.keywords) || m.Warnings != nil {
				t.Errorf("got %q / %q / %q, warnings %q", m.Title, m.Description, m.Keywords, m.Warnings)
			}
		})
	}
}

// Fault 3: with several XMP packets the first won; the last now wins
// field by field, as ExifTool and Exiv2 read them, and the user is told.
func TestSeveralXMPPacketsLastWins(t *testing.T) {
	first := xmpDoc{title: "First title", keywords: []string{"only in first"}}.packet()
	last := xmpDoc{title: "Last title"}.packet()
	m := readBytes(t, "two.jpg", jpegWith(t, 8, 8, app1XMP(first), app1XMP(last)))
	if m.Title != "Last title" || !reflect.DeepEqual(m.Keywords, []string{"only in first"}) {
		t.Errorf("got %q %q, want Last title [only in first]", m.Title, m.Keywords)
	}
	if want := []string{"the file has 2 XMP packets; the last one wins field by field"}; !reflect.DeepEqual(m.Warnings, want) {
		t.Errorf("warnings %q, want %q", m.Warnings, want)
	}
}

// Thousands of XMP segments are not all kept: the last ones win, memory
// stays bounded, and the same packet twice is no warning.
func TestManyXMPPacketsAreBounded(t *testing.T) {
	var segs [][]byte
	for i := range 300 {
		segs = append(segs, app1XMP(xmpDoc{title: fmt.Sprintf("Packet %d", i)}.packet()))
	}
	m := readBytes(t, "many.jpg", jpegWith(t, 8, 8, segs...))
	if m.Title != "Packet 299" || len(m.Warnings) != 1 || m.Warnings[0] != "the file has 300 XMP packets; the last one wins field by field" {
		t.Errorf("got %q, warnings %q", m.Title, m.Warnings)
	}
	p := app1XMP(xmpDoc{title: "Same"}.packet())
	if m := readBytes(t, "same.jpg", jpegWith(t, 8, 8, p, p)); m.Title != "Same" || m.Warnings != nil {
		t.Errorf("same packet twice: %q, warnings %q", m.Title, m.Warnings)
	}
}

// rawProfileText lays out a profile as ImageMagick does.
func rawProfileText(name string, data []byte) []byte {
	h := hex.EncodeToString(data)
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n%8d\n", name, len(data))
	for i := 0; i < len(h); i += 72 {
		b.WriteString(h[i:min(i+72, len(h))] + "\n")
	}
	return []byte(b.String())
}

func zTXt(keyword string, text []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(text)
	w.Close()
	return pngChunk("zTXt", append(append([]byte(keyword), 0, 0), z.Bytes()...))
}

// Fault 4: ImageMagick's "Raw profile type" text chunks were ignored.
func TestPNGRawProfiles(t *testing.T) {
	irb := append([]byte(psSig), irbResource(0x0404, iimBlock(ds{2, 5, "ovni"}, ds{2, 25, "ufo"}))...)
	xmp := xmpDoc{description: "From the raw XMP profile"}.packet()
	data := pngWith(t, 3, 2, false,
		zTXt("Raw profile type iptc", rawProfileText("iptc", irb)),
		pngChunk("tEXt", append([]byte("Raw profile type xmp\x00"), rawProfileText("xmp", xmp)...)))
	m := readBytes(t, "im.png", data)
	if m.Title != "ovni" || m.Description != "From the raw XMP profile" || !reflect.DeepEqual(m.Keywords, []string{"ufo"}) || m.Warnings != nil {
		t.Errorf("got %q / %q / %q, warnings %q", m.Title, m.Description, m.Keywords, m.Warnings)
	}
	// A profile whose length lies is reported, not trusted.
	data = pngWith(t, 3, 2, false, pngChunk("tEXt", []byte("Raw profile type xmp\x00\nxmp\n     999\n3c78\n")))
	m = readBytes(t, "lie.png", data)
	if want := []string{`PNG "Raw profile type xmp" chunk is malformed: profile says 999 bytes but has 2`}; !reflect.DeepEqual(m.Warnings, want) {
		t.Errorf("warnings %q, want %q", m.Warnings, want)
	}
}

// Fault 5: stray bytes between JPEG segments stopped the walk.
func TestJPEGStrayBytesAreSkipped(t *testing.T) {
	iim := app13(irbResource(0x0404, iimBlock(ds{2, 5, "After the junk"}, ds{2, 25, "junk"})))
	// As in the camera files: two stray bytes after APP0, before APP13.
	junk := append(append(segment(0xe0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")), 0x00, 0x00), iim...)
	m := readBytes(t, "junk.jpg", jpegWith(t, 8, 8, junk))
	if m.Title != "After the junk" || !reflect.DeepEqual(m.Keywords, []string{"junk"}) || m.Warnings != nil || m.Width != 8 {
		t.Errorf("got %+v", m)
	}
}

// Fault 6: the IPTCDigest decides between XMP and IIM (MWG rule).
func TestIPTCDigestDecides(t *testing.T) {
	iim := iimBlock(ds{2, 5, "IIM title"}, ds{2, 120, "IIM caption"}, ds{2, 25, "iim"})
	sum := md5.Sum(iim)
	xmp := app1XMP(xmpDoc{title: "XMP title", keywords: []string{"xmp"}}.packet())
	for _, tt := range []struct {
		name     string
		digest   []byte
		title    string
		keywords []string
	}{
		{"no digest: XMP wins", nil, "XMP title", []string{"xmp"}},
		{"digest matches: XMP wins", sum[:], "XMP title", []string{"xmp"}},
		{"digest stale: IIM edited later wins", make([]byte, 16), "IIM title", []string{"iim"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			irb := irbResource(0x0404, iim)
			if tt.digest != nil {
				irb = append(irb, irbResource(0x0425, tt.digest)...)
			}
			m := readBytes(t, "d.jpg", jpegWith(t, 8, 8, xmp, app13(irb)))
			// The caption is only in IIM: it fills in whichever wins.
			if m.Title != tt.title || m.Description != "IIM caption" || !reflect.DeepEqual(m.Keywords, tt.keywords) {
				t.Errorf("got %q / %q / %q, want %q / IIM caption / %q", m.Title, m.Description, m.Keywords, tt.title, tt.keywords)
			}
		})
	}
}

func exifSegment(entries ...tiffEntry) []byte {
	return segment(0xe1, append([]byte("Exif\x00\x00"), tiffFile(binary.LittleEndian, entries...)...))
}

func xpTag(tag uint16, s string) tiffEntry {
	b := append(utf16Bytes(s, binary.LittleEndian, false), 0, 0)
	return tiffEntry{tag, 1, uint32(len(b)), b}
}

func asciiTag(tag uint16, s string) tiffEntry {
	return tiffEntry{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

// Fault 7: EXIF ImageDescription and Windows XP tags are the last
// fallback, without camera boilerplate.
func TestEXIFFallback(t *testing.T) {
	m := readBytes(t, "win.jpg", jpegWith(t, 8, 8, exifSegment(
		asciiTag(tagImageDescription, "EXIF description only"), xpTag(tagXPTitle, "Windows title"),
		xpTag(tagXPKeywords, "win1;win2"))))
	if m.Title != "Windows title" || m.TitleFrom != TitleFromWindows || m.Description != "EXIF description only" ||
		!reflect.DeepEqual(m.Keywords, []string{"win1", "win2"}) {
		t.Errorf("got %q (%s) / %q / %q", m.Title, m.TitleFrom, m.Description, m.Keywords)
	}
	for _, b := range []string{"OLYMPUS DIGITAL CAMERA", "SONY DSC", `DCIM\100GOPRO`, "KODAK Digital Still Camera     ", "   ", ""} {
		m := readBytes(t, "cam.jpg", jpegWith(t, 8, 8, exifSegment(asciiTag(tagImageDescription, b))))
		if m.Description != "" {
			t.Errorf("ImageDescription %q became description %q", b, m.Description)
		}
	}
	// Embedded XMP or IIM always wins over EXIF.
	m = readBytes(t, "both.jpg", jpegWith(t, 8, 8, exifSegment(asciiTag(tagImageDescription, "EXIF")),
		app1XMP(xmpDoc{description: "XMP"}.packet())))
	if m.Description != "XMP" {
		t.Errorf("description %q, want XMP", m.Description)
	}
}

// Fault 8: one XML error dropped the whole packet; what parses elsewhere
// in it is salvaged.
func TestMalformedXMPIsSalvaged(t *testing.T) {
	packet := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Before the damage</rdf:li></rdf:Alt></dc:title>
</rdf:Description>
<rdf:Description rdf:nodeID="n<1" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <dc:subject><rdf:Bag><rdf:li>one</rdf:li><rdf:li>two &amp; three</rdf:li><rdf:li>four</rdf:li><rdf:li>five</rdf:li></rdf:Bag></dc:subject>
</rdf:Description></rdf:RDF></x:xmpmeta>`)
	m := readBytes(t, "bad.jpg", jpegWith(t, 8, 8, app1XMP(packet)))
	if m.Title != "Before the damage" || !reflect.DeepEqual(m.Keywords, []string{"one", "two & three", "four", "five"}) {
		t.Errorf("got %q / %q", m.Title, m.Keywords)
	}
	if len(m.Warnings) != 1 || !strings.HasPrefix(m.Warnings[0], "embedded XMP is malformed, read what could be salvaged: ") {
		t.Errorf("warnings %q", m.Warnings)
	}
}

func qtData(text string) []byte {
	return box("data", []byte{0, 0, 0, 1, 0, 0, 0, 0}, []byte(text))
}

func qtKeys(names ...string) []byte {
	p := binary.BigEndian.AppendUint32(make([]byte, 4), uint32(len(names)))
	for _, n := range names {
		p = binary.BigEndian.AppendUint32(p, uint32(8+len(n)))
		p = append(append(p, "mdta"...), n...)
	}
	return box("keys", p)
}

func idx(i uint32) string { return string(binary.BigEndian.AppendUint32(nil, i)) }

// Fault 9: QuickTime Keys and ItemList titles, sidecars, .heif and BigTIFF.
func TestQuickTimeKeysAndItemList(t *testing.T) {
	mdat := box("mdat", make([]byte, 64))
	keys := bytes.Join([][]byte{ftyp("qt  "), box("moov", box("mvhd", make([]byte, 100)), box("meta",
		box("hdlr", make([]byte, 24)),
		qtKeys("com.apple.quicktime.make", "com.apple.quicktime.title", "com.apple.quicktime.description", "com.apple.quicktime.keywords"),
		box("ilst", box(idx(1), qtData("Apple")), box(idx(2), qtData("Keys title")),
			box(idx(3), qtData("Keys description")), box(idx(4), qtData("alpha,beta"))))), mdat}, nil)
	m := readBytes(t, "k.mov", keys)
	if m.Title != "Keys title" || m.TitleFrom != TitleFromQuickTime || m.Description != "Keys description" ||
		!reflect.DeepEqual(m.Keywords, []string{"alpha", "beta"}) {
		t.Errorf("Keys: got %q / %q / %q", m.Title, m.Description, m.Keywords)
	}
	items := bytes.Join([][]byte{ftyp("mp42"), box("moov", box("mvhd", make([]byte, 100)), box("udta", box("meta",
		make([]byte, 4), box("hdlr", make([]byte, 24)),
		box("ilst", box("\xa9des", qtData("ItemList description")), box("\xa9nam", qtData("ItemList title")))))), mdat}, nil)
	m = readBytes(t, "i.mp4", items)
	if m.Title != "ItemList title" || m.Description != "ItemList description" {
		t.Errorf("ItemList: got %q / %q", m.Title, m.Description)
	}
	// XMP wins over QuickTime's own tags.
	both := bytes.Join([][]byte{ftyp("mp42"), box("moov", box("udta", box("XMP_", xmpDoc{title: "XMP"}.packet()), box("meta",
		make([]byte, 4), box("ilst", box("\xa9nam", qtData("ItemList title")))))), mdat}, nil)
	if m = readBytes(t, "b.mp4", both); m.Title != "XMP" {
		t.Errorf("XMP and ItemList: title %q, want XMP", m.Title)
	}
}

func TestSidecarWins(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.jpg", jpegWith(t, 8, 8, app1XMP(xmpDoc{title: "Embedded", description: "Embedded caption"}.packet())))
	write("a.xmp", xmpDoc{title: "Sidecar title", keywords: []string{"side"}}.packet())
	m, err := Read(filepath.Join(dir, "a.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "Sidecar title" || m.Description != "Embedded caption" || !reflect.DeepEqual(m.Keywords, []string{"side"}) ||
		m.Sidecar != filepath.Join(dir, "a.xmp") {
		t.Errorf("NAME.xmp: got %+v", m)
	}
	write("b.jpg", jpegWith(t, 8, 8))
	write("b.jpg.xmp", xmpDoc{title: "Darktable style"}.packet())
	if m, err = Read(filepath.Join(dir, "b.jpg")); err != nil || m.Title != "Darktable style" {
		t.Errorf("NAME.EXT.xmp: %+v, %v", m, err)
	}
	if m, err = ReadWith(filepath.Join(dir, "a.jpg"), Options{NoSidecar: true}); err != nil || m.Title != "Embedded" || m.Sidecar != "" {
		t.Errorf("NoSidecar: %+v, %v", m, err)
	}
	if got := Sidecars(filepath.Join(dir, "a.jpg")); len(got) != 1 || got[0] != filepath.Join(dir, "a.xmp") {
		t.Errorf("Sidecars = %q", got)
	}
}

func TestHEIFAndBigTIFF(t *testing.T) {
	heif := append(ftyp("mif1", "heic"), box("meta", make([]byte, 4), box("XMP?", xmpDoc{title: "HEIF"}.packet()))...)
	if m := readBytes(t, "a.heif", heif); m.Title != "HEIF" || m.MimeType != "image/heif" {
		t.Errorf(".heif: %+v", m)
	}
	// BigTIFF: header, 8-byte IFD offset, 8-byte count, 20-byte entries.
	le := binary.LittleEndian
	packet := xmpDoc{title: "Big"}.packet()
	b := []byte("II+\x00\x08\x00\x00\x00")
	b = le.AppendUint64(b, 16)
	b = le.AppendUint64(b, 2)
	entry := func(tag, typ uint16, count, value uint64) {
		b = le.AppendUint16(b, tag)
		b = le.AppendUint16(b, typ)
		b = le.AppendUint64(b, count)
		b = le.AppendUint64(b, value)
	}
	entry(tagImageWidth, 3, 1, 640)
	dataOff := uint64(len(b) + 20 + 8)
	entry(tagXMP, 1, uint64(len(packet)), dataOff)
	b = le.AppendUint64(b, 0)
	b = append(b, packet...)
	m := readBytes(t, "big.tif", b)
	if m.Title != "Big" || m.Width != 640 {
		t.Errorf("BigTIFF: %+v", m)
	}
}

// Fault 10: files cut off anywhere are refused, not added.
func TestCutOffFilesAreRefused(t *testing.T) {
	le := binary.LittleEndian
	pixels := bytes.Repeat([]byte{7}, 4000)
	tif := tiffFile(le, tiffShort(le, tagImageWidth, 40), tiffLong(le, tagStripOffsets, 0), tiffLong(le, tagStripByteCounts, uint32(len(pixels))))
	// Point the strip at the end of the file, then append the pixels.
	le.PutUint32(tif[8+2+12+8:], uint32(len(tif)))
	tif = append(tif, pixels...)
	// A DNG whose IFD0 is a small preview and whose raw data, in a
	// sub-IFD, is at the end of the file: cutting that off is caught too.
	raw := bytes.Repeat([]byte{9}, 4000)
	dng := tiffFile(le, tiffShort(le, tagImageWidth, 4), tiffLong(le, tagSubIFDs, 0))
	subOff := len(dng)
	le.PutUint32(dng[8+2+12+8:], uint32(subOff))
	dng = le.AppendUint16(dng, 2)
	dng = append(dng, 0x11, 0x01, 4, 0, 1, 0, 0, 0) // StripOffsets LONG 1
	dng = le.AppendUint32(dng, uint32(subOff+2+24+4))
	dng = append(dng, 0x17, 0x01, 4, 0, 1, 0, 0, 0) // StripByteCounts LONG 1
	dng = le.AppendUint32(dng, uint32(len(raw)))
	dng = le.AppendUint32(dng, 0)
	dng = append(dng, raw...)
	files := map[string][]byte{
		"raw.dng": dng,
		"a.jpg":   jpegWith(t, 64, 64, app1XMP(maple.packet())),
		"a.png":   pngWith(t, 64, 64, false, itxt(pngXMPKeyword, maple.packet(), false)),
		"a.mp4":   mp4With(ftyp("isom"), maple.packet()),
		"a.heic":  append(ftyp("heic"), box("mdat", make([]byte, 2000))...),
		"a.dng":   tif,
	}
	for name, data := range files {
		if _, err := ReadFrom(bytes.NewReader(data), int64(len(data)), name); err != nil {
			t.Fatalf("%s whole: %v", name, err)
		}
		cut := data[:len(data)*7/10]
		_, err := ReadFrom(bytes.NewReader(cut), int64(len(cut)), name)
		if err == nil || !strings.Contains(err.Error(), "the file is cut off") {
			t.Errorf("%s cut to %d of %d bytes: %v, want a refusal", name, len(cut), len(data), err)
		}
	}
}

// The title order: Headline first by default, dc:title / Object Name
// first when set; both are kept.
func TestTitlePrecedence(t *testing.T) {
	data := jpegWith(t, 8, 8, app1XMP(xmpDoc{headline: "Wigan Athletic v Norwich City", title: "PHC_WIGAN_NORWICH_20141206"}.packet()))
	m := readBytes(t, "press.jpg", data)
	if m.Title != "Wigan Athletic v Norwich City" || m.TitleFrom != TitleFromHeadline ||
		m.Headline != "Wigan Athletic v Norwich City" || m.DocTitle != "PHC_WIGAN_NORWICH_20141206" {
		t.Errorf("default: %+v", m)
	}
	m, err := ReadFromWith(bytes.NewReader(data), int64(len(data)), "press.jpg", Options{TitleOrder: TitleTitleFirst})
	if err != nil || m.Title != "PHC_WIGAN_NORWICH_20141206" || m.TitleFrom != TitleFromDocTitle {
		t.Errorf("title-first: %+v, %v", m, err)
	}
	// XMP Headline and IIM Object Name, no digest: each fills its own field.
	data = jpegWith(t, 8, 8, app1XMP(xmpDoc{headline: "XMP headline"}.packet()),
		app13(irbResource(0x0404, iimBlock(ds{2, 5, "IIM object name"}))))
	if m := readBytes(t, "mix.jpg", data); m.Title != "XMP headline" || m.DocTitle != "IIM object name" {
		t.Errorf("mixed: %+v", m)
	}
	for in, want := range map[string]TitleOrder{"": TitleHeadlineFirst, "headline-first": TitleHeadlineFirst, "title-first": TitleTitleFirst} {
		if got, err := ParseTitleOrder(in); err != nil || got != want {
			t.Errorf("ParseTitleOrder(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseTitleOrder("objectname"); err == nil {
		t.Error("ParseTitleOrder accepted objectname")
	}
}

// Lightroom's hierarchical keywords give their leaves when dc:subject is
// empty.
func TestHierarchicalSubjectLeaves(t *testing.T) {
	packet := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:lr="http://ns.adobe.com/lightroom/1.0/"><lr:hierarchicalSubject><rdf:Bag>
<rdf:li>Places|Europe|Zürich</rdf:li><rdf:li>Animals|Dog</rdf:li><rdf:li>Animals|Dog</rdf:li></rdf:Bag></lr:hierarchicalSubject>
</rdf:Description></rdf:RDF></x:xmpmeta>`)
	if m := readBytes(t, "h.jpg", jpegWith(t, 8, 8, app1XMP(packet))); !reflect.DeepEqual(m.Keywords, []string{"Zürich", "Dog"}) {
		t.Errorf("keywords %q", m.Keywords)
	}
}
