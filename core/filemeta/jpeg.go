package filemeta

import (
	"bytes"
	"errors"
	"io"
)

const (
	xmpSig = "http://ns.adobe.com/xap/1.0/\x00"
	psSig  = "Photoshop 3.0\x00"
	extSig = "http://ns.adobe.com/xmp/extension/\x00"
	// jpegMaxMarkers bounds the walk over a hostile run of tiny segments or
	// fill bytes; real files have a few dozen markers before the scan.
	jpegMaxMarkers = 4096
)

// readJPEG walks the markers up to the start of scan, where metadata ends.
// Only APP1 (XMP, ExtendedXMP, EXIF), APP13 and SOF payloads are read;
// everything else is skipped by its length. Stray bytes between segments,
// which some cameras and editors write, are skipped to the next marker as
// ExifTool does.
func readJPEG(r io.ReaderAt, size int64) (found, error) {
	var f found
	var irb []byte
	irbCapped := false
	ext := newExtXMP()
	off := int64(2)
	sawScan := false
	scanAt := int64(0) // the first start of scan, when the walk got there
walk:
	for n := 0; ; n++ {
		if n == jpegMaxMarkers {
			f.warn("JPEG has more than %d markers before the image data; stopped looking for metadata", jpegMaxMarkers)
			sawScan = true // not known to be cut off
			break
		}
		hdr, err := readUpTo(r, size, off, 4)
		if err != nil {
			return f, err
		}
		if len(hdr) < 2 {
			f.cut(off + 4)
			break
		}
		if hdr[0] != 0xff || hdr[1] == 0 {
			next, err := jpegResync(r, size, off)
			if err != nil {
				return f, err
			}
			if next < 0 {
				f.warn("JPEG structure is broken at byte %d", off)
				sawScan = true
				break
			}
			off = next
			continue walk
		}
		marker := hdr[1]
		switch {
		case marker == 0xff: // fill byte before a marker
			off++
			continue walk
		case marker == 0x01, marker >= 0xd0 && marker <= 0xd8: // no length
			off += 2
			continue walk
		case marker == 0xda: // start of scan
			sawScan, scanAt = true, off
			break walk
		case marker == 0xd9: // end of image, before any scan
			break walk
		}
		if len(hdr) < 4 {
			f.cut(off + 4)
			break
		}
		length := int64(hdr[2])<<8 | int64(hdr[3])
		if length < 2 {
			f.warn("JPEG segment at byte %d has an impossible length", off)
			sawScan = true
			break
		}
		body, bodyLen := off+4, length-2
		if body+bodyLen > size {
			f.cut(body + bodyLen)
		}
		switch {
		case marker == 0xe1:
			if err := f.jpegAPP1(r, size, body, bodyLen, ext); err != nil {
				return f, err
			}
		case marker == 0xed:
			// One resource block may span several APP13 segments, each
			// with its own signature; the pieces are concatenated.
			p, err := readPrefixed(r, size, body, bodyLen, psSig)
			if err != nil {
				return f, err
			}
			if len(irb)+len(p) > MaxPacket {
				if !irbCapped {
					f.warn("Photoshop resource block is larger than %d MiB; read only the first part", MaxPacket>>20)
					irbCapped = true
				}
			} else {
				irb = append(irb, p...)
			}
		case isSOF(marker) && f.width == 0:
			b, err := readAt(r, size, body, 5)
			if err != nil && !errors.Is(err, errTruncated) {
				return f, err
			}
			if len(b) == 5 {
				f.height, f.width = int(b[1])<<8|int(b[2]), int(b[3])<<8|int(b[4])
			}
		}
		off = body + bodyLen
	}
	if irb != nil {
		f.irb = irb
	}
	if f.cutAt == 0 && !sawScan {
		f.noImage = "the JPEG has no image data (its segments end without a scan)"
	}
	if f.cutAt == 0 && scanAt > 0 {
		ok, err := jpegHasEOI(r, size, scanAt)
		if err != nil {
			return f, err
		}
		if !ok {
			f.noImage = "the file is cut off: its JPEG image data stops before the end-of-image marker; it is damaged or still being copied"
		}
	}
	f.extXMP = ext.assemble(f.xmp, &f)
	return f, nil
}

// jpegAPP1 reads one APP1 segment: XMP, an ExtendedXMP chunk or EXIF.
func (f *found) jpegAPP1(r io.ReaderAt, size, body, n int64, ext *extXMP) error {
	head, err := readUpTo(r, size, body, min(n, int64(len(extSig))))
	if err != nil {
		return err
	}
	switch {
	case bytes.HasPrefix(head, []byte(xmpSig)):
		p, err := readUpTo(r, size, body+int64(len(xmpSig)), n-int64(len(xmpSig)))
		if err != nil {
			return err
		}
		f.addXMP(p)
	case bytes.HasPrefix(head, []byte(extSig)):
		p, err := readUpTo(r, size, body+int64(len(extSig)), min(n-int64(len(extSig)), 1<<16))
		if err != nil {
			return err
		}
		ext.add(p)
	case bytes.HasPrefix(head, []byte("Exif\x00")) && f.exif == (exifText{}):
		tiff, err := readUpTo(r, size, body+6, min(n-6, 1<<16))
		if err != nil {
			return err
		}
		f.exif = exifFromTIFF(tiff)
	}
	return nil
}

// jpegResyncMax bounds the search for the next marker after stray bytes.
const jpegResyncMax = 64 << 10

// jpegResync finds the next marker (0xFF followed by a byte that is
// neither 0x00 nor 0xFF) after stray bytes at off, or -1.
func jpegResync(r io.ReaderAt, size, off int64) (int64, error) {
	buf, err := readUpTo(r, size, off, jpegResyncMax)
	if err != nil {
		return -1, err
	}
	for i := 0; i+1 < len(buf); i++ {
		if buf[i] == 0xff && buf[i+1] != 0 && buf[i+1] != 0xff {
			return off + int64(i), nil
		}
	}
	return -1, nil
}

// readPrefixed returns the payload after sig of the n-byte segment body at
// off, or nil if the body does not start with sig. A body cut off by the
// end of the file is read as far as it goes.
func readPrefixed(r io.ReaderAt, size, off, n int64, sig string) ([]byte, error) {
	if n < int64(len(sig)) {
		return nil, nil
	}
	head, err := readUpTo(r, size, off, int64(len(sig)))
	if err != nil || !bytes.Equal(head, []byte(sig)) {
		return nil, err
	}
	return readUpTo(r, size, off+int64(len(sig)), n-int64(len(sig)))
}

// isSOF reports whether marker starts a frame, whose header has the size.
// C4, C8 and CC share the range but are tables, not frames.
func isSOF(m byte) bool {
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc
}

// jpegEOIWindow is how much is read at a time looking for the end.
const jpegEOIWindow = 64 << 10

// jpegHasEOI reports whether an end-of-image marker (FF D9) follows the
// start of scan at scanAt. Inside entropy-coded data a 0xFF byte is always
// followed by 0x00 or a restart marker, so FF D9 there is the end of the
// image: a file copied or downloaded only in part has none. The search
// runs from the end of the file backwards, where EOI is (a trailer such
// as a motion photo's video may follow it), a window at a time.
func jpegHasEOI(r io.ReaderAt, size, scanAt int64) (bool, error) {
	// Most files end with it: two bytes decide.
	if last, err := readUpTo(r, size, max(scanAt, size-2), 2); err != nil || bytes.Equal(last, []byte{0xff, 0xd9}) {
		return err == nil, err
	}
	for end := size; end > scanAt; {
		start := max(scanAt, end-jpegEOIWindow)
		// One byte of overlap with the window read before (the one after
		// this) catches a marker split across the two.
		b, err := readUpTo(r, size, start, min(end+1, size)-start)
		if err != nil {
			return false, err
		}
		if bytes.Contains(b, []byte{0xff, 0xd9}) {
			return true, nil
		}
		end = start
	}
	return false, nil
}
