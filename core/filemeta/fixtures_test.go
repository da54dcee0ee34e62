package filemeta

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// Builders for real files: images encoded by the standard library, with
// metadata segments spliced in the way Photoshop, Lightroom and ExifTool
// lay them out.

// xmpDoc is what a fixture packet says.
type xmpDoc struct {
	title, titleDE, description, headline string
	keywords                              []string
}

// packet writes an XMP packet in Adobe's element form, with the
// <?xpacket?> wrapper and padding.
func (x xmpDoc) packet() []byte {
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"`)
	if x.headline != "" {
		b.WriteString("\n    photoshop:Headline=\"" + xmlEscape(x.headline) + "\"")
	}
	b.WriteString(">\n")
	if x.title != "" || x.titleDE != "" {
		b.WriteString("   <dc:title><rdf:Alt>\n")
		if x.titleDE != "" {
			b.WriteString(`    <rdf:li xml:lang="de">` + xmlEscape(x.titleDE) + "</rdf:li>\n")
		}
		if x.title != "" {
			b.WriteString(`    <rdf:li xml:lang="x-default">` + xmlEscape(x.title) + "</rdf:li>\n")
		}
		b.WriteString("   </rdf:Alt></dc:title>\n")
	}
	if x.description != "" {
		b.WriteString("   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xmlEscape(x.description) + "</rdf:li></rdf:Alt></dc:description>\n")
	}
	if len(x.keywords) > 0 {
		b.WriteString("   <dc:subject><rdf:Bag>\n")
		for _, k := range x.keywords {
			b.WriteString("    <rdf:li>" + xmlEscape(k) + "</rdf:li>\n")
		}
		b.WriteString("   </rdf:Bag></dc:subject>\n")
	}
	b.WriteString("  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n")
	b.WriteString(strings.Repeat(" ", 200) + "\n<?xpacket end=\"w\"?>")
	return []byte(b.String())
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func xmlEscape(s string) string { return xmlEscaper.Replace(s) }

// ds is one IPTC-IIM dataset.
type ds struct {
	rec, num byte
	value    string
}

func iimBlock(sets ...ds) []byte {
	var b []byte
	for _, d := range sets {
		b = append(b, 0x1c, d.rec, d.num, byte(len(d.value)>>8), byte(len(d.value)))
		b = append(b, d.value...)
	}
	return b
}

var utf8Marker = ds{1, 90, "\x1b%G"}

// irbResource wraps data as one Photoshop image resource with an empty
// name, padded to even length.
func irbResource(id uint16, data []byte) []byte {
	b := []byte("8BIM")
	b = binary.BigEndian.AppendUint16(b, id)
	b = append(b, 0, 0) // empty Pascal name, padded
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// segment builds a JPEG marker segment.
func segment(marker byte, payload []byte) []byte {
	n := len(payload) + 2
	return append([]byte{0xff, marker, byte(n >> 8), byte(n)}, payload...)
}

func app1XMP(packet []byte) []byte { return segment(0xe1, append([]byte(xmpSig), packet...)) }

func app13(irb []byte) []byte { return segment(0xed, append([]byte(psSig), irb...)) }

func testImage(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(200 + x), uint8(40 + y), 30, 255})
		}
	}
	return img
}

// jpegWith encodes a w×h JPEG and splices segs in right after SOI, where
// Photoshop puts APP1 and APP13.
func jpegWith(t testing.TB, w, h int, segs ...[]byte) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, testImage(w, h), &jpeg.Options{Quality: 50}); err != nil {
		t.Fatal(err)
	}
	b := enc.Bytes()
	out := append([]byte(nil), b[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, b[2:]...)
}

// pngChunk builds a PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

func itxt(keyword string, text []byte, compress bool) []byte {
	b := append([]byte(keyword), 0)
	if compress {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(text)
		zw.Close()
		b = append(b, 1, 0, 0, 0)
		return pngChunk("iTXt", append(b, z.Bytes()...))
	}
	b = append(b, 0, 0, 0, 0)
	return pngChunk("iTXt", append(b, text...))
}

// pngWith encodes a w×h PNG and inserts chunks after IHDR (or, with
// atEnd, just before IEND, where some tools append XMP).
func pngWith(t testing.TB, w, h int, atEnd bool, chunks ...[]byte) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := png.Encode(&enc, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	b := enc.Bytes()
	at := 8 + 8 + 13 + 4
	if atEnd {
		at = len(b) - 12
	}
	out := append([]byte(nil), b[:at]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, b[at:]...)
}

// tiffEntry is one IFD entry; data is the value in the file's byte order.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

func tiffShort(bo byteOrder, tag uint16, v uint16) tiffEntry {
	return tiffEntry{tag, 3, 1, bo.AppendUint16(nil, v)}
}

func tiffLong(bo byteOrder, tag uint16, v uint32) tiffEntry {
	return tiffEntry{tag, 4, 1, bo.AppendUint32(nil, v)}
}

func tiffUndef(tag uint16, data []byte) tiffEntry {
	return tiffEntry{tag, 7, uint32(len(data)), data}
}

// tiffFile lays out a TIFF by hand: header, IFD0, then out-of-line values.
// A 1×1 strip of pixel data keeps it a real image.
func tiffFile(bo byteOrder, entries ...tiffEntry) []byte {
	hdr := []byte("II*\x00")
	if bo == binary.BigEndian {
		hdr = []byte("MM\x00*")
	}
	b := bo.AppendUint32(hdr, 8)
	dataOff := 8 + 2 + 12*len(entries) + 4
	b = bo.AppendUint16(b, uint16(len(entries)))
	var data []byte
	for _, e := range entries {
		b = bo.AppendUint16(b, e.tag)
		b = bo.AppendUint16(b, e.typ)
		b = bo.AppendUint32(b, e.count)
		if len(e.data) <= 4 {
			v := make([]byte, 4)
			copy(v, e.data)
			b = append(b, v...)
			continue
		}
		b = bo.AppendUint32(b, uint32(dataOff+len(data)))
		data = append(data, e.data...)
		if len(data)%2 == 1 {
			data = append(data, 0)
		}
	}
	b = bo.AppendUint32(b, 0) // no next IFD
	return append(b, data...)
}

// box builds an ISO-BMFF box.
func box(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

func ftyp(major string, compat ...string) []byte {
	p := []byte(major + "\x00\x00\x02\x00")
	for _, c := range compat {
		p = append(p, c...)
	}
	return box("ftyp", p)
}

// mp4With builds a small MP4/QuickTime file with XMP in moov/udta/XMP_, as
// Premiere and cameras write it, followed by media data.
func mp4With(first []byte, packet []byte) []byte {
	return bytes.Join([][]byte{
		first,
		box("moov", box("mvhd", make([]byte, 100)), box("udta", box("XMP_", packet))),
		box("mdat", bytes.Repeat([]byte{0x42, 0x17}, 100)),
	}, nil)
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}
