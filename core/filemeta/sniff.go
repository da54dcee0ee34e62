package filemeta

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
)

type format int

const (
	formatUnknown format = iota
	formatJPEG
	formatPNG
	formatTIFF
	formatBMFF // ISO base media: HEIC, MP4, QuickTime
)

// describe names a format for messages: "the content is …".
func (f format) describe() string {
	switch f {
	case formatJPEG:
		return "a JPEG image"
	case formatPNG:
		return "a PNG image"
	case formatTIFF:
		return "a TIFF or DNG image"
	case formatBMFF:
		return "an HEIC image or a QuickTime/MP4 video"
	}
	return "of an unknown type"
}

// short names a format inside a sentence: "its JPEG structure".
func (f format) short() string {
	switch f {
	case formatJPEG:
		return "JPEG"
	case formatPNG:
		return "PNG"
	case formatTIFF:
		return "TIFF"
	case formatBMFF:
		return "ISO media (HEIC/MP4/QuickTime)"
	}
	return "file"
}

// magic is how each format starts; a file shorter than its magic that
// matches as far as it goes is cut off, not of another type.
var magic = map[format][]string{
	formatJPEG: {"\xff\xd8\xff"},
	formatPNG:  {"\x89PNG\r\n\x1a\n"},
	formatTIFF: {"II*\x00", "MM\x00*", "II+\x00", "MM\x00+"},
}

func cutMagic(f format, head []byte) bool {
	for _, m := range magic[f] {
		if len(head) < len(m) && strings.HasPrefix(m, string(head)) {
			return true
		}
	}
	return f == formatBMFF && len(head) < 8
}

type kind struct {
	format format
	media  string
	mime   string
}

var byExt = map[string]kind{
	".jpg":  {formatJPEG, MediaImage, "image/jpeg"},
	".jpeg": {formatJPEG, MediaImage, "image/jpeg"},
	".png":  {formatPNG, MediaImage, "image/png"},
	".tif":  {formatTIFF, MediaImage, "image/tiff"},
	".tiff": {formatTIFF, MediaImage, "image/tiff"},
	".dng":  {formatTIFF, MediaImage, "image/x-adobe-dng"},
	".heic": {formatBMFF, MediaImage, "image/heic"},
	".heif": {formatBMFF, MediaImage, "image/heif"},
	".hif":  {formatBMFF, MediaImage, "image/heif"},
	".mov":  {formatBMFF, MediaVideo, "video/quicktime"},
	".mp4":  {formatBMFF, MediaVideo, "video/mp4"},
	".m4v":  {formatBMFF, MediaVideo, "video/x-m4v"},
}

// Accepted says which files Stocksync takes, for messages and help text.
const Accepted = ".jpg, .jpeg, .png, .tif, .tiff, .heic, .heif and .dng images; .mov, .mp4 and .m4v videos"

// acceptedExts are byExt's keys, in a fixed order.
var acceptedExts = func() []string {
	out := make([]string, 0, len(byExt))
	for ext := range byExt {
		out = append(out, ext)
	}
	slices.Sort(out)
	return out
}()

// Supported reports whether name has an extension Stocksync accepts (any
// case). It does not look at the content; Read and ReadFrom do.
func Supported(name string) bool {
	_, ok := byExt[strings.ToLower(filepath.Ext(name))]
	return ok
}

// identify decides the kind by extension and checks the content agrees.
func identify(r io.ReaderAt, size int64, name string) (kind, error) {
	ext := strings.ToLower(filepath.Ext(name))
	k, ok := byExt[ext]
	if !ok {
		what := "has no file extension"
		if ext != "" {
			what = fmt.Sprintf("is not a supported type (%s)", ext)
		}
		return kind{}, &UnsupportedError{Name: name, Reason: what + "; Stocksync accepts " + Accepted}
	}
	if size <= 0 {
		return kind{}, &UnsupportedError{Name: name, Reason: "the file is empty"}
	}
	head, err := readUpTo(r, size, 0, 16)
	if err != nil {
		return kind{}, fmt.Errorf("read %s: %w", name, err)
	}
	got := sniff(head, k.media == MediaVideo)
	switch {
	case got == k.format:
		return k, nil
	case got == formatUnknown && cutMagic(k.format, head):
		return kind{}, &UnsupportedError{Name: name, Reason: fmt.Sprintf(
			"the file is cut off: it is only %s long, too short to be %s; it is damaged or still being copied",
			byteCount(size), k.format.describe())}
	case got == formatUnknown:
		return kind{}, &UnsupportedError{Name: name, Reason: fmt.Sprintf(
			"the content is not %s as the name says (it starts with %s)", k.format.describe(), showBytes(head))}
	default:
		reason := fmt.Sprintf("the content is %s, not %s as the name says", got.describe(), k.format.describe())
		if hint := renameHint[got]; hint != "" {
			reason += "; rename the file to " + hint
		}
		return kind{}, &UnsupportedError{Name: name, Reason: reason}
	}
}

var renameHint = map[format]string{formatJPEG: ".jpg", formatPNG: ".png", formatTIFF: ".tif"}

// sniff recognises a format from the first bytes. Old QuickTime files may
// open with a box other than ftyp; that is only believed when the name
// already says video (legacyQT).
func sniff(b []byte, legacyQT bool) format {
	switch {
	case len(b) >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff:
		return formatJPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")),
		bytes.HasPrefix(b, []byte("II+\x00")), bytes.HasPrefix(b, []byte("MM\x00+")): // classic and BigTIFF
		return formatTIFF
	case len(b) >= 8 && string(b[4:8]) == "ftyp":
		return formatBMFF
	case len(b) >= 8 && legacyQT:
		switch string(b[4:8]) {
		case "moov", "mdat", "wide", "free", "skip", "pnot":
			return formatBMFF
		}
	}
	return formatUnknown
}

// showBytes prints a file's first bytes for an error: hex, then the
// printable ASCII in quotes, which is often enough to recognise "%PDF" or
// "<html".
func showBytes(b []byte) string {
	if len(b) > 8 {
		b = b[:8]
	}
	var hex, txt strings.Builder
	for i, c := range b {
		if i > 0 {
			hex.WriteByte(' ')
		}
		fmt.Fprintf(&hex, "%02x", c)
		if c >= 0x20 && c < 0x7f {
			txt.WriteByte(c)
		} else {
			txt.WriteByte('.')
		}
	}
	return fmt.Sprintf("%s %q", hex.String(), txt.String())
}
