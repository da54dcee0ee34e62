package thumbs

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

const corpusFiles = "../../../shared/metadata-corpus/files"

func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusFiles, name))
	if os.IsNotExist(err) {
		t.Skipf("metadata corpus not found at %s", corpusFiles)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withRSTFill puts n 0xff fill bytes before every restart marker in the
// scans of the JPEG b (T.81 B.1.1.2 allows them before any marker).
func withRSTFill(b []byte, n int) []byte {
	sos := 2 // the first scan's header, found by segment lengths
	for b[sos+1] != 0xda {
		sos += 2 + int(binary.BigEndian.Uint16(b[sos+2:]))
	}
	out := append([]byte(nil), b[:sos]...)
	fill := bytes.Repeat([]byte{0xff}, n)
	for i := sos; i < len(b); i++ {
		if b[i] == 0xff && i+1 < len(b) && b[i+1] >= 0xd0 && b[i+1] <= 0xd7 {
			out = append(out, fill...)
		}
		out = append(out, b[i])
	}
	return out
}

// Every image the full decode (the check before) reads is a thumbnail the
// structural check accepts: real files from the metadata corpus (Adobe CMYK
// and YCCK, progressive, restart intervals, EXIF and APP segments, bytes
// between segments), and variants with fill bytes, ancillary PNG chunks and
// an animated GIF.
func TestCheckImageAcceptsEveryDecodableImage(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusFiles, "*"))
	if len(files) == 0 {
		t.Skipf("metadata corpus not found at %s", corpusFiles)
	}
	cases := map[string][]byte{}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.IsDir() {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[filepath.Base(f)] = b
	}
	dri := readCorpus(t, "real-0028-Reagan.jpg")
	cases["restart markers after one fill byte"] = withRSTFill(dri, 1)
	cases["restart markers after three fill bytes"] = withRSTFill(dri, 3)
	base := readCorpus(t, "real-0234-smiley1.jpg")
	cases["fill bytes before EOI"] = append(append(append([]byte(nil), base[:len(base)-2]...), 0xff, 0xff, 0xff), base[len(base)-2:]...)
	// 0xff 0x00 and a restart marker between segments: extraneous bytes
	// image/jpeg skips.
	app := jpegSegment(base, 0xdb)
	cases["0xff 0x00 between segments"] = splice(base, app, []byte{0xff, 0x00})
	cases["a stray restart marker before the frame"] = splice(base, app, []byte{0xff, 0xd3})
	var anim bytes.Buffer
	img := testImage()
	if err := gif.EncodeAll(&anim, &gif.GIF{Image: []*image.Paletted{img, img, img}, Delay: []int{10, 10, 10}}); err != nil {
		t.Fatal(err)
	}
	cases["animated GIF"] = anim.Bytes()
	p := mustPNG(t)
	cases["PNG with ancillary chunks"] = append(append(append([]byte(nil), p[:33]...),
		pngChunk("tEXt", []byte("Title\x00Fog"))...), append(pngChunk("pHYs", make([]byte, 9)), p[33:]...)...)

	cases["interlaced PNG (Adam7)"] = interlacedPNG(t)
	var gray bytes.Buffer
	gimg := image.NewGray(image.Rect(0, 0, 40, 24))
	for i := range gimg.Pix {
		gimg.Pix[i] = uint8(i * 7)
	}
	if err := jpeg.Encode(&gray, gimg, nil); err != nil {
		t.Fatal(err)
	}
	cases["grayscale JPEG"] = gray.Bytes()

	checked := 0
	for name, b := range cases {
		if _, _, err := image.Decode(bytes.NewReader(b)); err != nil {
			if _, corpus := cases[name]; !corpus || bytes.Contains([]byte(name), []byte(" ")) {
				t.Errorf("%s: the test image does not decode: %v", name, err)
			}
			continue // not an image the full decode read either
		}
		checked++
		if err := checkImage(b); err != nil {
			t.Errorf("%s: a valid image was refused: %v", name, err)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d images checked", checked)
	}
}

// pngChunk is a PNG chunk of type typ with data and its CRC-32.
func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(append(c, typ...), data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// jpegSegment is the offset of the first segment with marker m in the JPEG
// b, found by segment lengths.
func jpegSegment(b []byte, m byte) int {
	for i := 2; i+4 <= len(b); i += 2 + int(binary.BigEndian.Uint16(b[i+2:])) {
		if b[i+1] == m {
			return i
		}
	}
	panic("no such segment")
}

// splice is b with ins inserted at at.
func splice(b []byte, at int, ins []byte) []byte {
	return append(append(append([]byte(nil), b[:at]...), ins...), b[at:]...)
}

// Broken images the full decode refused and the walk of their structure
// let through: JPEG tables with a bad class, number or length, a scan
// using a table never defined or a component the frame lacks, a second
// frame header, and a GIF whose LZW data is garbled.
func TestCheckImageRefusesBrokenTables(t *testing.T) {
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	j := jb.Bytes()
	dht, dqt, sos, sof := jpegSegment(j, 0xc4), jpegSegment(j, 0xdb), jpegSegment(j, 0xda), jpegSegment(j, 0xc0)
	set := func(b []byte, at int, v byte) []byte {
		b = append([]byte(nil), b...)
		b[at] = v
		return b
	}
	// image.DecodeConfig stops at the frame header of a JFIF file.
	jfifAPP0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	jfif := splice(j, 2, jfifAPP0)
	var gb bytes.Buffer
	if err := gif.Encode(&gb, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	g := gb.Bytes()
	lzw := len(g) - 8 // inside the image's LZW sub-blocks, before the trailer
	cases := map[string][]byte{
		"Huffman table of class 2":                 set(j, dht+4, 0x20|j[dht+4]&15),
		"baseline Huffman table number 2":          set(j, dht+4, j[dht+4]&0xf0|2),
		"Huffman table number 5":                   set(j, dht+4, j[dht+4]&0xf0|5),
		"Huffman table longer than 256 codes":      set(j, dht+5+15, 255),
		"quantization table number 7":              set(j, dqt+4, 7),
		"scan using an undefined AC table":         set(j, sos+6, j[sos+6]&0xf0|3),
		"scan with an invalid header":              set(j, sos+4, 0),
		"GIF with garbled LZW data":                set(g, lzw, g[lzw]^0x5a),
		"scan naming a component not in the frame": set(j, sos+5, 9),
		"two frame headers, after a JFIF header":   splice(jfif, sof+len(jfifAPP0), j[sof:sof+2+int(binary.BigEndian.Uint16(j[sof+2:]))]),
		"two frame headers":                        splice(j, sof, j[sof:sof+2+int(binary.BigEndian.Uint16(j[sof+2:]))]),
	}
	for name, b := range cases {
		if _, _, err := image.Decode(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: the test image decodes", name)
			continue
		}
		if err := checkImage(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// interlacedPNG is an 8-bit grayscale PNG of 13×11 pixels stored in Adam7's
// seven passes (ISO/IEC 15948 §8.2), which image/png's encoder never writes.
func interlacedPNG(t *testing.T) []byte {
	t.Helper()
	const w, h = 13, 11
	passes := [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	var raw bytes.Buffer
	for _, p := range passes { // x0, y0, dx, dy
		for y := p[1]; y < h; y += p[3] {
			if p[0] >= w {
				break
			}
			raw.WriteByte(0) // filter: none
			for x := p[0]; x < w; x += p[2] {
				raw.WriteByte(byte(x*16 + y))
			}
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 8, 0, 0, 0, 1) // depth 8, grayscale, deflate, filter 0, Adam7
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}
