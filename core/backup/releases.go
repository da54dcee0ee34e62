package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/datadir"
)

// ReleasesDir holds the release documents, in the data folder and in a
// snapshot (issue #10: snapshots include releases/). Documents are listed in
// manifest.json like the database and settings, and hard-linked from the
// previous snapshot when unchanged.
const ReleasesDir = "releases"

// releases copies the data folder's releases/ into the snapshot. A missing
// folder is no error: no release document was downloaded yet.
func (b *builder) releases(root string, m *Manifest) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("read release documents %s: %w", path, err)
		}
		if err := b.ctx.Err(); err != nil {
			return err
		}
		if path != root && atomicfile.IsTemp(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel := ReleasesDir
		if path != root {
			r, err := relSlash(root, path)
			if err != nil {
				return err
			}
			rel += "/" + r
		}
		if d.IsDir() {
			return b.mkdir(rel)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		sum, size, err := hashFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed meanwhile: the next snapshot has it
		}
		if err != nil {
			return fmt.Errorf("read release document %s: %w", path, err)
		}
		return b.put(rel, path, sum, size, false, m)
	})
}

// restoreReleases copies back the snapshot's release documents that the
// data folder lacks; existing files are left alone.
func restoreReleases(ctx context.Context, dir datadir.Dir, snap string, m *Manifest) (int, error) {
	n := 0
	for _, e := range m.Files {
		rel, ok := strings.CutPrefix(e.Path, ReleasesDir+"/")
		if !ok || rel == "" || !filepath.IsLocal(filepath.FromSlash(rel)) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		dst := filepath.Join(dir.Root, ReleasesDir, filepath.FromSlash(rel))
		if _, err := os.Lstat(dst); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return n, err
		}
		data, err := readChecked(snap, e)
		if err != nil {
			return n, err
		}
		if err := atomicfile.WriteFile(dst, data, 0o600); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
