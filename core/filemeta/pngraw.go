package filemeta

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// rawProfile starts the keyword of the text chunks in which ImageMagick
// (and exiv2) store metadata in PNG: "Raw profile type xmp", "… iptc",
// "… 8bim", "… exif" or "… APP1".
const rawProfile = "Raw profile type "

// pngRawProfile reads one such tEXt, zTXt or iTXt chunk into f.
func (f *found) pngRawProfile(typ string, chunk []byte) {
	keyword, rest, _ := bytes.Cut(chunk, []byte{0})
	name := strings.ToLower(strings.TrimPrefix(string(keyword), rawProfile))
	text, err := pngChunkText(typ, rest)
	if err == nil {
		var data []byte
		if data, err = decodeRawProfile(text); err == nil {
			f.addProfile(name, data)
			return
		}
	}
	f.warn("PNG %q chunk is malformed: %v", keyword, err)
}

// addProfile files one decoded profile by its type.
func (f *found) addProfile(name string, data []byte) {
	switch name {
	case "xmp":
		f.addXMP(data)
	case "iptc", "8bim":
		// ImageMagick writes Photoshop resources here, sometimes after
		// the "Photoshop 3.0" signature; a bare IIM block also occurs.
		data = bytes.TrimPrefix(data, []byte(psSig))
		switch {
		case bytes.HasPrefix(data, []byte("8BIM")):
			if f.irb == nil {
				f.irb = data
			}
		case len(data) > 0 && data[0] == 0x1c:
			if f.iim == nil {
				f.iim = data
			}
		}
	case "exif", "app1":
		data = bytes.TrimPrefix(data, []byte("Exif\x00\x00"))
		if f.exif == (exifText{}) {
			f.exif = exifFromTIFF(data)
		}
	}
}

// pngChunkText returns the text after the keyword of a tEXt (Latin-1),
// zTXt (compression method, deflated) or iTXt chunk.
func pngChunkText(typ string, rest []byte) ([]byte, error) {
	switch typ {
	case "tEXt":
		return rest, nil
	case "zTXt":
		if len(rest) < 1 || rest[0] != 0 {
			return nil, errors.New("unknown compression method")
		}
		return inflate(rest[1:])
	}
	if len(rest) < 2 {
		return nil, errors.New("chunk ends after the keyword")
	}
	compressed := rest[0]
	rest = rest[2:]
	for range 2 {
		var ok bool
		if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok {
			return nil, errors.New("chunk header is not terminated")
		}
	}
	if compressed == 0 {
		return rest, nil
	}
	return inflate(rest)
}

// inflate decompresses zlib data, capped at MaxPacket.
func inflate(b []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, 2*MaxPacket+64))
	if len(out) > 2*MaxPacket+32 {
		return nil, fmt.Errorf("inflated text is larger than %d MiB", 2*MaxPacket>>20)
	}
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return out, nil
}

// decodeRawProfile decodes ImageMagick's layout: "\n", the profile name,
// "\n", the byte count right-aligned in 8 characters, "\n", then the bytes
// in hex, 72 digits to a line.
//
// Some writers (Photo Mechanic's metapm.png) put the binary IPTC-IIM
// block or Photoshop resources there as they are, not in hex: those are
// taken as they are rather than called malformed.
func decodeRawProfile(text []byte) ([]byte, error) {
	if len(text) > 0 && text[0] == 0x1c || bytes.HasPrefix(text, []byte("8BIM")) || bytes.HasPrefix(text, []byte(psSig)) {
		return text, nil
	}
	fieldsOf := bytes.Fields(text)
	if len(fieldsOf) < 2 {
		return nil, errors.New("no profile name and length")
	}
	n, err := strconv.Atoi(string(fieldsOf[1]))
	if err != nil || n < 0 {
		return nil, fmt.Errorf("length %q is not a number", fieldsOf[1])
	}
	if n > MaxPacket {
		return nil, fmt.Errorf("profile of %d bytes is larger than %d MiB", n, MaxPacket>>20)
	}
	digits := bytes.Join(fieldsOf[2:], nil)
	if len(digits) < 2*n {
		return nil, fmt.Errorf("profile says %d bytes but has %d", n, len(digits)/2)
	}
	out := make([]byte, n)
	if _, err := hex.Decode(out, digits[:2*n]); err != nil {
		return nil, fmt.Errorf("profile is not hex: %w", err)
	}
	return out, nil
}
