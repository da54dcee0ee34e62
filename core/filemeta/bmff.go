package filemeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
)

// xmpUUID marks the top-level uuid box in which Adobe writes XMP into MP4.
var xmpUUID = []byte{0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac}

const (
	bmffMaxBoxes = 4096 // boxes looked at in all; real files have dozens
	bmffMaxDepth = 3    // moov/udta/XMP_ is as deep as XMP goes
)

// readBMFF finds XMP in an MP4 or QuickTime file by its boxes — the
// top-level uuid box Adobe uses, or moov/udta/XMP_ — so a large moov or an
// embedded thumbnail's own XMP cannot mislead it. HEIC keeps XMP as an item
// inside meta, and unusual files put it elsewhere; for those the bounded
// scan of both ends of the file follows.
func readBMFF(r io.ReaderAt, size int64) (found, error) {
	budget := bmffMaxBoxes
	xmp, err := bmffXMP(r, size, 0, size, 0, &budget)
	if err != nil {
		return found{}, err
	}
	if xmp != nil {
		return found{xmp: xmp}, nil
	}
	return scanXMP(r, size)
}

// bmffXMP walks the boxes between start and end. A malformed box ends the
// walk quietly: the scan that follows still gets its chance.
func bmffXMP(r io.ReaderAt, size, start, end int64, depth int, budget *int) ([]byte, error) {
	for off := start; end-off >= 8 && *budget > 0; {
		*budget--
		hdr, err := readAt(r, size, off, min(16, end-off))
		if errors.Is(err, errTruncated) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		boxSize, typ, hdrLen := int64(binary.BigEndian.Uint32(hdr)), string(hdr[4:8]), int64(8)
		switch boxSize {
		case 0: // to the end
			boxSize = end - off
		case 1: // 64-bit size follows
			if len(hdr) < 16 {
				return nil, nil
			}
			boxSize, hdrLen = int64(binary.BigEndian.Uint64(hdr[8:])), 16
		}
		if boxSize < hdrLen || boxSize > end-off {
			return nil, nil
		}
		body, bodyEnd := off+hdrLen, off+boxSize
		switch {
		case typ == "uuid" && depth == 0 && bodyEnd-body >= 16:
			id, err := readAt(r, size, body, 16)
			if err != nil && !errors.Is(err, errTruncated) {
				return nil, err
			}
			if bytes.Equal(id, xmpUUID) {
				return readPayload(r, size, body+16, bodyEnd)
			}
		case typ == "XMP_" && depth > 0:
			return readPayload(r, size, body, bodyEnd)
		case (typ == "moov" || typ == "udta") && depth < bmffMaxDepth:
			xmp, err := bmffXMP(r, size, body, bodyEnd, depth+1, budget)
			if xmp != nil || err != nil {
				return xmp, err
			}
		}
		off = bodyEnd
	}
	return nil, nil
}

// readPayload reads an XMP box's payload, or nil if it is over MaxPacket
// (the scan will report that).
func readPayload(r io.ReaderAt, size, start, end int64) ([]byte, error) {
	if end-start > MaxPacket {
		return nil, nil
	}
	b, err := readAt(r, size, start, end-start)
	if errors.Is(err, errTruncated) {
		return nil, nil
	}
	return b, err
}
