package filemeta

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
)

// Media types of Meta.MediaType.
const (
	MediaImage = "image"
	MediaVideo = "video"
)

// Meta is what a file says about itself.
type Meta struct {
	// Title is the title for ESP's headline field, chosen by the title
	// order (Options.TitleOrder) from Headline and DocTitle, else from the
	// EXIF/Windows or QuickTime fallbacks. TitleFrom names the source.
	Title string `json:"title"`
	// Description is dc:description / IPTC Caption-Abstract, else EXIF
	// ImageDescription or QuickTime's description; camera boilerplate
	// ("OLYMPUS DIGITAL CAMERA", "DCIM\100GOPRO") is never a description.
	Description string   `json:"description"`
	Keywords    []string `json:"keywords"`   // trimmed, non-empty, deduplicated ignoring case
	MediaType   string   `json:"media_type"` // MediaImage or MediaVideo
	MimeType    string   `json:"mime_type"`
	// Headline is photoshop:Headline / IPTC 2:105 and DocTitle is dc:title /
	// IPTC 2:05 Object Name, each resolved XMP-versus-IIM (docs/metadata.md).
	Headline string `json:"headline,omitempty"`
	DocTitle string `json:"doc_title,omitempty"`
	// TitleFrom says where Title came from: one of the TitleFrom* values.
	TitleFrom string `json:"title_from,omitempty"`
	// Sidecar is the XMP sidecar file that was read with the file, if any,
	// and SidecarSHA256 the SHA-256 (hex) of the very bytes read from it,
	// so a caller can tell later whether the sidecar changed without a
	// second read that could see a newer version than the one parsed.
	Sidecar       string `json:"sidecar,omitempty"`
	SidecarSHA256 string `json:"sidecar_sha256,omitempty"`
	// Width and Height are the pixel size when the container states it
	// plainly (JPEG, PNG, TIFF main image); 0 otherwise.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Warnings name embedded metadata that was present but could not be
	// read in full, so a caller can tell the user why a field is empty.
	Warnings []string `json:"warnings,omitempty"`
}

// Values of Meta.TitleFrom.
const (
	TitleFromHeadline  = "headline"  // photoshop:Headline or IPTC Headline
	TitleFromDocTitle  = "title"     // dc:title or IPTC Object Name
	TitleFromWindows   = "xptitle"   // EXIF XPTitle (Windows Explorer)
	TitleFromQuickTime = "quicktime" // QuickTime Keys, ItemList or UserData title
	TitleFromPNG       = "png"       // PNG "Title" text chunk
)

// TitleOrder decides which of Headline and DocTitle becomes Meta.Title
// when a file has both.
type TitleOrder string

// Title orders. The default is TitleHeadlineFirst: ESP's title field is
// the headline, and press files put slugs and IDs in Object Name.
const (
	TitleHeadlineFirst TitleOrder = "headline-first"
	TitleTitleFirst    TitleOrder = "title-first"
)

// ParseTitleOrder accepts "headline-first", "title-first" or "" (the
// default, TitleHeadlineFirst).
func ParseTitleOrder(s string) (TitleOrder, error) {
	switch TitleOrder(s) {
	case "", TitleHeadlineFirst:
		return TitleHeadlineFirst, nil
	case TitleTitleFirst:
		return TitleTitleFirst, nil
	}
	return "", fmt.Errorf("title order %q is not one of %s, %s", s, TitleHeadlineFirst, TitleTitleFirst)
}

// Options adjust a read. The zero value is the default.
type Options struct {
	TitleOrder TitleOrder // "" means TitleHeadlineFirst
	// NoSidecar skips the XMP sidecar (NAME.xmp, NAME.EXT.xmp) that Read
	// otherwise reads with the file. ReadFrom never looks for one.
	NoSidecar bool
}

// MaxPacket caps one metadata block (an XMP packet, a Photoshop resource
// block, an IIM record set) held in memory.
const MaxPacket = 4 << 20

// ErrUnsupported is matched (errors.Is) by every *UnsupportedError.
var ErrUnsupported = errors.New("unsupported file")

// UnsupportedError says a file is not one Stocksync accepts: wrong
// extension, empty, or content that does not match its name.
type UnsupportedError struct {
	Name   string // the file as the caller named it
	Reason string // what is wrong and, where it helps, what to do
}

func (e *UnsupportedError) Error() string { return e.Name + ": " + e.Reason }

// Is makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// Read opens path and reads its metadata with the default Options.
func Read(path string) (Meta, error) { return ReadWith(path, Options{}) }

// ReadWith opens path and reads its metadata, and its XMP sidecar unless
// o.NoSidecar. The file is read in bounded pieces, never whole. Anything
// but a regular file is refused before it is opened, so a named pipe
// cannot block the read.
func ReadWith(path string, o Options) (Meta, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Meta{}, fmt.Errorf("read metadata: %w", err)
	}
	if !st.Mode().IsRegular() {
		return Meta{}, &UnsupportedError{Name: path, Reason: "not a regular file"}
	}
	f, err := os.Open(path)
	if err != nil {
		return Meta{}, fmt.Errorf("read metadata: %w", err)
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return Meta{}, fmt.Errorf("read metadata: %w", err)
	}
	if !st.Mode().IsRegular() { // replaced between the two looks
		return Meta{}, &UnsupportedError{Name: path, Reason: "not a regular file"}
	}
	return readFrom(f, st.Size(), path, o, !o.NoSidecar)
}

// ReadFrom reads the metadata of size bytes at r with the default Options.
// name supplies the extension that decides which types are acceptable and
// names the file in errors. Errors are *UnsupportedError for files
// Stocksync does not accept (wrong type, or cut off so it cannot be
// uploaded), or wrap the reader's own error; malformed metadata inside an
// accepted file is not an error but a Meta.Warnings entry.
func ReadFrom(r io.ReaderAt, size int64, name string) (Meta, error) {
	return readFrom(r, size, name, Options{}, false)
}

// ReadFromWith is ReadFrom with Options; it never reads a sidecar.
func ReadFromWith(r io.ReaderAt, size int64, name string, o Options) (Meta, error) {
	return readFrom(r, size, name, o, false)
}

func readFrom(r io.ReaderAt, size int64, name string, o Options, sidecar bool) (Meta, error) {
	kind, err := identify(r, size, name)
	if err != nil {
		return Meta{}, err
	}
	m := Meta{MediaType: kind.media, MimeType: kind.mime}
	var raw found
	switch kind.format {
	case formatJPEG:
		raw, err = readJPEG(r, size)
	case formatPNG:
		raw, err = readPNG(r, size)
	case formatTIFF:
		raw, err = readTIFF(r, size)
	default:
		raw, err = readBMFF(r, size)
	}
	if err != nil {
		return Meta{}, fmt.Errorf("read metadata of %s: %w", name, err)
	}
	if raw.cutAt > 0 {
		return Meta{}, &UnsupportedError{Name: name, Reason: fmt.Sprintf(
			"the file is cut off: it is %s long, but its %s structure continues to byte %d; "+
				"it is damaged or still being copied, and cannot be uploaded", byteCount(size), kind.format.short(), raw.cutAt)}
	}
	if raw.noImage != "" {
		return Meta{}, &UnsupportedError{Name: name, Reason: raw.noImage + "; it cannot be uploaded"}
	}
	if sidecar {
		p, data, err := findSidecar(name)
		if err != nil {
			return Meta{}, err
		}
		if data != nil {
			sum := sha256.Sum256(data)
			raw.sidecar, m.Sidecar, m.SidecarSHA256 = data, p, hex.EncodeToString(sum[:])
		}
	}
	m.Width, m.Height = raw.width, raw.height
	raw.resolve(&m, o.TitleOrder)
	return m, nil
}

func byteCount(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// found is what a container walker collected, before merging.
type found struct {
	xmp      [][]byte // XMP packets in file order; later ones win field by field
	xmpSeen  int      // packets found, including those addXMP let go
	extXMP   []byte   // reassembled JPEG ExtendedXMP, nil if none
	sidecar  []byte   // XMP sidecar file's packet, nil if none
	irb      []byte   // Photoshop image resources, nil if none
	iim      []byte   // IPTC-IIM record set, nil if none
	exif     exifText // EXIF IFD0 text tags
	qt       qtText   // QuickTime Keys / ItemList / UserData text
	png      pngText  // PNG "Title" / "Description" text chunks
	width    int
	height   int
	warnings []string
	// cutAt > 0: the structure runs past the end of the file at this
	// offset; the file is refused.
	cutAt int64
	// noImage, when set, says why the file holds no image data.
	noImage string
}

func (f *found) warn(format string, args ...any) {
	if len(f.warnings) < maxWarnings {
		f.warnings = append(f.warnings, fmt.Sprintf(format, args...))
	}
}

// cut records that the structure needs bytes up to end, past the file.
func (f *found) cut(end int64) {
	if f.cutAt == 0 || end < f.cutAt {
		f.cutAt = end
	}
}

const maxWarnings = 8

// xmpMaxPackets bounds the packets kept, newest last: a hostile file of
// thousands of XMP segments must not hold them all in memory.
const xmpMaxPackets = 8

// addXMP keeps packet p, dropping the oldest beyond xmpMaxPackets or
// 2×MaxPacket bytes in all (the last packet wins anyway).
func (f *found) addXMP(p []byte) {
	f.xmp = append(f.xmp, p)
	f.xmpSeen++
	total := 0
	for _, q := range f.xmp {
		total += len(q)
	}
	for len(f.xmp) > 1 && (len(f.xmp) > xmpMaxPackets || total > 2*MaxPacket) {
		total -= len(f.xmp[0])
		f.xmp[0] = nil // let it go
		f.xmp = f.xmp[1:]
	}
}
