package bundle

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// ICNSEntry is one image in an .icns file: a four-character type such as
// "ic10" and its data, for the types Stocksync writes a PNG file.
type ICNSEntry struct {
	Type string
	Data []byte
}

// ICNSPixels maps the PNG entry types Stocksync writes to their width and
// height in pixels. Types ending in a retina size describe n pt at 2x.
var ICNSPixels = map[string]int{
	"ic07": 128,  // 128 pt
	"ic08": 256,  // 256 pt
	"ic09": 512,  // 512 pt
	"ic10": 1024, // 512 pt @2x
	"ic11": 32,   // 16 pt @2x
	"ic12": 64,   // 32 pt @2x
	"ic13": 256,  // 128 pt @2x
	"ic14": 512,  // 256 pt @2x
}

// icnsMagic starts every .icns file; the header and each entry header are a
// four-byte tag and a big-endian uint32 length that includes the header.
const (
	icnsMagic  = "icns"
	headerSize = 8
)

// ErrBadICNS is wrapped by every error ParseICNS returns.
var ErrBadICNS = errors.New("not a valid .icns file")

// EncodeICNS writes entries, in order, as an .icns file.
func EncodeICNS(entries []ICNSEntry) ([]byte, error) {
	total := headerSize
	for _, e := range entries {
		if len(e.Type) != 4 {
			return nil, fmt.Errorf("encode icns: entry type %q is not four bytes", e.Type)
		}
		total += headerSize + len(e.Data)
	}
	if total > 1<<31 {
		return nil, fmt.Errorf("encode icns: %d bytes is too large", total)
	}
	var buf bytes.Buffer
	buf.Grow(total)
	writeHeader(&buf, icnsMagic, total)
	for _, e := range entries {
		writeHeader(&buf, e.Type, headerSize+len(e.Data))
		buf.Write(e.Data)
	}
	return buf.Bytes(), nil
}

func writeHeader(buf *bytes.Buffer, tag string, n int) {
	buf.WriteString(tag)
	buf.Write(binary.BigEndian.AppendUint32(nil, uint32(n)))
}

// ParseICNS splits an .icns file into its entries. It checks the magic, that
// the declared file length matches, and that every entry fits; it does not
// look inside the entries.
func ParseICNS(data []byte) ([]ICNSEntry, error) {
	if len(data) < headerSize || string(data[:4]) != icnsMagic {
		return nil, fmt.Errorf("%w: no %q header", ErrBadICNS, icnsMagic)
	}
	if n := binary.BigEndian.Uint32(data[4:8]); uint64(n) != uint64(len(data)) {
		return nil, fmt.Errorf("%w: header says %d bytes, file has %d", ErrBadICNS, n, len(data))
	}
	var entries []ICNSEntry
	for off := headerSize; off < len(data); {
		if len(data)-off < headerSize {
			return nil, fmt.Errorf("%w: %d stray bytes at offset %d", ErrBadICNS, len(data)-off, off)
		}
		tag := string(data[off : off+4])
		n := int(binary.BigEndian.Uint32(data[off+4 : off+8]))
		if n < headerSize || n > len(data)-off {
			return nil, fmt.Errorf("%w: entry %q at offset %d has length %d", ErrBadICNS, tag, off, n)
		}
		entries = append(entries, ICNSEntry{Type: tag, Data: data[off+headerSize : off+n]})
		off += n
	}
	return entries, nil
}
