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

func isRelease(p string) bool { return strings.HasPrefix(p, ReleasesDir+"/") }

// restoreReleases copies back the snapshot's release documents that the
// data folder lacks; existing files are left alone. Documents in skip, or
// that cannot be read back intact, are returned as missing (a sync
// downloads them again), as restoreThumbnails does.
func restoreReleases(ctx context.Context, dir datadir.Dir, snap string, m *Manifest, skip map[string]bool) (int, []Finding, error) {
	n := 0
	var missing []Finding
	for _, e := range m.Files {
		rel, ok := strings.CutPrefix(e.Path, ReleasesDir+"/")
		if !ok || rel == "" || !filepath.IsLocal(filepath.FromSlash(rel)) || skip[e.Path] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return n, missing, err
		}
		dst := filepath.Join(dir.Root, ReleasesDir, filepath.FromSlash(rel))
		if _, err := os.Lstat(dst); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return n, missing, err
		}
		data, err := readChecked(snap, e)
		if err != nil {
			missing = append(missing, Finding{Severity: SeverityError, Check: CheckMissing, File: e.Path, Message: err.Error()})
			continue
		}
		if err := atomicfile.WriteFile(dst, data, 0o600); err != nil {
			return n, missing, err
		}
		n++
	}
	return n, missing, nil
}
