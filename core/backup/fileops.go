package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// hashFile returns the SHA-256 and size of the file at path.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", n, fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
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

// writeNew creates dst (0600, failing if it exists), fills it from r, fsyncs
// and closes it. A failed write removes dst.
func writeNew(dst string, r io.Reader) (sum string, n int64, err error) {
	return writeNewSync(dst, r, true)
}

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
