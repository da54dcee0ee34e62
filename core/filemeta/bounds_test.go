package filemeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
)

// sparseFile is a large file that is zeros except for a few parts, so a
// test can hand ReadFrom a 4 GiB video without 4 GiB of memory. It counts
// the bytes asked for.
type sparseFile struct {
	size  int64
	parts []sparsePart
	read  atomic.Int64
}

type sparsePart struct {
	off  int64
	data []byte
}

func (s *sparseFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := len(p)
	if int64(n) > s.size-off {
		n = int(s.size - off)
	}
	s.read.Add(int64(n))
	clear(p[:n])
	for _, part := range s.parts {
		lo, hi := max(off, part.off), min(off+int64(n), part.off+int64(len(part.data)))
		if lo < hi {
			copy(p[lo-off:hi-off], part.data[lo-part.off:hi-part.off])
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func TestHugeVideoIsReadInBoundedWindows(t *testing.T) {
	const size = 4 << 30
	pkt := xmpDoc{title: "At the end", keywords: []string{"tail"}}.packet()
	tests := []struct {
		name  string
		parts []sparsePart
		want  string
	}{
		{"XMP at the end", []sparsePart{{0, ftyp("qt  ")}, {size - int64(len(pkt)) - 1000, pkt}}, "At the end"},
		{"XMP at the start", []sparsePart{{0, ftyp("qt  ")}, {1000, pkt}}, "At the end"},
		{"XMP straddling the end window's edge is not found", []sparsePart{{0, ftyp("qt  ")}, {size - scanWindow - int64(bytes.Index(pkt, []byte("<x:xmpmeta"))) - 3, pkt}}, ""},
		{"XMP in the middle is not looked for", []sparsePart{{0, ftyp("qt  ")}, {size / 2, pkt}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &sparseFile{size: size, parts: tt.parts}
			got, err := ReadFrom(f, size, "big.mov")
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != tt.want {
				t.Errorf("Title = %q, want %q", got.Title, tt.want)
			}
			if read, limit := f.read.Load(), int64(2*scanWindow+64<<10); read > limit {
				t.Errorf("read %d bytes of a 4 GiB file, want at most %d", read, limit)
			}
		})
	}
}

// TestHugeFaststartVideo: XMP at the end of a 20 MB moov at the start of a
// 4 GiB file is beyond both scan windows; the box walk goes straight to it.
func TestHugeFaststartVideo(t *testing.T) {
	const size = 4 << 30
	xmpBox := box("udta", box("XMP_", xmpDoc{title: "Deep in moov"}.packet()))
	moovSize := 20<<20 + 8 + len(xmpBox)
	stbl := make([]byte, 8)
	binary.BigEndian.PutUint32(stbl, 20<<20)
	copy(stbl[4:], "trak")
	moovHdr := binary.BigEndian.AppendUint32(nil, uint32(moovSize))
	moovHdr = append(moovHdr, "moov"...)
	ft := ftyp("isom")
	moovAt := int64(len(ft))
	mdatAt := moovAt + int64(moovSize)
	mdat := binary.BigEndian.AppendUint32(nil, 1)
	mdat = append(mdat, "mdat"...)
	mdat = binary.BigEndian.AppendUint64(mdat, uint64(size-mdatAt))
	f := &sparseFile{size: size, parts: []sparsePart{
		{0, ft}, {moovAt, moovHdr}, {moovAt + 8, stbl}, {moovAt + 8 + 20<<20, xmpBox}, {mdatAt, mdat},
	}}
	got, err := ReadFrom(f, size, "long.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Deep in moov" {
		t.Errorf("Title = %q, want %q", got.Title, "Deep in moov")
	}
	if read := f.read.Load(); read > 64<<10 {
		t.Errorf("read %d bytes, want only the boxes' headers and the XMP", read)
	}
}

// TestEveryTruncationIsHandled cuts each fixture at every length: a file
// cut off anywhere still reads without panicking, and gives either an
// UnsupportedError (too short to recognise) or a Meta.
func TestEveryTruncationIsHandled(t *testing.T) {
	le := binary.LittleEndian
	fixtures := map[string][]byte{
		"a.jpg": jpegWith(t, 4, 4, app1XMP(maple.packet()), app13(irbResource(0x0404, mapleIIM))),
		"a.png": pngWith(t, 2, 2, false, itxt(pngXMPKeyword, maple.packet(), true)),
		"a.tif": tiffFile(le, tiffShort(le, tagImageWidth, 2), tiffUndef(tagXMP, maple.packet()), tiffUndef(tagIPTC, mapleIIM)),
		"a.mp4": mp4With(ftyp("isom"), maple.packet()),
	}
	for name, data := range fixtures {
		for n := range len(data) {
			m, err := ReadFrom(bytes.NewReader(data[:n]), int64(n), name)
			if err != nil && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("%s cut at %d: %v", name, n, err)
			}
			if err == nil && m.MimeType == "" {
				t.Fatalf("%s cut at %d: no MIME type", name, n)
			}
		}
	}
}

func TestHostileStructures(t *testing.T) {
	le := binary.LittleEndian
	soi := []byte{0xff, 0xd8}
	tests := []struct {
		name, file string
		data       []byte
		want       Meta
	}{
		{
			name: "JPEG of endless fill bytes",
			file: "a.jpg",
			data: append(soi, bytes.Repeat([]byte{0xff}, 100000)...),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/jpeg",
				Warnings: []string{"JPEG has more than 4096 markers before the image data; stopped looking for metadata"}},
		},
		{
			name: "JPEG segment with length below 2",
			file: "a.jpg",
			data: append(soi, 0xff, 0xe1, 0x00, 0x01, 0, 0),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/jpeg",
				Warnings: []string{"JPEG segment at byte 2 has an impossible length"}},
		},
		{
			name: "JPEG whose segments lead to garbage",
			file: "a.jpg",
			data: append(soi, 0xff, 0xfe, 0x00, 0x03, 'x', 'y', 'z', 'z', 'y'),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/jpeg",
				Warnings: []string{"JPEG structure is broken at byte 7"}},
		},
		{
			name: "JPEG APP13 bigger than the cap, in many segments",
			file: "a.jpg",
			data: func() []byte {
				seg := app13(make([]byte, 65000))
				return append(soi, bytes.Repeat(seg, MaxPacket/65000+2)...)
			}(),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/jpeg",
				Warnings: []string{"Photoshop resource block is larger than 4 MiB; read only the first part", "JPEG is cut off at byte 4291190"}},
		},
		{
			name: "PNG iTXt claiming 2 GiB",
			file: "a.png",
			data: append([]byte("\x89PNG\r\n\x1a\n\x7f\xff\xff\xffiTXt"), "XML:com.adobe.xmp\x00"...),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/png",
				Warnings: []string{"PNG text chunk at byte 8 is larger than 4 MiB; skipped"}},
		},
		{
			name: "PNG iTXt claiming more than the file",
			file: "a.png",
			data: append([]byte("\x89PNG\r\n\x1a\n\x00\x01\x00\x00iTXt"), "XML:com.adobe.xmp\x00"...),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/png",
				Warnings: []string{"PNG is cut off inside a text chunk at byte 8"}},
		},
		{
			name: "PNG zlib bomb",
			file: "a.png",
			data: func() []byte {
				return pngWith(t, 1, 1, false, itxt(pngXMPKeyword, bytes.Repeat([]byte("<"), MaxPacket+10), true))
			}(),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/png", Width: 1, Height: 1,
				Warnings: []string{"PNG XMP chunk is malformed: inflated packet is larger than 4 MiB"}},
		},
		{
			name: "TIFF XMP tag claiming 4 GiB",
			file: "a.tif",
			data: tiffFile(le, tiffEntry{tagXMP, 7, 0xffffffff, []byte{8, 0, 0, 0, 0}}),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/tiff",
				Warnings: []string{"TIFF tag 700 is larger than 4 MiB; skipped"}},
		},
		{
			name: "TIFF tag of DOUBLEs claiming 4 GiB",
			file: "a.tif",
			data: tiffFile(le, tiffEntry{tagIPTC, 12, 0xffffffff, []byte{8, 0, 0, 0, 0}}),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/tiff",
				Warnings: []string{"TIFF tag 33723 is larger than 4 MiB; skipped"}},
		},
		{
			name: "TIFF tag pointing past the end",
			file: "a.tif",
			data: tiffFile(le, tiffEntry{tagXMP, 1, 100, []byte{0xff, 0xff, 0, 0, 0}}),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/tiff",
				Warnings: []string{"TIFF tag 700 points outside the file"}},
		},
		{
			name: "TIFF tag of unknown type",
			file: "a.tif",
			data: tiffFile(le, tiffEntry{tagXMP, 99, 1, []byte{1}}),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/tiff",
				Warnings: []string{"TIFF tag 700 has unknown field type 99; skipped"}},
		},
		{
			name: "TIFF IFD past the end",
			file: "a.tif",
			data: []byte("II*\x00\xff\xff\xff\x7f"),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/tiff",
				Warnings: []string{"TIFF directory offset 2147483647 is outside the file"}},
		},
		{
			name: "TIFF IFD with 65535 entries in a short file",
			file: "a.tif",
			data: []byte("II*\x00\x08\x00\x00\x00\xff\xff"),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/tiff",
				Warnings: []string{"TIFF directory at byte 8 is cut off"}},
		},
		{
			name: "TIFF header only",
			file: "a.tif",
			data: []byte("MM\x00*"),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/tiff",
				Warnings: []string{"TIFF is cut off in its header"}},
		},
	}
	// Structures that run past the end of the file are refused: such a
	// file is damaged or still being copied and cannot be uploaded.
	cutOff := map[string]string{
		"JPEG APP13 bigger than the cap, in many segments": "it is 4291190 bytes long, but its JPEG structure continues to byte 4291194",
		"PNG iTXt claiming 2 GiB":                          "it is 34 bytes long, but its PNG structure continues to byte 2147483667",
		"PNG iTXt claiming more than the file":             "it is 34 bytes long, but its PNG structure continues to byte 65556",
		"TIFF IFD past the end":                            "it is 8 bytes long, but its TIFF structure continues to byte 2147483649",
		"TIFF IFD with 65535 entries in a short file":      "it is 10 bytes long, but its TIFF structure continues to byte 786430",
		"TIFF header only":                                 "it is 4 bytes long, but its TIFF structure continues to byte 8",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadFrom(bytes.NewReader(tt.data), int64(len(tt.data)), tt.file)
			if want, ok := cutOff[tt.name]; ok {
				if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "the file is cut off: "+want) {
					t.Fatalf("ReadFrom = %v, want a refusal: the file is cut off: %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equalMeta(got, tt.want) {
				t.Errorf("ReadFrom\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func equalMeta(a, b Meta) bool {
	return a.Title == b.Title && a.Description == b.Description && strings.Join(a.Keywords, "\x00") == strings.Join(b.Keywords, "\x00") &&
		(a.Keywords == nil) == (b.Keywords == nil) && a.MediaType == b.MediaType && a.MimeType == b.MimeType &&
		a.Width == b.Width && a.Height == b.Height && strings.Join(a.Warnings, "\n") == strings.Join(b.Warnings, "\n")
}

// failingReader serves head and fails every read beyond it, as a disk
// with a bad sector would.
type failingReader struct{ head []byte }

func (f failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) <= int64(len(f.head)) {
		return copy(p, f.head[off:]), nil
	}
	return 0, errors.New("input/output error")
}

func TestReadErrorIsReturned(t *testing.T) {
	jpegHead := []byte("\xff\xd8\xff\xe1\x00\x40http://ns.a")
	for name, r := range map[string]failingReader{"while sniffing": {}, "while walking": {jpegHead}} {
		_, err := ReadFrom(r, 1000, "a.jpg")
		if err == nil || !strings.Contains(err.Error(), "input/output error") || errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: ReadFrom over a failing disk = %v, want the I/O error", name, err)
		}
	}
}
