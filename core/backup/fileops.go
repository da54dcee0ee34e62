package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// hashFile returns the SHA-256 and size of the file at path.
func hashFile(path string) (string, int64, error) {
	return hashFileCounting(path, nil)
}

// hashFileCounting is hashFile, telling count (if not nil) about every
// chunk read, so a large file's progress moves while it is read.
func hashFileCounting(path string, count func(int64)) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	var w io.Writer = h
	if count != nil {
		w = countingWriter{h, count}
	}
	buf := bufPool.Get().(*[]byte)
	defer bufPool.Put(buf)
	n, err := io.CopyBuffer(w, onlyReader{f}, *buf)
	if err != nil {
		return "", n, fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// bufPool holds read buffers, shared by the goroutines that hash files.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 128<<10); return &b }}

// onlyReader hides a file's WriteTo, so io.CopyBuffer uses the given buffer.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// countingWriter passes writes on to w and their sizes to count.
type countingWriter struct {
	w     io.Writer
	count func(int64)
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.count(int64(n))
	return n, err
}

// copyFile copies src to the new file dst (which must not exist), fsyncs it
// and returns what it wrote and its SHA-256.
func copyFile(src, dst string) (sum string, n int64, err error) {
	return copyFileSync(src, dst, true)
}

// copyFileSync is copyFile, leaving the fsync to the caller when sync is
// false: fsyncing many files after writing them all lets the file system
// commit them together, instead of one journal commit per file.
func copyFileSync(src, dst string, sync bool) (sum string, n int64, err error) {
	in, err := os.Open(src)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", src, err)
	}
	defer in.Close()
	return writeNewSync(dst, in, sync)
}

// writeNewSync creates dst (0600, failing if it exists), fills it from r,
// fsyncs it if sync is true, and closes it. A failed write removes dst.
func writeNewSync(dst string, r io.Reader, sync bool) (sum string, n int64, err error) {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(dst)
		}
	}()
	h := sha256.New()
	if n, err = io.Copy(io.MultiWriter(out, h), r); err != nil {
		return "", n, fmt.Errorf("write %s: %w", dst, err)
	}
	if sync {
		if err = out.Sync(); err != nil {
			return "", n, fmt.Errorf("write %s: flush to disk: %w", dst, err)
		}
	}
	if err = out.Close(); err != nil {
		return "", n, fmt.Errorf("write %s: %w", dst, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// syncFile fsyncs an existing file.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("flush %s to disk: %w", path, err)
	}
	return nil
}

// removeWithSidecars removes a database file and the journal files SQLite
// may have left beside it.
func removeWithSidecars(path string) {
	for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
}

// relSlash is path relative to root with forward slashes, as manifests store it.
func relSlash(root, path string) (string, error) {
	r, err := filepath.Rel(root, path)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(r), nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
