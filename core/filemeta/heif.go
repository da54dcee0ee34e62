package filemeta

import (
	"encoding/binary"
	"errors"
)

// HEIF keeps EXIF as an item of the top-level meta box (ISO/IEC 23008-12,
// Annex A.2.1): iinf names an item of type "Exif", iloc says where its
// bytes are, and they start with a 4-byte offset to the TIFF header.
// iPhones, Windows and ExifTool write ImageDescription and the XP tags
// there, so HEIC gets the same EXIF fallback as JPEG.

const heifMaxBox = 1 << 20 // iinf and iloc of real files are a few KiB

// heifMeta is what the top-level meta box says about its EXIF item.
type heifMeta struct {
	exifID   uint32
	haveExif bool
	iloc     []byte
}

// heifWalkMeta reads the children of the top-level meta box (a full box)
// for iinf and iloc, then the EXIF item they point at.
func (w *bmffWalk) heifWalkMeta(body, end int64) error {
	var h heifMeta
	for off := body + 4; end-off >= 8 && w.budget > 0; {
		w.budget--
		hdr, err := readAt(w.r, w.size, off, 8)
		if errors.Is(err, errTruncated) {
			break
		} else if err != nil {
			return err
		}
		sz, typ := int64(binary.BigEndian.Uint32(hdr)), string(hdr[4:])
		if sz < 8 || sz > end-off {
			break
		}
		if (typ == "iinf" || typ == "iloc") && sz-8 <= heifMaxBox {
			b, err := readAt(w.r, w.size, off+8, sz-8)
			if errors.Is(err, errTruncated) {
				break
			} else if err != nil {
				return err
			}
			if typ == "iinf" {
				h.exifID, h.haveExif = heifExifItem(b)
			} else {
				h.iloc = b
			}
		}
		off += sz
	}
	if !h.haveExif || h.iloc == nil {
		return nil
	}
	start, length, ok := heifItemExtent(h.iloc, h.exifID)
	if !ok || length < 4 || length > MaxPacket {
		return nil
	}
	b, err := readAt(w.r, w.size, start, length)
	if errors.Is(err, errTruncated) {
		w.f.warn("the EXIF item ends past the end of the file; not read")
		return nil
	} else if err != nil {
		return err
	}
	skip := int64(binary.BigEndian.Uint32(b))
	if skip > int64(len(b))-4 {
		return nil
	}
	if w.f.exif == (exifText{}) {
		w.f.exif = exifFromTIFF(trimExifHeader(b[4+skip:]))
	}
	return nil
}

// trimExifHeader drops the "Exif\0\0" some writers leave before the TIFF
// header despite the offset.
func trimExifHeader(b []byte) []byte {
	if len(b) >= 6 && string(b[:6]) == "Exif\x00\x00" {
		return b[6:]
	}
	return b
}

// heifExifItem returns the ID of the first item of type "Exif" in an iinf
// body (full box; entry count, then infe boxes of version 2 or 3).
func heifExifItem(b []byte) (uint32, bool) {
	if len(b) < 6 {
		return 0, false
	}
	p := 6 // version, flags, 16-bit count
	if b[0] != 0 {
		p = 8 // 32-bit count
	}
	for p+8 <= len(b) {
		sz := int(binary.BigEndian.Uint32(b[p:]))
		if sz < 8 || sz > len(b)-p {
			return 0, false
		}
		if string(b[p+4:p+8]) == "infe" && sz >= 8+4 {
			e := b[p+8 : p+sz]
			switch v := e[0]; {
			case v == 2 && len(e) >= 12 && string(e[8:12]) == "Exif":
				return uint32(binary.BigEndian.Uint16(e[4:])), true
			case v == 3 && len(e) >= 14 && string(e[10:14]) == "Exif":
				return binary.BigEndian.Uint32(e[4:]), true
			}
		}
		p += sz
	}
	return 0, false
}

// heifItemExtent finds item id in an iloc body and returns where its bytes
// are in the file. Only items stored at file offsets (construction method
// 0) in one extent are taken; that is how EXIF is stored.
func heifItemExtent(b []byte, id uint32) (start, length int64, ok bool) {
	if len(b) < 8 {
		return 0, 0, false
	}
	version := b[0]
	offSize, lenSize, baseSize, idxSize := int(b[4]>>4), int(b[4]&15), int(b[5]>>4), int(b[5]&15)
	if version == 0 {
		idxSize = 0
	}
	p := 6
	count := 0
	if version < 2 {
		count = int(binary.BigEndian.Uint16(b[p:]))
		p += 2
	} else {
		if len(b) < 10 {
			return 0, 0, false
		}
		count = int(binary.BigEndian.Uint32(b[p:]))
		p += 4
	}
	read := func(n int) (uint64, bool) {
		if n != 0 && n != 4 && n != 8 || p+n > len(b) {
			return 0, false
		}
		var v uint64
		switch n {
		case 4:
			v = uint64(binary.BigEndian.Uint32(b[p:]))
		case 8:
			v = binary.BigEndian.Uint64(b[p:])
		}
		p += n
		return v, true
	}
	for i := 0; i < count && i < 1<<16; i++ {
		var itemID uint64
		var ok bool
		if version < 2 {
			if p+2 > len(b) {
				return 0, 0, false
			}
			itemID, p = uint64(binary.BigEndian.Uint16(b[p:])), p+2
		} else if itemID, ok = read(4); !ok {
			return 0, 0, false
		}
		method := 0
		if version >= 1 {
			if p+2 > len(b) {
				return 0, 0, false
			}
			method, p = int(binary.BigEndian.Uint16(b[p:])&15), p+2
		}
		p += 2 // data_reference_index
		base, ok := read(baseSize)
		if !ok || p+2 > len(b) {
			return 0, 0, false
		}
		extents := int(binary.BigEndian.Uint16(b[p:]))
		p += 2
		var first [2]uint64
		for e := 0; e < extents; e++ {
			if _, ok := read(idxSize); !ok {
				return 0, 0, false
			}
			o, ok1 := read(offSize)
			l, ok2 := read(lenSize)
			if !ok1 || !ok2 {
				return 0, 0, false
			}
			if e == 0 {
				first = [2]uint64{o, l}
			}
		}
		if uint32(itemID) == id {
			if method != 0 || extents != 1 || base+first[0] > 1<<62 || first[1] > 1<<62 {
				return 0, 0, false
			}
			return int64(base + first[0]), int64(first[1]), true
		}
	}
	return 0, 0, false
}
