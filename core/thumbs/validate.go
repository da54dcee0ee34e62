package thumbs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	_ "image/gif" // DecodeConfig of GIF thumbnails
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
//     one image, and the trailer.
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
			err = checkGIF(b)
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
	frame, scans := false, 0
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
				return errors.New("a JPEG restart marker comes before any scan")
			}
			var err error
			if i, err = skipEntropyData(b, i); err != nil {
				return err
			}
			continue
		case m == 0x00 || m == 0xd8:
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
		i += n
		switch {
		case m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc: // SOFn
			frame = true
		case m == 0xda: // SOS: entropy-coded data follows, up to the next real marker
			if !frame {
				return errors.New("a JPEG scan comes before its frame header")
			}
			scans++
			var err error
			if i, err = skipEntropyData(b, i); err != nil {
				return err
			}
		}
	}
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
