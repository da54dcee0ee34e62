package filemeta

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// sidecarNames lists where an XMP sidecar of path may be, most specific
// first: NAME.EXT.xmp (darktable, digiKam, Capture One) and NAME.xmp
// (Lightroom, Bridge, Camera Raw), each in either case.
func sidecarNames(path string) []string {
	stem := strings.TrimSuffix(path, filepath.Ext(path))
	return []string{path + ".xmp", path + ".XMP", stem + ".xmp", stem + ".XMP"}
}

// findSidecar returns the first sidecar of path that is a regular file,
// read up to MaxPacket, or "", nil.
func findSidecar(path string) (string, []byte) {
	for _, p := range sidecarNames(path) {
		b, err := readSidecar(p)
		if err == nil {
			return p, b
		}
	}
	return "", nil
}

var errNotSidecar = errors.New("not a sidecar")

func readSidecar(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() == 0 {
		return nil, errNotSidecar
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxPacket))
}

// Sidecars returns the XMP sidecar files that exist for path (see
// ReadWith), so a caller can watch them for changes.
func Sidecars(path string) []string {
	var out []string
	for _, p := range sidecarNames(path) {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}
