package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

// builder fills a temporary snapshot folder.
type builder struct {
	ctx   context.Context
	dest  string // the destination, for error messages
	tmp   string // the temporary snapshot folder
	prev  *prevSnapshot
	stats WriteStats
	dirs  []string // folders created inside tmp, to fsync
	// unsynced are the files written into tmp and not fsynced yet: finish
	// syncs them, and the folders, all at once before the snapshot is
	// renamed into place, which costs far less than one journal commit per
	// file (each fsync on a busy disk can take tens of milliseconds).
	unsynced []string
	meter    *meter
}

// database copies the database with VACUUM INTO into a staging file in the
// data folder, reads its counts, and puts it into the snapshot.
func (b *builder) database(dir datadir.Dir, db *store.DB, m *Manifest) error {
	stagePath, mark, err := stageFile(dir.Root)
	if err != nil {
		// A read-only data folder (a disk turned read-only after errors is
		// exactly when a backup matters): stage in the snapshot folder.
		var serr error
		if stagePath, mark, serr = stageFile(b.tmp); serr != nil {
			return fmt.Errorf("make a temporary copy of the database in %s: %w", dir.Root, err)
		}
	}
	defer removeWithSidecars(stagePath)
	defer mark.Release()
	b.meter.phase(PhaseDatabase, 1, 0)
	if err := db.CopyTo(b.ctx, stagePath); err != nil {
		if errors.Is(err, store.ErrDiskFull) {
			return fmt.Errorf("not enough space on the disk of the data folder %s for a temporary copy of the database: %w", dir.Root, err)
		}
		return fmt.Errorf("copy the database: %w", err)
	}
	// Counting rows (SQLite) and hashing the copy both read it: side by side.
	var sum string
	var size int64
	hashed := make(chan error, 1)
	go func() {
		var err error
		sum, size, err = hashFile(stagePath)
		hashed <- err
	}()
	in, err := store.Inspect(b.ctx, stagePath, false)
	if herr := <-hashed; err == nil && herr != nil {
		return herr
	}
	if err != nil {
		return fmt.Errorf("read the database copy: %w", err)
	}
	m.SchemaVersion, m.Tables, m.LocalOnly = in.SchemaVersion, in.Counts, in.LocalOnly
	b.stats.StagedBytes += size
	if err := b.put(DBName, stagePath, sum, size, true, m); err != nil {
		return err
	}
	b.meter.add(1, size)
	return nil
}

// config copies config.json byte for byte (even if damaged: it is the
// user's), if there is one.
func (b *builder) config(dir datadir.Dir, m *Manifest) error {
	data, err := os.ReadFile(dir.Config())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	b.meter.phase(PhaseSettings, 1, 0)
	defer func() { b.meter.add(1, int64(len(data))) }()
	if err != nil {
		return fmt.Errorf("read settings %s: %w", dir.Config(), err)
	}
	sum, size := sha256Hex(data), int64(len(data))
	if !b.tryLink(ConfigName, sum, size) {
		if err := b.write(ConfigName, data); err != nil {
			return err
		}
		b.stats.BytesWritten += size
		b.stats.FilesCopied++
	}
	m.Files = append(m.Files, FileEntry{Path: ConfigName, Size: size, SHA256: sum})
	return nil
}

// tryLink hard-links rel from the previous snapshot if the file there has
// the same size and SHA-256.
func (b *builder) tryLink(rel, sum string, size int64) bool {
	if b.prev == nil {
		return false
	}
	pe, ok := b.prev.m.File(rel)
	if !ok || pe.Size != size || pe.SHA256 != sum {
		return false
	}
	old := filepath.Join(b.prev.dir, filepath.FromSlash(rel))
	// Trust, but check: a damaged file in the previous snapshot must not
	// become part of this one.
	if osum, osize, err := hashFile(old); err != nil || osum != sum || osize != size {
		return false
	}
	if err := os.Link(old, filepath.Join(b.tmp, filepath.FromSlash(rel))); err != nil {
		return false // no hard links here (or another volume): copy instead
	}
	b.stats.FilesLinked++
	return true
}

// put places a file whose hash is known at rel: hard-linked from the
// previous snapshot when identical there, else moved (move=true, same
// volume) or copied.
func (b *builder) put(rel, src, sum string, size int64, move bool, m *Manifest) error {
	dst := filepath.Join(b.tmp, filepath.FromSlash(rel))
	if b.tryLink(rel, sum, size) {
		m.Files = append(m.Files, FileEntry{Path: rel, Size: size, SHA256: sum})
		return nil
	}
	if move {
		if err := os.Rename(src, dst); err == nil {
			b.unsynced = append(b.unsynced, dst)
			b.stats.FilesMoved++
			b.stats.BytesWritten += size // written there by the copy, in the data folder's volume
			m.Files = append(m.Files, FileEntry{Path: rel, Size: size, SHA256: sum})
			return nil
		}
	}
	csum, n, err := copyFileSync(src, dst, false)
	if err != nil {
		return destErr(b.dest, err)
	}
	b.unsynced = append(b.unsynced, dst)
	if csum != sum || n != size {
		return fmt.Errorf("copy %s: the file changed while it was copied", src)
	}
	b.stats.BytesWritten += n
	b.stats.FilesCopied++
	m.Files = append(m.Files, FileEntry{Path: rel, Size: size, SHA256: sum})
	return nil
}

// thumbnails copies the thumbnail cache, hard-linking every file whose size
// and modification time match the previous snapshot's record (thumbnails
// are written once, atomically, under names derived from their content).
// The folders are made while listing; the files are then linked or copied
// several at once.
func (b *builder) thumbnails(root string, m *Manifest) error {
	if err := b.mkdir(ThumbsDir); err != nil {
		return err
	}
	var jobs []string // paths relative to root, slash-separated
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("read thumbnails %s: %w", path, err)
		}
		if err := b.ctx.Err(); err != nil {
			return err
		}
		if path == root || atomicfile.IsTemp(d.Name()) {
			if d.IsDir() && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		r, err := relSlash(root, path)
		if err != nil {
			return err
		}
		rel := ThumbsDir + "/" + r
		if d.IsDir() {
			return b.mkdir(rel)
		}
		if d.Type().IsRegular() {
			jobs = append(jobs, r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.meter.phase(PhaseThumbnails, len(jobs), 0)
	placed := make([]thumbResult, len(jobs))
	err = forEach(b.ctx, len(jobs), func(ctx context.Context, i int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		placed[i], err = b.thumbnail(ThumbsDir+"/"+jobs[i], filepath.Join(root, filepath.FromSlash(jobs[i])))
		if err == nil && placed[i].ok {
			b.meter.add(1, placed[i].entry.Size)
		}
		return err
	})
	if err != nil {
		return err
	}
	b.meter.flush()
	for _, p := range placed {
		if !p.ok {
			continue
		}
		m.Files = append(m.Files, p.entry)
		if p.linked {
			b.stats.FilesLinked++
			continue
		}
		b.unsynced = append(b.unsynced, filepath.Join(b.tmp, filepath.FromSlash(p.entry.Path)))
		b.stats.BytesWritten += p.entry.Size
		b.stats.FilesCopied++
	}
	return nil
}

// thumbResult is what placing one thumbnail did.
type thumbResult struct {
	ok     bool // in place; false if it was removed meanwhile
	linked bool
	entry  FileEntry
}

// thumbnail links or copies one thumbnail. It runs on several goroutines at
// once and touches nothing of b's but its constant fields.
func (b *builder) thumbnail(rel, src string) (thumbResult, error) {
	st, err := os.Lstat(src)
	if errors.Is(err, fs.ErrNotExist) {
		return thumbResult{}, nil // replaced or removed meanwhile: the next snapshot has it
	}
	if err != nil {
		return thumbResult{}, fmt.Errorf("read thumbnail %s: %w", src, err)
	}
	if !st.Mode().IsRegular() {
		return thumbResult{}, nil
	}
	dst := filepath.Join(b.tmp, filepath.FromSlash(rel))
	mtime := st.ModTime().UnixNano()
	if b.prev != nil {
		if pe, ok := b.prev.m.File(rel); ok && pe.Size == st.Size() && pe.MTime == mtime {
			if err := os.Link(filepath.Join(b.prev.dir, filepath.FromSlash(rel)), dst); err == nil {
				return thumbResult{ok: true, linked: true, entry: FileEntry{Path: rel, Size: pe.Size, SHA256: pe.SHA256, MTime: mtime}}, nil
			}
		}
	}
	sum, n, err := copyFileSync(src, dst, false)
	if errors.Is(err, fs.ErrNotExist) {
		return thumbResult{}, nil
	}
	if err != nil {
		return thumbResult{}, destErr(b.dest, err)
	}
	return thumbResult{ok: true, entry: FileEntry{Path: rel, Size: n, SHA256: sum, MTime: mtime}}, nil
}

func (b *builder) mkdir(rel string) error {
	p := filepath.Join(b.tmp, filepath.FromSlash(rel))
	if err := os.Mkdir(p, 0o700); err != nil {
		return destErr(b.dest, err)
	}
	b.dirs = append(b.dirs, p)
	return nil
}

// finish writes the manifests and fsyncs every file and folder of the
// snapshot.
func (b *builder) finish(m *Manifest) error {
	if err := b.thumbsManifest(m); err != nil {
		return err
	}
	main := *m
	main.Files = nil
	for _, f := range m.Files {
		if !isThumb(f.Path) {
			main.Files = append(main.Files, f)
		}
	}
	data, err := json.MarshalIndent(main, "", " ")
	if err != nil {
		return fmt.Errorf("write snapshot manifest: %w", err)
	}
	data = append(data, '\n')
	if err := b.write(ManifestName, data); err != nil {
		return err
	}
	b.stats.BytesWritten += int64(len(data))
	return b.flush()
}

// write creates the file rel in the snapshot with data, to be fsynced by
// flush.
func (b *builder) write(rel string, data []byte) error {
	dst := filepath.Join(b.tmp, filepath.FromSlash(rel))
	if _, _, err := writeNewSync(dst, bytes.NewReader(data), false); err != nil {
		return destErr(b.dest, err)
	}
	b.unsynced = append(b.unsynced, dst)
	return nil
}

// thumbsManifest writes the thumbnail entries to thumbnails.json, listed in
// the manifest like any file. Kept apart, it is byte-identical when no
// thumbnail changed, and then hard-linked like them: an unchanged snapshot
// of 100,000 thumbnails does not rewrite 100,000 manifest lines.
func (b *builder) thumbsManifest(m *Manifest) error {
	m.sortFiles()
	if !m.ThumbnailsIncluded {
		return nil
	}
	var tm thumbsManifest
	for _, f := range m.Files {
		if isThumb(f.Path) {
			tm.Files = append(tm.Files, f)
		}
	}
	if tm.Files == nil {
		tm.Files = []FileEntry{}
	}
	m.Thumbnails = &ThumbsSummary{Files: len(tm.Files)}
	for _, f := range tm.Files {
		m.Thumbnails.Bytes += f.Size
	}
	data, err := json.Marshal(tm)
	if err != nil {
		return fmt.Errorf("write thumbnail manifest: %w", err)
	}
	data = append(data, '\n')
	sum, size := sha256Hex(data), int64(len(data))
	if !b.tryLink(ThumbsManifestName, sum, size) {
		if err := b.write(ThumbsManifestName, data); err != nil {
			return err
		}
		b.stats.BytesWritten += size
		b.stats.FilesCopied++
	}
	m.Files = append(m.Files, FileEntry{Path: ThumbsManifestName, Size: size, SHA256: sum})
	m.sortFiles()
	return nil
}

// flush fsyncs every file written into the snapshot and every folder made
// in it, several at once so the file system can commit them together. The
// snapshot is renamed into place only after, so it is durable when it
// appears.
func (b *builder) flush() error {
	folders := append(slices.Clone(b.dirs), b.tmp)
	n := len(b.unsynced)
	return forEach(b.ctx, n+len(folders), func(ctx context.Context, i int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if i < n {
			err = syncFile(b.unsynced[i])
		} else {
			err = atomicfile.SyncDir(folders[i-n])
		}
		return destErr(b.dest, err)
	})
}

// stageFile makes an empty, marked temporary file for a database copy in dir.
func stageFile(dir string) (string, *lockfile.Lock, error) {
	p, mark, err := lockfile.CreateMarked(dir, func() (string, error) {
		f, err := os.CreateTemp(dir, atomicfile.TempPrefix+"snapshot-*.db")
		if err != nil {
			return "", err
		}
		return f.Name(), f.Close()
	})
	if err != nil && p != "" {
		os.Remove(p)
	}
	return p, mark, err
}
