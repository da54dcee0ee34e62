package filemeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var maple = xmpDoc{
	title:       "  Red maple leaf\n",
	titleDE:     "Rotes Ahornblatt",
	description: "A single red maple leaf on wet asphalt, autumn.",
	keywords:    []string{"maple", "Leaf", " autumn ", "", "leaf", "Red", "MAPLE", "wet asphalt"},
}

var mapleKeywords = []string{"maple", "Leaf", "autumn", "Red", "wet asphalt"}

var mapleIIM = iimBlock(
	ds{1, 0, "\x00\x04"}, utf8Marker,
	ds{2, 0, "\x00\x04"},
	ds{2, 5, "Érable rouge"},
	ds{2, 120, "Une feuille d’érable\x00"},
	ds{2, 25, "érable"}, ds{2, 25, "feuille"}, ds{2, 25, "Érable"},
)

func TestReadFrom(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	tests := []struct {
		name string
		file string
		data []byte
		want Meta
	}{
		{
			name: "JPEG with XMP",
			file: "maple.jpg",
			data: jpegWith(t, 16, 9, app1XMP(maple.packet())),
			want: Meta{Title: "Red maple leaf", Description: maple.description, Keywords: mapleKeywords,
				MediaType: "image", MimeType: "image/jpeg", Width: 16, Height: 9},
		},
		{
			name: "JPEG with IIM only, UTF-8 by 1:90, repeatable keywords",
			file: "IMG_1.JPEG",
			data: jpegWith(t, 8, 8, app13(irbResource(0x03ed, make([]byte, 16))), app13(irbResource(0x0404, mapleIIM))),
			want: Meta{Title: "Érable rouge", Description: "Une feuille d’érable", Keywords: []string{"érable", "feuille"},
				MediaType: "image", MimeType: "image/jpeg", Width: 8, Height: 8},
		},
		{
			name: "JPEG with IIM in Windows-1252, no charset",
			file: "old.jpg",
			data: jpegWith(t, 8, 8, app13(irbResource(0x0404, iimBlock(
				ds{2, 5, "Caf\xe9 \x93noir\x94"}, ds{2, 25, "caf\xe9"}, ds{2, 25, "na\xefve"})))),
			want: Meta{Title: "Café “noir”", Keywords: []string{"café", "naïve"},
				MediaType: "image", MimeType: "image/jpeg", Width: 8, Height: 8},
		},
		{
			name: "JPEG with XMP and IIM: XMP wins field by field",
			file: "both.jpg",
			data: jpegWith(t, 8, 8,
				app1XMP(xmpDoc{title: "XMP title", keywords: []string{"x1", "x2"}}.packet()),
				app13(irbResource(0x0404, iimBlock(ds{2, 5, "IIM title"}, ds{2, 120, "IIM caption"}, ds{2, 25, "i1"})))),
			want: Meta{Title: "XMP title", Description: "IIM caption", Keywords: []string{"x1", "x2"},
				MediaType: "image", MimeType: "image/jpeg", Width: 8, Height: 8},
		},
		{
			name: "JPEG with Headline attribute as the only title",
			file: "h.jpg",
			data: jpegWith(t, 8, 8, app1XMP(xmpDoc{headline: "Leaf & puddle"}.packet())),
			want: Meta{Title: "Leaf & puddle", Keywords: []string{}, MediaType: "image", MimeType: "image/jpeg", Width: 8, Height: 8},
		},
		{
			name: "JPEG with IIM split over two APP13 segments",
			file: "split.jpg",
			data: func() []byte {
				irb := irbResource(0x0404, mapleIIM)
				return jpegWith(t, 8, 8, app13(irb[:20]), app13(irb[20:]))
			}(),
			want: Meta{Title: "Érable rouge", Description: "Une feuille d’érable", Keywords: []string{"érable", "feuille"},
				MediaType: "image", MimeType: "image/jpeg", Width: 8, Height: 8},
		},
		{
			name: "JPEG without metadata",
			file: "plain.jpg",
			data: jpegWith(t, 31, 7),
			want: Meta{Keywords: []string{}, MediaType: "image", MimeType: "image/jpeg", Width: 31, Height: 7},
		},
		{
			name: "JPEG with Exif APP1 before XMP",
			file: "exif.jpg",
			data: jpegWith(t, 8, 8, segment(0xe1, []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00")), app1XMP(xmpDoc{title: "After Exif"}.packet())),
			want: Meta{Title: "After Exif", Keywords: []string{}, MediaType: "image", MimeType: "image/jpeg", Width: 8, Height: 8},
		},
		{
			name: "JPEG with broken XMP keeps what came before the damage",
			file: "broken.jpg",
			data: jpegWith(t, 8, 8, app1XMP([]byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
				<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Kept</rdf:li></rdf:Alt></dc:title>
				<dc:subject><rdf:Bag><rdf:li>one</rdf:li><rdf:li>two<`))),
			want: Meta{Title: "Kept", Keywords: []string{"one"}, MediaType: "image", MimeType: "image/jpeg", Width: 8, Height: 8,
				Warnings: []string{"embedded XMP is malformed, read what could be salvaged: XML syntax error on line 3: unexpected EOF"}},
		},
		{
			name: "PNG with iTXt XMP",
			file: "maple.png",
			data: pngWith(t, 5, 4, false, pngChunk("tEXt", []byte("Software\x00test")), itxt(pngXMPKeyword, maple.packet(), false)),
			want: Meta{Title: "Red maple leaf", Description: maple.description, Keywords: mapleKeywords,
				MediaType: "image", MimeType: "image/png", Width: 5, Height: 4},
		},
		{
			name: "PNG with compressed iTXt XMP after the image data",
			file: "maple.png",
			data: pngWith(t, 5, 4, true, itxt("Comment", []byte("not this"), false), itxt(pngXMPKeyword, maple.packet(), true)),
			want: Meta{Title: "Red maple leaf", Description: maple.description, Keywords: mapleKeywords,
				MediaType: "image", MimeType: "image/png", Width: 5, Height: 4},
		},
		{
			name: "TIFF little-endian with XMP and IPTC tags",
			file: "scan.tif",
			data: tiffFile(le, tiffShort(le, tagImageWidth, 640), tiffLong(le, tagImageLength, 480),
				tiffUndef(tagXMP, xmpDoc{description: "From XMP"}.packet()),
				tiffEntry{tagIPTC, 4, uint32((len(mapleIIM) + 3) / 4), append(mapleIIM, make([]byte, 3)...)}),
			want: Meta{Title: "Érable rouge", Description: "From XMP", Keywords: []string{"érable", "feuille"},
				MediaType: "image", MimeType: "image/tiff", Width: 640, Height: 480},
		},
		{
			name: "TIFF big-endian with Photoshop resources",
			file: "scan.TIFF",
			data: tiffFile(be, tiffLong(be, tagImageWidth, 70000), tiffShort(be, tagImageLength, 3),
				tiffUndef(tagPhotoshop, irbResource(0x0404, iimBlock(ds{2, 120, "From 8BIM"})))),
			want: Meta{Description: "From 8BIM", Keywords: []string{}, MediaType: "image", MimeType: "image/tiff", Width: 70000, Height: 3},
		},
		{
			name: "DNG: IFD0 is a preview, so no size",
			file: "raw.dng",
			data: tiffFile(le, tiffLong(le, tagNewSubfileType, 1), tiffShort(le, tagImageWidth, 256), tiffShort(le, tagImageLength, 171),
				tiffUndef(tagXMP, maple.packet())),
			want: Meta{Title: "Red maple leaf", Description: maple.description, Keywords: mapleKeywords,
				MediaType: "image", MimeType: "image/x-adobe-dng"},
		},
		{
			name: "MP4 with XMP in moov",
			file: "clip.mp4",
			data: mp4With(ftyp("isom", "isom", "mp42"), maple.packet()),
			want: Meta{Title: "Red maple leaf", Description: maple.description, Keywords: mapleKeywords,
				MediaType: "video", MimeType: "video/mp4"},
		},
		{
			name: "MP4 with XMP in Adobe's uuid box, after a thumbnail with its own XMP",
			file: "adobe.mp4",
			data: bytes.Join([][]byte{
				ftyp("mp42"),
				box("free", jpegWith(t, 2, 2, app1XMP(xmpDoc{title: "Thumbnail"}.packet()))),
				box("uuid", xmpUUID, xmpDoc{title: "The clip", keywords: []string{"clip"}}.packet()),
				box("moov", box("mvhd", make([]byte, 100))),
			}, nil),
			want: Meta{Title: "The clip", Keywords: []string{"clip"}, MediaType: "video", MimeType: "video/mp4"},
		},
		{
			name: "MP4 with broken boxes falls back to the scan",
			file: "odd.mp4",
			data: append(ftyp("isom"), append([]byte("\x00\x00\x00\x03junk"), xmpDoc{title: "Scanned"}.packet()...)...),
			want: Meta{Title: "Scanned", Keywords: []string{}, MediaType: "video", MimeType: "video/mp4"},
		},
		{
			name: "old QuickTime starting with a wide box",
			file: "clip.MOV",
			data: mp4With(box("wide"), xmpDoc{title: "Falls"}.packet()),
			want: Meta{Title: "Falls", Keywords: []string{}, MediaType: "video", MimeType: "video/quicktime"},
		},
		{
			name: "M4V without XMP",
			file: "clip.m4v",
			data: mp4With(ftyp("M4V "), nil),
			want: Meta{Keywords: []string{}, MediaType: "video", MimeType: "video/x-m4v"},
		},
		{
			name: "HEIC with XMP",
			file: "IMG_0001.heic",
			data: mp4With(ftyp("heic", "mif1", "heic"), xmpDoc{title: "Phone shot", keywords: []string{"phone"}}.packet()),
			want: Meta{Title: "Phone shot", Keywords: []string{"phone"}, MediaType: "image", MimeType: "image/heic"},
		},
		{
			name: "video whose XMP never ends",
			file: "cut.mp4",
			data: append(ftyp("isom"), box("skip", []byte("<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF>"))...),
			want: Meta{Keywords: []string{}, MediaType: "video", MimeType: "video/mp4",
				Warnings: []string{"XMP packet has no end within 4 MiB; not read"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadFrom(bytes.NewReader(tt.data), int64(len(tt.data)), tt.file)
			if err != nil {
				t.Fatalf("ReadFrom: %v", err)
			}
			// Which title field was used is TestTitlePrecedence's subject.
			got.Headline, got.DocTitle, got.TitleFrom = "", "", ""
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ReadFrom(%s)\n got %#v\nwant %#v", tt.file, got, tt.want)
			}
		})
	}
}

func TestReadFromRefuses(t *testing.T) {
	jpg := jpegWith(t, 8, 8)
	pngData := pngWith(t, 2, 2, false)
	tests := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"unsupported extension", "anim.gif", []byte("GIF89a......"),
			"anim.gif: is not a supported type (.gif); Stocksync accepts " + Accepted},
		{"no extension", "/tmp/photo", jpg, "/tmp/photo: has no file extension; Stocksync accepts " + Accepted},
		{"empty", "e.jpg", nil, "e.jpg: the file is empty"},
		{"PNG named .jpg", "p.jpg", pngData, "p.jpg: the content is a PNG image, not a JPEG image as the name says; rename the file to .png"},
		{"JPEG named .mp4", "v.mp4", jpg, "v.mp4: the content is a JPEG image, not an HEIC image or a QuickTime/MP4 video as the name says; rename the file to .jpg"},
		{"PDF named .jpg", "doc.jpg", []byte("%PDF-1.7\n%\xe2\xe3"),
			`doc.jpg: the content is not a JPEG image as the name says (it starts with 25 50 44 46 2d 31 2e 37 "%PDF-1.7")`},
		{"HEIC without ftyp", "x.heic", []byte("\x00\x00\x00\x10wide\x00\x00\x00\x00\x00\x00\x00\x00"),
			`x.heic: the content is not an HEIC image or a QuickTime/MP4 video as the name says (it starts with 00 00 00 10 77 69 64 65 "....wide")`},
		{"tiny", "t.png", []byte{0x89}, `t.png: the file is cut off: it is only 1 byte long, too short to be a PNG image; it is damaged or still being copied`},
		{"JPEG start only", "two.jpg", []byte{0xff, 0xd8}, `two.jpg: the file is cut off: it is only 2 bytes long, too short to be a JPEG image; it is damaged or still being copied`},
		{"3-byte JPEG", "three.jpg", []byte{0xff, 0xd8, 0xff}, `three.jpg: the file is cut off: it is 3 bytes long, but its JPEG structure continues to byte 6; it is damaged or still being copied, and cannot be uploaded`},
		{"100-byte JPEG whose first segment claims 9,580 bytes", "short.jpg", append([]byte{0xff, 0xd8, 0xff, 0xe1, 0x25, 0x6c}, make([]byte, 94)...),
			`short.jpg: the file is cut off: it is 100 bytes long, but its JPEG structure continues to byte 9584; it is damaged or still being copied, and cannot be uploaded`},
		{"JPEG without image data", "noscan.jpg", []byte{0xff, 0xd8, 0xff, 0xfe, 0x00, 0x03, 'x', 0xff, 0xd9},
			`noscan.jpg: the JPEG has no image data (its segments end without a scan); it cannot be uploaded`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFrom(bytes.NewReader(tt.data), int64(len(tt.data)), tt.file)
			if err == nil {
				t.Fatal("ReadFrom succeeded, want an error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
			var ue *UnsupportedError
			if !errors.As(err, &ue) || !errors.Is(err, ErrUnsupported) {
				t.Errorf("error %T is not an *UnsupportedError matching ErrUnsupported", err)
			}
		})
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "maple.jpg")
	if err := os.WriteFile(path, jpegWith(t, 4, 4, app1XMP(maple.packet())), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Red maple leaf" || !reflect.DeepEqual(got.Keywords, mapleKeywords) {
		t.Errorf("Read = %+v", got)
	}

	if _, err := Read(filepath.Join(dir, "missing.jpg")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want fs.ErrNotExist", err)
	}
	sub := filepath.Join(dir, "folder.jpg")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(sub); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Read(folder) = %v, want not a regular file", err)
	}
}

// TestReadRefusesPipeWithoutBlocking: opening a named pipe for reading
// waits for a writer, so Read must refuse it before opening.
func TestReadRefusesPipeWithoutBlocking(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe.jpg")
	if out, err := exec.Command("mkfifo", fifo).CombinedOutput(); err != nil {
		t.Skipf("mkfifo: %v %s", err, out)
	}
	if _, err := Read(fifo); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Read(fifo) = %v, want not a regular file", err)
	}
}

func TestSupported(t *testing.T) {
	for name, want := range map[string]bool{
		"a.jpg": true, "A.JPEG": true, "b.Png": true, "c.tif": true, "d.tiff": true, "e.heic": true, "f.dng": true,
		"g.mov": true, "h.MP4": true, "i.m4v": true, "j.gif": false, "k": false, "l.jpg.txt": false, ".jpg": true,
	} {
		if got := Supported(name); got != want {
			t.Errorf("Supported(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSplitKeywords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"a, b, c", []string{"a", "b", "c"}},
		{" maple ;Leaf,, leaf ; ,autumn colours ", []string{"maple", "Leaf", "autumn colours"}},
		{"Ärger, ärger, ÄRGER", []string{"Ärger"}},
		// Pasted one a line: "maple\nleaf" was one keyword with a line break.
		{"maple\nleaf\r\nautumn\n", []string{"maple", "leaf", "autumn"}},
	}
	// From a file, a keyword with a line break or tab inside is one line.
	if got := CleanKeywords([]string{"two\nlines", "tab\there", "ok"}); !reflect.DeepEqual(got, []string{"two lines", "tab here", "ok"}) {
		t.Errorf("CleanKeywords = %q", got)
	}
	for _, tt := range tests {
		if got := SplitKeywords(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitKeywords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
