package filemeta

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

const (
	pngXMPKeyword = "XML:com.adobe.xmp"
	// pngMaxChunks bounds the walk; XMP may follow the image data, so the
	// walk cannot stop at the first IDAT, but it reads only chunk headers.
	pngMaxChunks = 1 << 16
)

// readPNG walks the chunks for IHDR, the iTXt chunk that holds XMP,
// ImageMagick's "Raw profile type xmp/iptc/8bim/exif/APP1" text chunks,
// the eXIf chunk, and PNG's own "Title" and "Description" text.
// A file that ends before IEND is cut off.
func readPNG(r io.ReaderAt, size int64) (found, error) {
	var f found
	off := int64(8)
	for n := 0; ; n++ {
		if n == pngMaxChunks {
			f.warn("PNG has more than %d chunks; stopped looking for metadata", pngMaxChunks)
			return f, nil
		}
		hdr, err := readAt(r, size, off, 8)
		if errors.Is(err, errTruncated) {
			f.cut(off + 12)
			return f, nil
		} else if err != nil {
			return f, err
		}
		length := int64(binary.BigEndian.Uint32(hdr))
		typ := string(hdr[4:8])
		if length > 1<<31-1 {
			f.warn("PNG chunk at byte %d has an impossible length", off)
			return f, nil
		}
		data := off + 8
		if data+length+4 > size {
			f.cut(data + length + 4)
		}
		switch typ {
		case "IHDR":
			b, err := readAt(r, size, data, 8)
			if err != nil && !errors.Is(err, errTruncated) {
				return f, err
			}
			if len(b) == 8 && length >= 8 {
				f.width, f.height = clampDim(binary.BigEndian.Uint32(b)), clampDim(binary.BigEndian.Uint32(b[4:]))
			}
		case "iTXt", "tEXt", "zTXt":
			if length > MaxPacket+1024 {
				f.warn("PNG text chunk at byte %d is larger than %d MiB; skipped", off, MaxPacket>>20)
				break
			}
			kw, err := readUpTo(r, size, data, min(length, 80))
			if err != nil {
				return f, err
			}
			keyword, _, _ := bytes.Cut(kw, []byte{0})
			native := pngNativeKeyword(string(keyword))
			if string(keyword) != pngXMPKeyword && !bytes.HasPrefix(keyword, []byte(rawProfile)) && !native {
				break
			}
			b, err := readAt(r, size, data, length)
			if errors.Is(err, errTruncated) {
				return f, nil // cut already recorded
			} else if err != nil {
				return f, err
			}
			if typ == "iTXt" && string(keyword) == pngXMPKeyword {
				xmp, err := pngXMP(b)
				if err != nil {
					f.warn("PNG XMP chunk is malformed: %v", err)
				}
				if xmp != nil {
					f.addXMP(xmp)
				}
				break
			}
			if native {
				f.pngNativeText(typ, b)
				break
			}
			f.pngRawProfile(typ, b)
		case "eXIf":
			// PNG 1.5 (W3C PNG Third Edition, 11.3.6): a TIFF header and
			// IFDs, as ExifTool and libpng write EXIF into PNG.
			if length > MaxPacket {
				f.warn("PNG eXIf chunk at byte %d is larger than %d MiB; skipped", off, MaxPacket>>20)
				break
			}
			b, err := readAt(r, size, data, length)
			if errors.Is(err, errTruncated) {
				return f, nil // cut already recorded
			} else if err != nil {
				return f, err
			}
			f.addProfile("exif", b)
		case "IEND":
			return f, nil
		}
		off = data + length + 4 // data and CRC
	}
}

// pngXMP returns the text of an iTXt chunk if its keyword is the XMP one,
// inflating it (capped) when compressed.
func pngXMP(b []byte) ([]byte, error) {
	keyword, rest, ok := bytes.Cut(b, []byte{0})
	if !ok || string(keyword) != pngXMPKeyword {
		return nil, nil
	}
	if len(rest) < 2 {
		return nil, errors.New("chunk ends after the keyword")
	}
	compressed, method := rest[0], rest[1]
	rest = rest[2:]
	// Language tag, then translated keyword, each NUL-terminated.
	for range 2 {
		var ok bool
		if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok {
			return nil, errors.New("chunk header is not terminated")
		}
	}
	if compressed == 0 {
		return rest, nil
	}
	if method != 0 {
		return nil, fmt.Errorf("unknown compression method %d", method)
	}
	zr, err := zlib.NewReader(bytes.NewReader(rest))
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, MaxPacket+1))
	if len(out) > MaxPacket {
		return nil, fmt.Errorf("inflated packet is larger than %d MiB", MaxPacket>>20)
	}
	if err != nil {
		// Keep what inflated before the damage: the XMP parser reads up to it.
		return out, fmt.Errorf("inflate: %w", err)
	}
	return out, nil
}

// clampDim keeps a hostile 32-bit size from overflowing int on 32-bit
// platforms and from claiming absurd sizes; 0 means unknown.
func clampDim(v uint32) int {
	if v > 1<<30 {
		return 0
	}
	return int(v)
}

// pngText is PNG's own text (PNG specification, 11.3.4.2 predefined
// keywords "Title" and "Description"), a fallback after EXIF.
type pngText struct {
	title, description string
}

func pngNativeKeyword(k string) bool { return k == "Title" || k == "Description" }

// pngNativeText reads a "Title" or "Description" tEXt (Latin-1), zTXt
// (Latin-1, deflated) or iTXt (UTF-8) chunk into f; the first non-empty
// one of each wins, as there may be one per language.
func (f *found) pngNativeText(typ string, chunk []byte) {
	keyword, rest, _ := bytes.Cut(chunk, []byte{0})
	text, err := pngChunkText(typ, rest)
	if err != nil {
		f.warn("PNG %q chunk is malformed: %v", keyword, err)
		return
	}
	s := string(text)
	if typ != "iTXt" {
		s = latin1(text)
	}
	dst := &f.png.title
	if string(keyword) == "Description" {
		dst = &f.png.description
	}
	if cleanText(*dst) == "" {
		*dst = s
	}
}
