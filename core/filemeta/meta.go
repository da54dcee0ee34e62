package filemeta

import (
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
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Keywords    []string `json:"keywords"`   // trimmed, non-empty, deduplicated ignoring case
	MediaType   string   `json:"media_type"` // MediaImage or MediaVideo
	MimeType    string   `json:"mime_type"`
	// Width and Height are the pixel size when the container states it
	// plainly (JPEG, PNG, TIFF main image); 0 otherwise.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Warnings name embedded metadata that was present but could not be
	// read in full, so a caller can tell the user why a field is empty.
	Warnings []string `json:"warnings,omitempty"`
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

// Read opens path and reads its metadata. The file is read in bounded
// pieces, never whole. Anything but a regular file is refused before it is
// opened, so a named pipe cannot block the read.
func Read(path string) (Meta, error) {
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
	return ReadFrom(f, st.Size(), path)
}

// ReadFrom reads the metadata of size bytes at r. name supplies the
// extension that decides which types are acceptable and names the file in
// errors. Errors are *UnsupportedError for files Stocksync does not accept,
// or wrap the reader's own error; malformed metadata inside an accepted file
// is not an error but a Meta.Warnings entry.
func ReadFrom(r io.ReaderAt, size int64, name string) (Meta, error) {
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
	m.Width, m.Height = raw.width, raw.height
	raw.resolve(&m)
	return m, nil
}

// found is what a container walker collected, before merging.
type found struct {
	xmp           []byte // raw packet, nil if none
	irb           []byte // Photoshop image resources, nil if none
	iim           []byte // IPTC-IIM record set, nil if none
	width, height int
	warnings      []string
}

func (f *found) warn(format string, args ...any) {
	if len(f.warnings) < maxWarnings {
		f.warnings = append(f.warnings, fmt.Sprintf(format, args...))
	}
}

const maxWarnings = 8

// resolve parses the collected blocks and fills m, XMP first.
func (f *found) resolve(m *Meta) {
	var x, i fields
	if f.xmp != nil {
		var err error
		if x, err = parseXMP(f.xmp); err != nil {
			f.warn("embedded XMP is malformed, read up to the damage: %v", err)
		}
	}
	iim := f.iim
	if iim == nil && f.irb != nil {
		var err error
		if iim, err = iptcFromIRB(f.irb); err != nil {
			f.warn("Photoshop resource block is malformed: %v", err)
		}
	}
	if iim != nil {
		var err error
		if i, err = parseIIM(iim); err != nil {
			f.warn("embedded IPTC is malformed, read up to the damage: %v", err)
		}
	}
	merge(m, x, i)
	m.Warnings = f.warnings
}

// merge fills m from XMP fields x and IIM fields i: XMP wins wherever it
// says anything, as in Adobe's applications; a title falls back to the
// headline.
func merge(m *Meta, x, i fields) {
	m.Title = firstNonEmpty(x.title, x.headline, i.title, i.headline)
	m.Description = firstNonEmpty(x.description, i.description)
	m.Keywords = CleanKeywords(x.keywords)
	if len(m.Keywords) == 0 {
		m.Keywords = CleanKeywords(i.keywords)
	}
}

// fields is what one metadata block says, before cleaning and merging.
type fields struct {
	title, headline, description string
	keywords                     []string
}
