package filemeta

import (
	"errors"
	"fmt"
	"io"
)

// errTruncated marks a structure that claims more bytes than the file has.
// Walkers turn it into a warning: a cut-off file still has a type.
var errTruncated = errors.New("truncated")

// readAt reads exactly n bytes at off. n must already be capped by the
// caller; a range past size gives errTruncated without reading, so a
// hostile length never turns into an allocation.
func readAt(r io.ReaderAt, size, off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > size || n > size-off {
		return nil, errTruncated
	}
	buf := make([]byte, n)
	got, err := r.ReadAt(buf, off)
	if int64(got) == n {
		return buf, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		// The file shrank under us or the size was wrong.
		return nil, errTruncated
	}
	return nil, fmt.Errorf("read %d bytes at offset %d: %w", n, off, err)
}

// readUpTo reads at most n bytes at off, fewer at the end of the file.
func readUpTo(r io.ReaderAt, size, off, n int64) ([]byte, error) {
	if off >= size || off < 0 {
		return nil, nil
	}
	if n > size-off {
		n = size - off
	}
	buf := make([]byte, n)
	got, err := r.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %d bytes at offset %d: %w", n, off, err)
	}
	return buf[:got], nil
}
