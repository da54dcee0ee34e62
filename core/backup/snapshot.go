package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/version"
)

// SnapshotOptions says what to snapshot and where.
type SnapshotOptions struct {
	DataDir datadir.Dir
	// DB is the open database to copy; a read-only one will do.
	DB *store.DB
	// Dest is the folder that receives the snapshot folder. It must exist
	// (an absent folder usually means a drive that is not connected); for
	// KindSafety, "" means the data folder's snapshots/, created if needed.
	Dest           string
	WithThumbnails bool
	Kind           string // KindSnapshot (default) or KindSafety
	Reason         string // why a safety snapshot is taken, for the manifest
	Now            func() time.Time
	// Record, if set, gets the outcome (kind snapshot or safety), unless ctx
	// was cancelled.
	Record Recorder
	// Progress, if set, is told what is put in place: PhaseDatabase,
	// PhaseSettings, then PhaseThumbnails file by file; see Progress.
	Progress func(Progress)
}

// Unchanged files are hard-linked from the newest snapshot in Dest when that
// snapshot passed Verify (with Mark): verify every snapshot after taking it,
// as the CLI does, and the next one costs almost nothing.

// Info describes a snapshot folder.
type Info struct {
	Name               string           `json:"name"`
	Path               string           `json:"path"`
	Kind               string           `json:"kind"`
	Reason             string           `json:"reason,omitempty"`
	Created            time.Time        `json:"created"`
	AppVersion         string           `json:"app_version,omitempty"`
	SchemaVersion      int              `json:"schema_version"`
	Raw                bool             `json:"raw,omitempty"`
	ThumbnailsIncluded bool             `json:"thumbnails_included"`
	Settings           bool             `json:"settings"` // config.json is included
	Files              int              `json:"files"`
	Size               int64            `json:"size"`
	LocalOnly          map[string]int64 `json:"local_only"`
	// LocalOnlyUnknown is set for a raw copy whose database was too
	// damaged to count its local-only rows: LocalOnly is empty, not zero.
	LocalOnlyUnknown bool `json:"local_only_unknown,omitempty"`
	// Verified is when Verify last found the snapshot sound; zero if never
	// (or if the last verification failed).
	Verified time.Time `json:"verified,omitzero"`
	// Problem is set for a snapshot folder whose manifest cannot be read;
	// such folders are listed but never pruned.
	Problem string `json:"problem,omitempty"`
	// Written is set by Snapshot: what taking it cost.
	Written *WriteStats `json:"written,omitempty"`
}

// WriteStats counts what a snapshot wrote.
type WriteStats struct {
	// BytesWritten went into the destination's volume: copied files, the
	// manifest, and the database copy when it was moved there from staging.
	BytesWritten int64 `json:"bytes_written"`
	// StagedBytes is the database copy made in the data folder first.
	StagedBytes int64 `json:"staged_bytes"`
	FilesCopied int   `json:"files_copied"`
	FilesMoved  int   `json:"files_moved"`  // renamed from the staging copy (same volume)
	FilesLinked int   `json:"files_linked"` // hard-linked from the previous snapshot
}

func infoOf(dir string, m Manifest) Info {
	in := Info{
		Name: filepath.Base(dir), Path: dir, Kind: m.Kind, Reason: m.Reason, Created: m.Created,
		AppVersion: m.AppVersion, SchemaVersion: m.SchemaVersion, Raw: m.Raw,
		ThumbnailsIncluded: m.ThumbnailsIncluded, LocalOnly: m.LocalOnlyRows(),
	}
	for _, f := range m.Files {
		if !isThumb(f.Path) { // counted by the summary, whether or not they were read
			in.Files++
			in.Size += f.Size
		}
	}
	if t := m.Thumbnails; t != nil {
		in.Files += t.Files
		in.Size += t.Bytes
	}
	_, in.Settings = m.File(ConfigName)
	in.LocalOnlyUnknown = m.Raw && len(in.LocalOnly) == 0
	in.Verified = readVerified(dir)
	return in
}

func (o *SnapshotOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Snapshot writes a complete snapshot into a new folder in opt.Dest. On any
// error nothing is left in the destination and the data folder is unchanged.
// Errors about the destination are *DestinationError.
func Snapshot(ctx context.Context, opt SnapshotOptions) (Info, error) {
	if opt.Kind == "" {
		opt.Kind = KindSnapshot
	}
	started := opt.now()
	info, err := snapshot(ctx, opt, started)
	run := store.BackupRun{Kind: opt.Kind, Path: info.Path, StartedAt: started, OK: err == nil}
	if err != nil {
		run.Path, run.Detail = opt.Dest, err.Error()
	} else {
		run.Detail = fmt.Sprintf("%d files, %d bytes; %d bytes written", info.Files, info.Size, info.Written.BytesWritten)
	}
	if rerr := record(ctx, opt.Record, run); rerr != nil {
		if err == nil {
			return info, fmt.Errorf("snapshot %s was written, but recording it in the backup history failed: %w", info.Path, rerr)
		}
		err = errors.Join(err, fmt.Errorf("record the failure in the backup history: %w", rerr))
	}
	return info, err
}

func snapshot(ctx context.Context, opt SnapshotOptions, started time.Time) (Info, error) {
	if opt.DB == nil {
		return Info{}, errors.New("snapshot: no database given")
	}
	if opt.Kind != KindSnapshot && opt.Kind != KindSafety {
		return Info{}, fmt.Errorf("snapshot: unknown kind %q", opt.Kind)
	}
	dest := opt.Dest
	if dest == "" {
		if opt.Kind != KindSafety {
			return Info{}, ErrNoDestination
		}
		dest = opt.DataDir.Snapshots()
		if err := os.MkdirAll(dest, 0o700); err != nil {
			return Info{}, fmt.Errorf("create safety snapshot folder %s: %w", dest, err)
		}
	}
	if err := checkDest(dest); err != nil {
		return Info{}, err
	}
	cleanStale(dest, started) // what killed snapshots left behind
	prev, err := newestUsable(dest, opt.WithThumbnails)
	if err != nil {
		return Info{}, err
	}
	// Marked while it is written: a leftover is one nobody marks (any
	// command then removes it at once, see datadir.RemoveLeftovers).
	tmp, mark, err := lockfile.CreateMarked(dest, func() (string, error) {
		return os.MkdirTemp(dest, atomicfile.TempPrefix+"snapshot-")
	})
	if err != nil {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
		return Info{}, destErr(dest, err)
	}
	defer mark.Release()
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	b := &builder{ctx: ctx, dest: dest, tmp: tmp, prev: prev, meter: newMeter(opt.Kind, opt.Progress)}
	m := Manifest{
		Format: FormatVersion, Kind: opt.Kind, Reason: opt.Reason, Created: started.UTC(),
		AppVersion: version.Version, DataDir: opt.DataDir.Root, ThumbnailsIncluded: opt.WithThumbnails,
	}
	m.Host, _ = os.Hostname()
	if err := b.database(opt.DataDir, opt.DB, &m); err != nil {
		return Info{}, err
	}
	datadir.CrashPoint("snapshot:database-copied") // tests: a snapshot killed half-written
	if err := b.config(opt.DataDir, &m); err != nil {
		return Info{}, err
	}
	if err := b.releases(filepath.Join(opt.DataDir.Root, ReleasesDir), &m); err != nil {
		return Info{}, err
	}
	if opt.WithThumbnails {
		if err := b.thumbnails(opt.DataDir.Thumbnails(), &m); err != nil {
			return Info{}, err
		}
	}
	if err := b.finish(&m); err != nil {
		return Info{}, err
	}
	final, err := placeFolder(tmp, dest, started)
	if err != nil {
		return Info{}, destErr(dest, err)
	}
	done = true
	info := infoOf(final, m)
	info.Written = &b.stats
	return info, nil
}

// checkDest makes sure dest is an existing folder.
func checkDest(dest string) error {
	if dest == "" || !filepath.IsAbs(dest) {
		return fmt.Errorf("backup destination %q must be an absolute folder path", dest)
	}
	st, err := os.Stat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return &DestinationError{Dest: dest, Reason: ReasonMissing, Err: err}
	}
	if err != nil {
		return destErr(dest, err)
	}
	if !st.IsDir() {
		return &DestinationError{Dest: dest, Reason: ReasonNotFolder, Err: errors.New("not a folder")}
	}
	return nil
}

// placeFolder renames the finished temporary folder to the first free
// snapshot name for t. Renaming onto a non-empty folder fails, so a
// concurrent snapshot with the same name is never overwritten.
func placeFolder(tmp, dest string, t time.Time) (string, error) {
	for n := 1; n < 1000; n++ {
		final := filepath.Join(dest, folderName(t, n))
		if _, err := os.Lstat(final); err == nil {
			continue
		}
		err := atomicfile.RenameDir(tmp, final)
		if err == nil {
			return final, nil
		}
		if _, serr := os.Lstat(final); serr == nil {
			continue // taken between the check and the rename
		}
		return "", err
	}
	return "", fmt.Errorf("too many snapshots named %s", folderName(t, 1))
}

// newestUsable is the snapshot in dest to link unchanged files from: the
// newest readable one (with thumbnails, when they are wanted), and only if
// its last verification passed. Linked files share their storage, so damage
// to one copy is damage to all: a snapshot that failed verification (or was
// never verified) starts a fresh chain of copies.
func newestUsable(dest string, thumbs bool) (*prevSnapshot, error) {
	list, err := List(dest)
	if err != nil {
		return nil, err
	}
	for _, in := range list {
		if in.Problem != "" || in.Raw || (thumbs && !in.ThumbnailsIncluded) {
			continue
		}
		if in.Verified.IsZero() {
			return nil, nil
		}
		m, err := ReadManifest(in.Path)
		if err != nil {
			return nil, nil
		}
		return &prevSnapshot{dir: in.Path, m: m}, nil
	}
	return nil, nil
}

type prevSnapshot struct {
	dir string
	m   Manifest
}
