package filemeta

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// sidecarNames lists where an XMP sidecar of path may be, most specific
// first: NAME.EXT.xmp (darktable, digiKam, Capture One) and NAME.xmp
// (Lightroom, Bridge, Camera Raw), each in either case.
func sidecarNames(path string) []string {
	stem := strings.TrimSuffix(path, filepath.Ext(path))
	return []string{path + ".xmp", path + ".XMP", stem + ".xmp", stem + ".XMP"}
}

// MaxSidecar caps the XMP sidecar read with a file. Sidecars are larger
// than embedded packets: Lightroom Classic keeps develop history and AI
// masks in them, several MiB for an edited raw file.
const MaxSidecar = 32 << 20

// SidecarError says an XMP sidecar exists beside a file but cannot be
// read: reading the file without it would silently lose the titles and
// keywords the photographer's tool keeps there.
type SidecarError struct {
	Path   string // the sidecar file
	Reason string // what is wrong with its content or size; "" when Err (a file-system error) says it
	Err    error  // the cause, if any (fs.ErrPermission, syscall.ELOOP…)
}

func (e *SidecarError) Error() string {
	reason := e.Reason
	if reason == "" && e.Err != nil {
		reason = e.Err.Error()
		var pe *fs.PathError
		if errors.As(e.Err, &pe) {
			reason = pe.Err.Error() // the path is said already
		}
	}
	return "its XMP sidecar " + e.Path + " cannot be read: " + reason
}

func (e *SidecarError) Unwrap() error { return e.Err }

// findSidecar returns the first sidecar of path that is a regular file, or
// "", nil, nil when there is none. A sidecar that exists but cannot be read
// (no permission, larger than MaxSidecar, an I/O error) is a
// *SidecarError, never skipped.
func findSidecar(path string) (string, []byte, error) {
	for _, p := range sidecarNames(path) {
		b, err := readSidecar(p)
		switch {
		case err == nil:
			return p, b, nil
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, errNotSidecar):
			continue
		}
		var se *SidecarError
		if errors.As(err, &se) {
			return "", nil, err
		}
		return "", nil, &SidecarError{Path: p, Err: err} // worded by the frontend
	}
	return "", nil, nil
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
	if st.Size() > MaxSidecar {
		return nil, &SidecarError{Path: p, Reason: fmt.Sprintf("it is %s, more than the %d MiB Stocksync reads",
			byteCount(st.Size()), MaxSidecar>>20)}
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSidecar+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSidecar { // it grew since the look
		return nil, &SidecarError{Path: p, Reason: fmt.Sprintf("it is more than the %d MiB Stocksync reads", MaxSidecar>>20)}
	}
	return b, nil
}

// ImagesOf returns the files Stocksync accepts whose XMP sidecar (as Read
// finds it) is the file sidecar: NAME.EXT for NAME.EXT.xmp, else the
// NAME.* beside it. Nil when there is none.
func ImagesOf(sidecar string) []string {
	sidecar = filepath.Clean(sidecar)
	var candidates []string
	stem := strings.TrimSuffix(sidecar, filepath.Ext(sidecar))
	if Supported(stem) {
		candidates = append(candidates, stem)
	}
	// Probe the accepted extensions (lower and upper case) rather than
	// list the folder: `add *` names thousands of sidecars in one folder.
	for _, ext := range acceptedExts {
		candidates = append(candidates, stem+ext, stem+strings.ToUpper(ext))
	}
	// Compared as files, not names: on a case-insensitive disk (macOS)
	// "a.XMP" is "a.xmp", and "a.jpg" is "a.JPG".
	sst, err := os.Stat(sidecar)
	if err != nil {
		return nil
	}
	var out []string
	var seen []os.FileInfo
	for _, c := range candidates {
		cst, err := os.Stat(c)
		if err != nil || !cst.Mode().IsRegular() || !Supported(c) ||
			slices.ContainsFunc(seen, func(fi os.FileInfo) bool { return os.SameFile(fi, cst) }) {
			continue
		}
		for _, p := range sidecarNames(c) {
			if pst, err := os.Stat(p); err == nil && pst.Mode().IsRegular() {
				if os.SameFile(pst, sst) {
					out, seen = append(out, c), append(seen, cst)
				}
				break
			}
		}
	}
	return out
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
