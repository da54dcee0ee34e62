package filemeta

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// heifWithExif builds a HEIC whose EXIF item (ID 7) is in the mdat box,
// located by an iloc box of the given version.
func heifWithExif(t testing.TB, ilocVersion byte, tiff []byte, lengthDelta int) []byte {
	t.Helper()
	item := append(binary.BigEndian.AppendUint32(nil, 6), append([]byte("Exif\x00\x00"), tiff...)...)
	infe := box("infe", []byte{2, 0, 0, 0}, []byte{0, 7, 0, 0}, []byte("Exif"), []byte{0})
	iinf := box("iinf", []byte{0, 0, 0, 0, 0, 1}, box("infe", []byte{2, 0, 0, 0, 0, 1, 0, 0}, []byte("hvc1"), []byte{0}), infe)
	iinf = append(iinf[:4:4], iinf[4:]...)
	binary.BigEndian.PutUint16(iinf[12:], 2) // two entries
	build := func(offset uint32) []byte {
		var il []byte
		il = append(il, ilocVersion, 0, 0, 0, 0x44, 0x00) // offset and length 4 bytes, no base
		id := func(v uint32) {
			if ilocVersion < 2 {
				il = binary.BigEndian.AppendUint16(il, uint16(v))
			} else {
				il = binary.BigEndian.AppendUint32(il, v)
			}
		}
		id(1) // count
		if ilocVersion < 2 {
			il = il[:len(il)-2]
			il = binary.BigEndian.AppendUint16(il, 1)
		}
		id(7)
		if ilocVersion >= 1 {
			il = append(il, 0, 0) // construction method 0
		}
		il = append(il, 0, 0, 0, 1) // data reference 0, one extent
		il = binary.BigEndian.AppendUint32(il, offset)
		il = binary.BigEndian.AppendUint32(il, uint32(len(item)+lengthDelta))
		meta := box("meta", []byte{0, 0, 0, 0}, box("hdlr", make([]byte, 24)), iinf, box("iloc", il))
		return append(ftyp("heic", "mif1", "heic"), meta...)
	}
	head := build(0)
	off := uint32(len(head) + 8)
	return append(build(off), box("mdat", item)...)
}

// Found by trying `add` on a HEIC whose description ExifTool wrote into
// its EXIF item: EXIF in HEIF was not read (fault 7 for JPEG and TIFF only).
func TestHEIFExifItem(t *testing.T) {
	tiff := tiffFile(binary.LittleEndian, asciiTag(tagImageDescription, "HEIC description"), xpTag(tagXPTitle, "HEIC title"))
	for _, v := range []byte{0, 1, 2} {
		m := readBytes(t, "a.heic", heifWithExif(t, v, tiff, 0))
		if m.Description != "HEIC description" || m.Title != "HEIC title" || m.TitleFrom != TitleFromWindows {
			t.Errorf("iloc version %d: %q (%s) / %q", v, m.Title, m.TitleFrom, m.Description)
		}
	}
	// An item said to run past the end of the file is not read, and said.
	b := heifWithExif(t, 1, tiff, 1000)
	m, err := ReadFrom(bytes.NewReader(b), int64(len(b)), "b.heic")
	if err != nil || m.Description != "" || len(m.Warnings) != 1 || m.Warnings[0] != "the EXIF item ends past the end of the file; not read" {
		t.Errorf("item past the end: %+v, %v", m, err)
	}
	// Every cut of the iinf and iloc boxes reads without a panic.
	good := heifWithExif(t, 2, tiff, 0)
	for n := 0; n < len(good); n++ {
		cut := bytes.Clone(good)
		cut[n] ^= 0xff
		ReadFrom(bytes.NewReader(cut), int64(len(cut)), "c.heic")
	}
}
