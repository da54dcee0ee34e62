package thumbs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	_ "image/jpeg"
	_ "image/png"
	"net/http"
)

// checkImage accepts a thumbnail only if it is a whole JPEG, PNG or GIF, so
// that no image cut short or garbled is saved and shown broken for good (a
// done job is not fetched again). It reads the header with
// image.DecodeConfig (a known format with a size) and then walks the file's
// structure without decoding pixels:
//   - JPEG (ITU-T T.81 Annex B): SOI, marker segments by their lengths, a
//     frame header (SOFn), each scan's entropy-coded data (with restart
//     markers, after any fill bytes) up to the next
//     marker, and EOI; bytes after EOI are allowed.
//   - PNG (ISO/IEC 15948 §5): the signature, then IHDR, chunks whose
//     lengths fit and whose CRC-32s match, at least one IDAT, and IEND.
//   - GIF (GIF89a §17–27): the header and colour table, extension and
//     image blocks whose sub-blocks end with a zero-length one, at least
//     one image, and the trailer; then every frame is decoded.
//
// That catches a body cut off anywhere (inside a scan, between chunks, in a
// sub-block), HTML or JSON sent instead, and a PNG with a damaged chunk, at
// a small fraction of the cost of decoding. The error is a *notImageError.
func checkImage(b []byte) error {
	kind := http.DetectContentType(b)
	if !isImage(kind) {
		return &notImageError{kind: kind}
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err == nil && (cfg.Width <= 0 || cfg.Height <= 0) {
		err = errors.New("it has no pixels")
	}
	if err == nil {
		switch kind {
		case "image/jpeg":
			err = checkJPEG(b)
		case "image/png":
			err = checkPNG(b)
		case "image/gif":
			// GIFs are rare and small: decode every frame, since the LZW
			// data of a garbled one passes a walk of its blocks.
			if err = checkGIF(b); err == nil {
				_, err = gif.DecodeAll(bytes.NewReader(b))
			}
		}
	}
	if err != nil {
		return &notImageError{kind: "a damaged image", err: err}
	}
	return nil
}

var (
	errCutShort = errors.New("it is cut short")
	errNoEnd    = errors.New("it has no end marker")
)

// checkJPEG walks a JPEG's markers from SOI to EOI.
func checkJPEG(b []byte) error {
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return errors.New("it does not start with a JPEG start-of-image marker")
	}
	frame, progressive, scans := false, false, 0
	var huff jpegTables
	i := 2
	for {
		// A marker: 0xff, any number of 0xff fill bytes, then its code.
		if i >= len(b) {
			return errCutShort
		}
		if b[i] != 0xff {
			// Bytes between segments that are no marker: libjpeg warns and
			// skips them (JWRN_EXTRANEOUS_DATA), and so does image/jpeg,
			// so cameras and tools that leave them make readable files.
			k := bytes.IndexByte(b[i:], 0xff)
			if k < 0 {
				return errCutShort
			}
			i += k
		}
		for i < len(b) && b[i] == 0xff {
			i++
		}
		if i >= len(b) {
			return errCutShort
		}
		m := b[i]
		i++
		switch {
		case m == 0xd9: // EOI
			if !frame || scans == 0 {
				return errors.New("it ends before any image data")
			}
			return nil
		case m == 0x01: // TEM: no length
			continue
		case m >= 0xd0 && m <= 0xd7: // RSTn (after fill bytes): the scan goes on
			if scans == 0 {
				continue // stray, and ignored by decoders (image/jpeg)
			}
			var err error
			if i, err = skipEntropyData(b, i); err != nil {
				return err
			}
			continue
		case m == 0x00: // 0xff 0x00 between segments: extraneous bytes, as above
			continue
		case m == 0xd8:
			return errors.New("a JPEG marker is invalid")
		}
		if i+2 > len(b) {
			return errCutShort
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 {
			return errors.New("a JPEG segment has an invalid length")
		}
		if i+n > len(b) {
			return errCutShort
		}
		seg := b[i+2 : i+n]
		i += n
		switch {
		case m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc: // SOFn
			if frame {
				return errors.New("a JPEG has two frame headers")
			}
			if err := huff.frame(seg, m == 0xc0); err != nil {
				return err
			}
			frame = true
			progressive = m == 0xc2 || m == 0xc6 || m == 0xca || m == 0xce
		case m == 0xc4:
			if err := huff.define(seg); err != nil {
				return err
			}
		case m == 0xdb:
			if err := checkDQT(seg); err != nil {
				return err
			}
		case m == 0xda: // SOS: entropy-coded data follows, up to the next real marker
			if !frame {
				return errors.New("a JPEG scan comes before its frame header")
			}
			if err := huff.checkScan(seg, progressive); err != nil {
				return err
			}
			scans++
			var err error
			if i, err = skipEntropyData(b, i); err != nil {
				return err
			}
		}
	}
}

var errJPEGTable = errors.New("a JPEG table is invalid")

// jpegTables records which Huffman tables (T.81 B.2.4.2) a JPEG defined:
// a scan that uses one never defined cannot be decoded, and neither can a
// table with a bad class, number or length (what image/jpeg refuses).
type jpegTables struct {
	dc, ac   [4]bool
	comps    []byte // the frame's component identifiers
	baseline bool   // SOF0: tables 0 and 1 only (T.81 table B.5)
}

// frame reads a frame header's (SOFn) component identifiers.
func (h *jpegTables) frame(seg []byte, baseline bool) error {
	h.baseline = baseline
	if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) || seg[5] == 0 {
		return errors.New("a JPEG frame header is invalid")
	}
	for c := range int(seg[5]) {
		h.comps = append(h.comps, seg[6+3*c])
	}
	return nil
}

// define reads a DHT segment's tables.
func (h *jpegTables) define(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return errJPEGTable
		}
		class, id := seg[0]>>4, seg[0]&15
		n := 0
		for _, c := range seg[1:17] {
			n += int(c)
		}
		if class > 1 || id > 3 || h.baseline && id > 1 || n == 0 || n > 256 || len(seg) < 17+n {
			return errJPEGTable
		}
		if class == 0 {
			h.dc[id] = true
		} else {
			h.ac[id] = true
		}
		seg = seg[17+n:]
	}
	return nil
}

// checkScan checks a scan header (SOS) and that the Huffman tables its
// components use were defined: a progressive DC scan uses only DC tables
// (none when refining), an AC scan only AC ones.
func (h *jpegTables) checkScan(seg []byte, progressive bool) error {
	if len(seg) < 1 || seg[0] == 0 || seg[0] > 4 || len(seg) != 1+2*int(seg[0])+3 {
		return errors.New("a JPEG scan header is invalid")
	}
	ns := int(seg[0])
	ss, se, ah, al := seg[1+2*ns], seg[2+2*ns], seg[3+2*ns]>>4, seg[3+2*ns]&15
	if progressive && (ss > se || se > 63 || ss == 0 && se != 0 || ss > 0 && ns != 1 || ah > 13 || al > 13) {
		return errors.New("a JPEG scan header is invalid")
	}
	for c := range ns {
		if bytes.IndexByte(h.comps, seg[1+2*c]) < 0 {
			return errors.New("a JPEG scan names a component the frame does not have")
		}
		dc, ac := seg[2+2*c]>>4, seg[2+2*c]&15
		if dc > 3 || ac > 3 || h.baseline && (dc > 1 || ac > 1) {
			return errJPEGTable
		}
		needDC := !progressive || (ss == 0 && ah == 0)
		needAC := !progressive || ss > 0
		if needDC && !h.dc[dc] || needAC && !h.ac[ac] {
			return errors.New("a JPEG scan uses a table the file does not define")
		}
	}
	return nil
}

// checkDQT checks a DQT segment's quantization tables (T.81 B.2.4.1).
func checkDQT(seg []byte) error {
	for len(seg) > 0 {
		precision, id := seg[0]>>4, seg[0]&15
		size := 1 + 64
		if precision == 1 {
			size = 1 + 128
		}
		if precision > 1 || id > 3 || len(seg) < size {
			return errJPEGTable
		}
		seg = seg[size:]
	}
	return nil
}

// skipEntropyData returns the index of the 0xff that starts the first
// marker after the entropy-coded data at b[i:], other than a restart
// marker: stuffed bytes (0xff 0x00) and restart markers, each after any
// number of 0xff fill bytes (T.81 B.1.1.2), are part of the scan.
func skipEntropyData(b []byte, i int) (int, error) {
	for {
		k := bytes.IndexByte(b[i:], 0xff)
		if k < 0 {
			return 0, errNoEnd // the scan runs to the end of the body
		}
		i += k
		j := i + 1
		for j < len(b) && b[j] == 0xff {
			j++
		}
		if j >= len(b) {
			return 0, errNoEnd
		}
		if c := b[j]; c == 0x00 || (c >= 0xd0 && c <= 0xd7) {
			i = j + 1 // a stuffed 0xff byte or a restart marker: still the scan
			continue
		}
		return i, nil
	}
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// checkPNG walks a PNG's chunks, checking each one's CRC-32.
func checkPNG(b []byte) error {
	if !bytes.HasPrefix(b, pngSignature) {
		return errors.New("it does not start with the PNG signature")
	}
	i, first, idat := len(pngSignature), true, false
	for {
		if i+12 > len(b) {
			return errCutShort
		}
		n := int64(binary.BigEndian.Uint32(b[i:]))
		if n > int64(len(b)-i-12) {
			return errCutShort
		}
		end := i + 8 + int(n)
		typ := string(b[i+4 : i+8])
		if crc32.ChecksumIEEE(b[i+4:end]) != binary.BigEndian.Uint32(b[end:]) {
			return errors.New("a PNG chunk (" + printable(typ) + ") is damaged: its checksum does not match")
		}
		if first && typ != "IHDR" {
			return errors.New("the PNG header chunk is missing")
		}
		first = false
		i = end + 4
		switch typ {
		case "IDAT":
			idat = true
		case "IEND":
			if !idat {
				return errors.New("it ends before any image data")
			}
			return nil
		}
	}
}

// checkGIF walks a GIF's blocks up to its trailer.
func checkGIF(b []byte) error {
	const header = 13 // "GIF89a", logical screen descriptor
	if len(b) < header {
		return errCutShort
	}
	i := header
	if b[10]&0x80 != 0 { // global colour table
		i += 3 << (b[10]&7 + 1)
	}
	images := 0
	for {
		if i >= len(b) {
			return errCutShort
		}
		switch b[i] {
		case 0x3b: // trailer
			if images == 0 {
				return errors.New("it ends before any image data")
			}
			return nil
		case 0x21: // extension: label, then sub-blocks
			i += 2
		case 0x2c: // image descriptor, local colour table, LZW code size, then sub-blocks
			if i+10 > len(b) {
				return errCutShort
			}
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i++
			images++
		default:
			return errors.New("a GIF block is invalid")
		}
		for { // sub-blocks up to the zero-length one
			if i >= len(b) {
				return errCutShort
			}
			n := int(b[i])
			i += 1 + n
			if n == 0 {
				break
			}
		}
	}
}

// printable keeps a chunk type readable in an error message.
func printable(s string) string {
	for _, c := range []byte(s) {
		if c < 'A' || c > 'z' || (c > 'Z' && c < 'a') {
			return "unnamed"
		}
	}
	return s
}
