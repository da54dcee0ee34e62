package filemeta

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// scanWindow is how much of each end of a file scanXMP searches. HEIC keeps
// XMP near the start; QuickTime and MP4 keep it in the moov box, which sits
// at the start of files prepared for streaming and at the end of files
// straight from a camera.
const scanWindow = 8 << 20

// scanXMP searches the first and last scanWindow bytes for an XMP packet.
// It is the reader for containers not walked by structure; at most two
// windows are ever held in memory, however large the file.
func scanXMP(r io.ReaderAt, size int64) (found, error) {
	var f found
	buf := make([]byte, min(size, scanWindow)) // one buffer for both windows
	head, err := readInto(r, buf, 0)
	if err != nil {
		return f, err
	}
	p, cut := findPacket(head)
	if p == nil && size > scanWindow {
		tail, err := readInto(r, buf, size-scanWindow)
		if err != nil {
			return f, err
		}
		var cut2 bool
		p, cut2 = findPacket(tail)
		cut = cut || cut2
	}
	switch {
	case p != nil:
		f.xmp = [][]byte{bytes.Clone(p)} // let the window go
	case cut:
		f.warn("XMP packet has no end within %d MiB; not read", MaxPacket>>20)
	}
	return f, nil
}

// readInto fills buf from off, or as much of it as the file has.
func readInto(r io.ReaderAt, buf []byte, off int64) ([]byte, error) {
	n, err := r.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %d bytes at offset %d: %w", len(buf), off, err)
	}
	return buf[:n], nil
}

var (
	xmpOpen  = [][]byte{[]byte("<x:xmpmeta"), []byte("<x:xapmeta")}
	xmpClose = [][]byte{[]byte("</x:xmpmeta>"), []byte("</x:xapmeta>")}
)

// findPacket returns the first x:xmpmeta element in b (x:xapmeta in files
// from before 2002), or cut=true if one starts but does not end within
// MaxPacket bytes or the buffer.
func findPacket(b []byte) (packet []byte, cut bool) {
	for i, open := range xmpOpen {
		start := bytes.Index(b, open)
		if start < 0 {
			continue
		}
		rest := b[start:]
		if len(rest) > MaxPacket {
			rest = rest[:MaxPacket]
		}
		end := bytes.Index(rest, xmpClose[i])
		if end < 0 {
			cut = true
			continue
		}
		return rest[:end+len(xmpClose[i])], false
	}
	return nil, cut
}
