package filemeta

import (
	"encoding/binary"
	"errors"
	"io"
)

// TIFF tags read from the first IFD.
const (
	tagNewSubfileType = 254
	tagImageWidth     = 256
	tagImageLength    = 257
	tagXMP            = 700
	tagIPTC           = 33723
	tagPhotoshop      = 34377
)

// tiffTypeSize gives the byte size of each TIFF field type; 0 is unknown.
var tiffTypeSize = [...]int64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}

// readTIFF reads IFD0 of a TIFF or DNG. Metadata for the whole file lives
// there; DNG's IFD0 is a preview, so its size is only taken when IFD0 is the
// full-resolution image (NewSubfileType 0).
func readTIFF(r io.ReaderAt, size int64) (found, error) {
	var f found
	hdr, err := readAt(r, size, 0, 8)
	if errors.Is(err, errTruncated) {
		f.warn("TIFF is cut off in its header")
		return f, nil
	} else if err != nil {
		return f, err
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if hdr[0] == 'M' {
		bo = binary.BigEndian
	}
	ifd := int64(bo.Uint32(hdr[4:]))
	cnt, err := readAt(r, size, ifd, 2)
	if errors.Is(err, errTruncated) {
		f.warn("TIFF directory offset %d is outside the file", ifd)
		return f, nil
	} else if err != nil {
		return f, err
	}
	n := int64(bo.Uint16(cnt))
	entries, err := readAt(r, size, ifd+2, n*12)
	if errors.Is(err, errTruncated) {
		f.warn("TIFF directory at byte %d is cut off", ifd)
		return f, nil
	} else if err != nil {
		return f, err
	}
	var width, height int
	subfile := uint32(0)
	for i := int64(0); i < n; i++ {
		e := entries[i*12 : i*12+12]
		tag, typ, count := bo.Uint16(e), bo.Uint16(e[2:]), int64(bo.Uint32(e[4:]))
		switch tag {
		case tagNewSubfileType, tagImageWidth, tagImageLength:
			v, ok := tiffInt(bo, typ, count, e[8:])
			if !ok {
				continue
			}
			switch tag {
			case tagNewSubfileType:
				subfile = v
			case tagImageWidth:
				width = clampDim(v)
			case tagImageLength:
				height = clampDim(v)
			}
		case tagXMP, tagIPTC, tagPhotoshop:
			b, err := tiffBytes(r, size, bo, typ, count, e[8:])
			if errors.Is(err, errTruncated) {
				f.warn("TIFF tag %d points outside the file", tag)
				continue
			} else if errors.Is(err, errTooLarge) {
				f.warn("TIFF tag %d is larger than %d MiB; skipped", tag, MaxPacket>>20)
				continue
			} else if errors.Is(err, errBadType) {
				f.warn("TIFF tag %d has unknown field type %d; skipped", tag, typ)
				continue
			} else if err != nil {
				return f, err
			}
			switch {
			case tag == tagXMP && f.xmp == nil:
				f.xmp = b
			case tag == tagIPTC && f.iim == nil:
				f.iim = b
			case tag == tagPhotoshop && f.irb == nil:
				f.irb = b
			}
		}
	}
	if subfile == 0 {
		f.width, f.height = width, height
	}
	return f, nil
}

var (
	errTooLarge = errors.New("too large")
	errBadType  = errors.New("unknown field type")
)

// tiffInt reads a single SHORT or LONG stored in the entry itself.
func tiffInt(bo binary.ByteOrder, typ uint16, count int64, v []byte) (uint32, bool) {
	if count != 1 {
		return 0, false
	}
	switch typ {
	case 3:
		return uint32(bo.Uint16(v)), true
	case 4:
		return bo.Uint32(v), true
	}
	return 0, false
}

// tiffBytes returns a field's raw bytes, in-line or at its offset, capped
// at MaxPacket.
func tiffBytes(r io.ReaderAt, size int64, bo binary.ByteOrder, typ uint16, count int64, v []byte) ([]byte, error) {
	if int(typ) >= len(tiffTypeSize) || tiffTypeSize[typ] == 0 {
		return nil, errBadType
	}
	n := count * tiffTypeSize[typ] // count < 2^32, so this cannot overflow
	if n > MaxPacket {
		return nil, errTooLarge
	}
	if n <= 4 {
		return append([]byte(nil), v[:n]...), nil
	}
	return readAt(r, size, int64(bo.Uint32(v)), n)
}
