package filemeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
)

// TIFF tags read from the first IFD.
const (
	tagNewSubfileType   = 254
	tagImageWidth       = 256
	tagImageLength      = 257
	tagImageDescription = 270
	tagStripOffsets     = 273
	tagStripByteCounts  = 279
	tagTileOffsets      = 324
	tagTileByteCounts   = 325
	tagSubIFDs          = 330 // DNG keeps the raw image in a sub-IFD
	tagXMP              = 700
	tagIPTC             = 33723
	tagPhotoshop        = 34377
	tagXPTitle          = 0x9c9b // Windows Explorer, UTF-16LE in BYTEs
	tagXPComment        = 0x9c9c
	tagXPKeywords       = 0x9c9e
)

// tiffTypeSize gives the byte size of each TIFF field type; 0 is unknown.
// 16–18 are BigTIFF's LONG8, SLONG8 and IFD8.
var tiffTypeSize = [...]int64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}

// exifText is the text EXIF IFD0 holds (TIFF 6.0 ImageDescription; the
// XP* tags Windows Explorer writes).
type exifText struct {
	imageDescription, xpTitle, xpComment, xpKeywords string
}

// tiffLayout is classic TIFF or BigTIFF (offsets of 4 or 8 bytes).
type tiffLayout struct {
	bo        binary.ByteOrder
	big       bool
	entrySize int64 // 12 or 20
	countSize int64 // 2 or 8
}

func (l tiffLayout) offset(b []byte) int64 {
	if l.big {
		v := l.bo.Uint64(b)
		if v > 1<<62 {
			return -1
		}
		return int64(v)
	}
	return int64(l.bo.Uint32(b))
}

// readTIFF reads IFD0 of a TIFF, BigTIFF or DNG. Metadata for the whole
// file lives there; DNG's IFD0 is a preview, so its size is only taken
// when IFD0 is the full-resolution image (NewSubfileType 0). Strips or
// tiles that end past the file mark it cut off.
func readTIFF(r io.ReaderAt, size int64) (found, error) { return readIFD0(r, size, true) }

// exifFromTIFF reads the text tags of the TIFF structure inside a JPEG
// APP1 Exif segment.
func exifFromTIFF(b []byte) exifText {
	f, _ := readIFD0(bytes.NewReader(b), int64(len(b)), false)
	return f.exif
}

func readIFD0(r io.ReaderAt, size int64, whole bool) (found, error) {
	var f found
	hdr, err := readAt(r, size, 0, 8)
	if errors.Is(err, errTruncated) {
		f.cut(8)
		return f, nil
	} else if err != nil {
		return f, err
	}
	l := tiffLayout{bo: binary.LittleEndian, entrySize: 12, countSize: 2}
	if hdr[0] == 'M' {
		l.bo = binary.BigEndian
	}
	ifd := int64(l.bo.Uint32(hdr[4:]))
	if l.bo.Uint16(hdr[2:]) == 43 { // BigTIFF: offset size 8, then an 8-byte offset
		l.big, l.entrySize, l.countSize = true, 20, 8
		b, err := readAt(r, size, 8, 8)
		if errors.Is(err, errTruncated) {
			f.cut(16)
			return f, nil
		} else if err != nil {
			return f, err
		}
		if ifd = l.offset(b); ifd < 0 {
			f.cut(1 << 62)
			return f, nil
		}
	}
	cnt, err := readAt(r, size, ifd, l.countSize)
	if errors.Is(err, errTruncated) {
		f.cut(ifd + l.countSize)
		return f, nil
	} else if err != nil {
		return f, err
	}
	var n int64
	if l.big {
		n = int64(min(l.bo.Uint64(cnt), 1<<16))
	} else {
		n = int64(l.bo.Uint16(cnt))
	}
	entries, err := readAt(r, size, ifd+l.countSize, n*l.entrySize)
	if errors.Is(err, errTruncated) {
		f.cut(ifd + l.countSize + n*l.entrySize)
		return f, nil
	} else if err != nil {
		return f, err
	}
	var width, height int
	subfile := uint32(0)
	var dataOff, dataLen []int64 // strips or tiles
	var subIFDs []int64
	for i := int64(0); i < n; i++ {
		e := entries[i*l.entrySize : (i+1)*l.entrySize]
		tag, typ := l.bo.Uint16(e), l.bo.Uint16(e[2:])
		var count int64
		var v []byte
		if l.big {
			count, v = int64(min(l.bo.Uint64(e[4:]), 1<<40)), e[12:20]
		} else {
			count, v = int64(l.bo.Uint32(e[4:])), e[8:12]
		}
		switch tag {
		case tagNewSubfileType, tagImageWidth, tagImageLength:
			v, ok := tiffInt(l.bo, typ, count, v)
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
		case tagSubIFDs:
			if !whole {
				continue
			}
			if subIFDs, err = tiffInts(r, size, l, typ, min(count, tiffMaxSubIFDs), v); err != nil &&
				!errors.Is(err, errTruncated) && !errors.Is(err, errTooLarge) && !errors.Is(err, errBadType) {
				return f, err
			}
		case tagStripOffsets, tagTileOffsets, tagStripByteCounts, tagTileByteCounts:
			if !whole {
				continue
			}
			vals, err := tiffInts(r, size, l, typ, count, v)
			if err != nil && !errors.Is(err, errTruncated) && !errors.Is(err, errTooLarge) && !errors.Is(err, errBadType) {
				return f, err
			}
			if tag == tagStripOffsets || tag == tagTileOffsets {
				dataOff = vals
			} else {
				dataLen = vals
			}
		case tagXMP, tagIPTC, tagPhotoshop, tagImageDescription, tagXPTitle, tagXPComment, tagXPKeywords:
			b, err := tiffBytes(r, size, l, typ, count, v)
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
				f.xmp = [][]byte{b}
			case tag == tagIPTC && f.iim == nil:
				f.iim = b
			case tag == tagPhotoshop && f.irb == nil:
				f.irb = b
			case tag == tagImageDescription:
				f.exif.imageDescription = iimText(bytes.TrimRight(b, "\x00"), false)
			case tag == tagXPTitle:
				f.exif.xpTitle = utf16LE(b)
			case tag == tagXPComment:
				f.exif.xpComment = utf16LE(b)
			case tag == tagXPKeywords:
				f.exif.xpKeywords = utf16LE(b)
			}
		}
	}
	for i := range min(len(dataOff), len(dataLen)) {
		if end := dataOff[i] + dataLen[i]; dataLen[i] > 0 && end > size {
			f.cut(end)
		}
	}
	for _, sub := range subIFDs {
		if err := tiffSubIFDData(r, size, l, sub, &f); err != nil {
			return f, err
		}
	}
	if subfile == 0 {
		f.width, f.height = width, height
	}
	return f, nil
}

// tiffMaxSubIFDs bounds the sub-IFDs checked; DNGs have one to three.
const tiffMaxSubIFDs = 8

// tiffSubIFDData marks f cut off when the strips or tiles of the sub-IFD
// at off end past the file, as in a DNG whose raw data was not copied in
// full.
func tiffSubIFDData(r io.ReaderAt, size int64, l tiffLayout, off int64, f *found) error {
	cnt, err := readAt(r, size, off, l.countSize)
	if errors.Is(err, errTruncated) {
		f.cut(off + l.countSize)
		return nil
	} else if err != nil {
		return err
	}
	var n int64
	if l.big {
		n = int64(min(l.bo.Uint64(cnt), 1<<16))
	} else {
		n = int64(l.bo.Uint16(cnt))
	}
	entries, err := readAt(r, size, off+l.countSize, n*l.entrySize)
	if errors.Is(err, errTruncated) {
		f.cut(off + l.countSize + n*l.entrySize)
		return nil
	} else if err != nil {
		return err
	}
	var offs, lens []int64
	for i := int64(0); i < n; i++ {
		e := entries[i*l.entrySize : (i+1)*l.entrySize]
		tag, typ := l.bo.Uint16(e), l.bo.Uint16(e[2:])
		var count int64
		var v []byte
		if l.big {
			count, v = int64(min(l.bo.Uint64(e[4:]), 1<<40)), e[12:20]
		} else {
			count, v = int64(l.bo.Uint32(e[4:])), e[8:12]
		}
		if tag != tagStripOffsets && tag != tagTileOffsets && tag != tagStripByteCounts && tag != tagTileByteCounts {
			continue
		}
		vals, err := tiffInts(r, size, l, typ, count, v)
		if err != nil && !errors.Is(err, errTruncated) && !errors.Is(err, errTooLarge) && !errors.Is(err, errBadType) {
			return err
		}
		if tag == tagStripOffsets || tag == tagTileOffsets {
			offs = vals
		} else {
			lens = vals
		}
	}
	for i := range min(len(offs), len(lens)) {
		if end := offs[i] + lens[i]; lens[i] > 0 && end > size {
			f.cut(end)
		}
	}
	return nil
}

// utf16LE decodes Windows' XP* tags: UTF-16LE, NUL-terminated.
func utf16LE(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return strings.TrimSpace(string(utf16.Decode(u)))
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
	case 16:
		if len(v) == 8 && bo.Uint64(v) < 1<<32 {
			return uint32(bo.Uint64(v)), true
		}
	}
	return 0, false
}

// tiffMaxInts bounds the strip and tile lists read.
const tiffMaxInts = 1 << 16

// tiffInts reads a list of SHORT, LONG or LONG8 values.
func tiffInts(r io.ReaderAt, size int64, l tiffLayout, typ uint16, count int64, v []byte) ([]int64, error) {
	if typ != 3 && typ != 4 && typ != 13 && typ != 16 && typ != 18 {
		return nil, errBadType
	}
	if count > tiffMaxInts {
		return nil, errTooLarge
	}
	b, err := tiffBytes(r, size, l, typ, count, v)
	if err != nil {
		return nil, err
	}
	w := int(tiffTypeSize[typ])
	out := make([]int64, 0, count)
	for i := 0; i+w <= len(b); i += w {
		switch typ {
		case 3:
			out = append(out, int64(l.bo.Uint16(b[i:])))
		case 4, 13:
			out = append(out, int64(l.bo.Uint32(b[i:])))
		default:
			out = append(out, int64(min(l.bo.Uint64(b[i:]), 1<<62)))
		}
	}
	return out, nil
}

// tiffBytes returns a field's raw bytes, in-line or at its offset, capped
// at MaxPacket.
func tiffBytes(r io.ReaderAt, size int64, l tiffLayout, typ uint16, count int64, v []byte) ([]byte, error) {
	if int(typ) >= len(tiffTypeSize) || tiffTypeSize[typ] == 0 {
		return nil, errBadType
	}
	n := count * tiffTypeSize[typ] // count ≤ 2^40, so this cannot overflow
	if n > MaxPacket {
		return nil, errTooLarge
	}
	if n <= int64(len(v)) {
		return append([]byte(nil), v[:n]...), nil
	}
	off := l.offset(v)
	if off < 0 {
		return nil, errTruncated
	}
	return readAt(r, size, off, n)
}
