package filemeta

import (
	"bytes"
	"errors"
	"io"
)

const (
	xmpSig = "http://ns.adobe.com/xap/1.0/\x00"
	psSig  = "Photoshop 3.0\x00"
	// jpegMaxMarkers bounds the walk over a hostile run of tiny segments or
	// fill bytes; real files have a few dozen markers before the scan.
	jpegMaxMarkers = 4096
)

// readJPEG walks the markers up to the start of scan, where metadata ends.
// Only APP1, APP13 and SOF payloads are read; everything else is skipped by
// its length.
func readJPEG(r io.ReaderAt, size int64) (found, error) {
	var f found
	var irb []byte
	irbCapped := false
	off := int64(2)
walk:
	for n := 0; ; n++ {
		if n == jpegMaxMarkers {
			f.warn("JPEG has more than %d markers before the image data; stopped looking for metadata", jpegMaxMarkers)
			break
		}
		hdr, err := readAt(r, size, off, 4)
		if errors.Is(err, errTruncated) {
			f.warn("JPEG is cut off at byte %d", off)
			break
		} else if err != nil {
			return f, err
		}
		if hdr[0] != 0xff {
			f.warn("JPEG structure is broken at byte %d", off)
			break
		}
		marker := hdr[1]
		switch {
		case marker == 0xff: // fill byte before a marker
			off++
			continue walk
		case marker == 0x01, marker >= 0xd0 && marker <= 0xd8: // no length
			off += 2
			continue walk
		case marker == 0xd9, marker == 0xda: // end of image, start of scan
			break walk
		}
		length := int64(hdr[2])<<8 | int64(hdr[3])
		if length < 2 {
			f.warn("JPEG segment at byte %d has an impossible length", off)
			break
		}
		body, bodyLen := off+4, length-2
		switch {
		case marker == 0xe1 && f.xmp == nil:
			p, err := readPrefixed(r, size, body, bodyLen, xmpSig)
			if err != nil {
				return f, err
			}
			if p != nil {
				f.xmp = p
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
	return f, nil
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
