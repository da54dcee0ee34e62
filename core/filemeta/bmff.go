package filemeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
)

// xmpUUID marks the top-level uuid box in which Adobe writes XMP into MP4.
var xmpUUID = []byte{0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac}

const (
	bmffMaxBoxes = 4096 // boxes looked at in all; real files have dozens
	bmffMaxDepth = 5    // moov/udta/meta/ilst/item is as deep as metadata goes
	qtMaxText    = 64 << 10
)

// qtText is what QuickTime's own metadata says: the Keys/ItemList pair
// Apple's apps write (moov/meta with com.apple.quicktime.title,
// .description, .keywords), iTunes-style items (moov/udta/meta/ilst ©nam,
// ©des, desc) and the older user data atoms (moov/udta ©nam, ©des).
type qtText struct {
	title, description string
	keywords           []string
}

// bmffWalk carries the walk's state.
type bmffWalk struct {
	r      io.ReaderAt
	size   int64
	budget int
	f      *found
	keys   []string // the keys box of the meta box being walked
}

// readBMFF finds XMP and QuickTime text in an MP4, QuickTime or HEIC file
// by its boxes — the top-level uuid box Adobe uses, moov/udta/XMP_, and
// the QuickTime metadata boxes — so a large moov or an embedded
// thumbnail's own XMP cannot mislead it. A top-level box that runs past
// the end of the file marks it cut off. HEIC keeps XMP as an item inside
// meta, and unusual files put it elsewhere; for those the bounded scan of
// both ends of the file follows.
func readBMFF(r io.ReaderAt, size int64) (found, error) {
	var f found
	w := &bmffWalk{r: r, size: size, budget: bmffMaxBoxes, f: &f}
	if err := w.walk(0, size, 0, ""); err != nil {
		return found{}, err
	}
	if f.cutAt > 0 || f.xmp != nil {
		return f, nil
	}
	s, err := scanXMP(r, size)
	if err != nil {
		return found{}, err
	}
	s.qt, s.exif = f.qt, f.exif
	s.warnings = append(f.warnings, s.warnings...)
	return s, nil
}

// walk reads the boxes between start and end inside parent. A malformed
// box ends the walk quietly: the scan that follows still gets its chance.
func (w *bmffWalk) walk(start, end int64, depth int, parent string) error {
	for off := start; end-off >= 8 && w.budget > 0; {
		w.budget--
		hdr, err := readAt(w.r, w.size, off, min(16, end-off))
		if errors.Is(err, errTruncated) {
			return nil
		} else if err != nil {
			return err
		}
		boxSize, typ, hdrLen := int64(binary.BigEndian.Uint32(hdr)), string(hdr[4:8]), int64(8)
		switch boxSize {
		case 0: // to the end
			boxSize = end - off
		case 1: // 64-bit size follows
			if len(hdr) < 16 {
				return nil
			}
			boxSize, hdrLen = int64(min(binary.BigEndian.Uint64(hdr[8:]), 1<<62)), 16
		}
		if boxSize < hdrLen {
			return nil
		}
		if boxSize > end-off {
			if depth == 0 {
				w.f.cut(off + boxSize)
			}
			return nil
		}
		body, bodyEnd := off+hdrLen, off+boxSize
		if err := w.box(typ, body, bodyEnd, depth, parent); err != nil {
			return err
		}
		off = bodyEnd
	}
	return nil
}

// box handles one box's body.
func (w *bmffWalk) box(typ string, body, end int64, depth int, parent string) error {
	switch {
	case typ == "uuid" && depth == 0 && end-body >= 16:
		id, err := readAt(w.r, w.size, body, 16)
		if err != nil && !errors.Is(err, errTruncated) {
			return err
		}
		if bytes.Equal(id, xmpUUID) {
			return w.xmp(body+16, end)
		}
	case typ == "XMP_" && depth > 0:
		return w.xmp(body, end)
	case typ == "meta" && depth == 0: // HEIF's items
		return w.heifWalkMeta(body, end)
	case depth >= bmffMaxDepth:
	case typ == "moov" && depth == 0, typ == "udta" && parent == "moov":
		return w.walk(body, end, depth+1, typ)
	case typ == "meta" && (parent == "moov" || parent == "udta"):
		// QuickTime's meta is a plain box, ISO's a full box with 4 bytes
		// of version and flags; the next word tells them apart.
		b, err := readAt(w.r, w.size, body, 4)
		if err != nil && !errors.Is(err, errTruncated) {
			return err
		}
		if len(b) == 4 && binary.BigEndian.Uint32(b) == 0 {
			body += 4
		}
		w.keys = nil
		return w.walk(body, end, depth+1, "meta")
	case typ == "keys" && parent == "meta":
		return w.readKeys(body, end)
	case typ == "ilst" && parent == "meta":
		return w.walk(body, end, depth+1, "ilst")
	case parent == "ilst":
		return w.item(typ, body, end)
	case parent == "udta" && (typ == "\xa9nam" || typ == "\xa9des"):
		b, err := w.read(body, end)
		if err != nil || len(b) < 4 {
			return err
		}
		n := min(int(binary.BigEndian.Uint16(b)), len(b)-4)
		w.set(typ, iimText(b[4:4+n], false))
	}
	return nil
}

func (w *bmffWalk) xmp(start, end int64) error {
	if end-start > MaxPacket {
		return nil // the scan will report it
	}
	b, err := readAt(w.r, w.size, start, end-start)
	if errors.Is(err, errTruncated) {
		return nil
	} else if err != nil {
		return err
	}
	w.f.addXMP(b)
	return nil
}

func (w *bmffWalk) read(start, end int64) ([]byte, error) {
	if end-start > qtMaxText {
		return nil, nil
	}
	b, err := readAt(w.r, w.size, start, end-start)
	if errors.Is(err, errTruncated) {
		return nil, nil
	}
	return b, err
}

// readKeys reads a keys box: version and flags, a count, then entries of
// size, namespace and name.
func (w *bmffWalk) readKeys(start, end int64) error {
	b, err := w.read(start, end)
	if err != nil || len(b) < 8 {
		return err
	}
	n := binary.BigEndian.Uint32(b[4:])
	p := 8
	for i := uint32(0); i < n && len(b)-p >= 8 && i < 1024; i++ {
		sz := int(binary.BigEndian.Uint32(b[p:]))
		if sz < 8 || sz > len(b)-p {
			break
		}
		w.keys = append(w.keys, string(b[p+8:p+sz]))
		p += sz
	}
	return nil
}

// item reads one ilst entry: its type is a key index (Keys) or a
// four-character code (ItemList); its value is in a data box.
func (w *bmffWalk) item(typ string, start, end int64) error {
	b, err := w.read(start, end)
	if err != nil || len(b) < 16 || string(b[4:8]) != "data" {
		return err
	}
	sz := min(int(binary.BigEndian.Uint32(b)), len(b))
	if sz < 16 {
		return nil
	}
	kind := binary.BigEndian.Uint32(b[8:]) & 0xffffff
	var text string
	switch kind {
	case 1: // UTF-8
		text = string(b[16:sz])
	case 2: // UTF-16BE
		u := make([]uint16, 0, (sz-16)/2)
		for i := 16; i+1 < sz; i += 2 {
			u = append(u, binary.BigEndian.Uint16(b[i:]))
		}
		text = string(utf16.Decode(u))
	default:
		return nil
	}
	name := typ
	if idx := binary.BigEndian.Uint32([]byte(typ)); w.keys != nil && idx >= 1 && int(idx) <= len(w.keys) {
		name = w.keys[idx-1]
	}
	w.set(name, text)
	return nil
}

// set files a QuickTime value by its key or item name.
func (w *bmffWalk) set(name, text string) {
	qt := &w.f.qt
	switch name {
	case "com.apple.quicktime.title", "\xa9nam":
		if cleanText(qt.title) == "" {
			qt.title = text
		}
	case "com.apple.quicktime.description", "\xa9des", "desc":
		if cleanText(qt.description) == "" {
			qt.description = text
		}
	case "com.apple.quicktime.keywords", "keyw":
		if len(qt.keywords) == 0 {
			qt.keywords = strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' })
		}
	}
}
