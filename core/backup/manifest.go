package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/store"
)

// FormatVersion is the manifest format this build writes and reads.
const FormatVersion = 1

// Manifest describes a snapshot: it is the snapshot's own record of what it
// holds, checked by Verify.
type Manifest struct {
	Format        int       `json:"format"`
	Kind          string    `json:"kind"`             // snapshot or safety
	Reason        string    `json:"reason,omitempty"` // why a safety snapshot was taken
	Created       time.Time `json:"created"`
	AppVersion    string    `json:"app_version"`
	SchemaVersion int       `json:"schema_version"`
	Host          string    `json:"host,omitempty"`
	DataDir       string    `json:"data_dir"`
	// Raw is set when the database could not be read and was copied as it
	// was (with its -wal), to keep whatever can still be recovered from it.
	// A raw snapshot cannot be restored by Stocksync.
	Raw                bool              `json:"raw,omitempty"`
	ThumbnailsIncluded bool              `json:"thumbnails_included"`
	Tables             map[string]int64  `json:"tables"`
	LocalOnly          map[string]string `json:"local_only_sha256"`
	// Files lists every file. On disk, manifest.json lists the thumbnails'
	// entries in thumbnails.json (itself listed here); ReadManifest merges them.
	Files []FileEntry `json:"files"`
	// Thumbnails sums up thumbnails.json, so listing snapshots need not read it.
	Thumbnails *ThumbsSummary `json:"thumbnails,omitempty"`
	// ThumbsProblem says why thumbnails.json could not be read, if so: the
	// rest of the snapshot is still usable.
	ThumbsProblem string `json:"-"`
}

// ThumbsSummary counts the thumbnails of a snapshot.
type ThumbsSummary struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
}

// thumbsManifest is thumbnails.json.
type thumbsManifest struct {
	Files []FileEntry `json:"files"`
}

func isThumb(p string) bool { return strings.HasPrefix(p, ThumbsDir+"/") }

// FileEntry is one file of a snapshot.
type FileEntry struct {
	Path   string `json:"path"` // slash-separated, relative to the snapshot folder
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// MTime is the source file's modification time (Unix ns), kept for
	// thumbnails so the next snapshot can link unchanged ones without reading them.
	MTime int64 `json:"mtime,omitempty"`
}

// File returns the entry for path.
func (m *Manifest) File(path string) (FileEntry, bool) {
	i := sort.Search(len(m.Files), func(i int) bool { return m.Files[i].Path >= path })
	if i < len(m.Files) && m.Files[i].Path == path {
		return m.Files[i], true
	}
	return FileEntry{}, false
}

// LocalOnlyRows counts the rows of the local-only tables.
func (m *Manifest) LocalOnlyRows() map[string]int64 {
	out := map[string]int64{}
	for _, t := range store.LocalOnlyTables {
		if n, ok := m.Tables[t]; ok {
			out[t] = n
		}
	}
	return out
}

func (m *Manifest) sortFiles() {
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
}

// ReadManifest reads the manifest of the snapshot folder at dir, with the
// thumbnails' entries from thumbnails.json.
func ReadManifest(dir string) (Manifest, error) {
	m, err := readHeader(dir)
	if err != nil {
		return m, err
	}
	if _, ok := m.File(ThumbsManifestName); ok {
		if err := readThumbs(dir, &m); err != nil {
			m.ThumbsProblem = err.Error()
		}
	}
	return m, nil
}

// readHeader reads manifest.json alone.
func readHeader(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return m, fmt.Errorf("read snapshot manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("snapshot manifest %s is damaged: %w", filepath.Join(dir, ManifestName), err)
	}
	if m.Format < 1 || m.Format > FormatVersion {
		return m, fmt.Errorf("snapshot manifest %s has format %d; this Stocksync reads format %d: use a newer Stocksync",
			filepath.Join(dir, ManifestName), m.Format, FormatVersion)
	}
	if m.Created.IsZero() {
		return m, fmt.Errorf("snapshot manifest %s has no creation time", filepath.Join(dir, ManifestName))
	}
	m.sortFiles()
	return m, nil
}

func readThumbs(dir string, m *Manifest) error {
	b, err := os.ReadFile(filepath.Join(dir, ThumbsManifestName))
	if err != nil {
		return fmt.Errorf("read thumbnail manifest: %w", err)
	}
	// Its entries are trusted only as manifest.json lists it: one altered
	// together with a thumbnail would otherwise vouch for that thumbnail.
	if e, _ := m.File(ThumbsManifestName); e.SHA256 != sha256Hex(b) || e.Size != int64(len(b)) {
		return fmt.Errorf("thumbnail manifest %s is damaged: its content differs from when the snapshot was taken, so none of the thumbnails it lists can be checked",
			filepath.Join(dir, ThumbsManifestName))
	}
	var tm thumbsManifest
	if err := json.Unmarshal(b, &tm); err != nil {
		return fmt.Errorf("thumbnail manifest %s is damaged: %w", filepath.Join(dir, ThumbsManifestName), err)
	}
	for _, f := range tm.Files {
		if !isThumb(f.Path) {
			return fmt.Errorf("thumbnail manifest %s lists %q, which is not a thumbnail", filepath.Join(dir, ThumbsManifestName), f.Path)
		}
	}
	var sum ThumbsSummary
	for _, f := range tm.Files {
		sum.Files++
		sum.Bytes += f.Size
	}
	if m.Thumbnails == nil || *m.Thumbnails != sum {
		return fmt.Errorf("thumbnail manifest %s lists %d files, the manifest says %v", filepath.Join(dir, ThumbsManifestName), sum.Files, m.Thumbnails)
	}
	m.Files = append(m.Files, tm.Files...)
	m.sortFiles()
	return nil
}

// verifiedRecord is verified.json: the last successful Verify of a snapshot.
type verifiedRecord struct {
	VerifiedAt time.Time `json:"verified_at"`
}

func readVerified(dir string) time.Time {
	b, err := os.ReadFile(filepath.Join(dir, VerifiedName))
	if err != nil {
		return time.Time{}
	}
	var v verifiedRecord
	if json.Unmarshal(b, &v) != nil {
		return time.Time{}
	}
	return v.VerifiedAt
}

func markVerified(dir string, ok bool, at time.Time) error {
	p := filepath.Join(dir, VerifiedName)
	if !ok {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	b, _ := json.Marshal(verifiedRecord{VerifiedAt: at.UTC()})
	return atomicfile.WriteFile(p, append(b, '\n'), 0o600)
}
