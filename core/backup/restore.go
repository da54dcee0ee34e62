package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// LocalOnly merges only the local-only rows and, if the current file is
	// missing or damaged, the settings; server data stays as it is.
	LocalOnly bool
	Now       func() time.Time
}

// RestoreResult says what Restore did.
type RestoreResult struct {
	Snapshot Info `json:"snapshot"`
	// Safety is the snapshot of the data taken before anything changed; nil
	// when there was no database to save.
	Safety *Info `json:"safety,omitempty"`
	// LocalOnly counts the merged rows (LocalOnly restores only).
	LocalOnly          store.MergeResult `json:"local_only,omitempty"`
	Config             ConfigOutcome     `json:"config"`
	ThumbnailsRestored int               `json:"thumbnails_restored,omitempty"`
}

// Restore brings the snapshot at snap back into the data folder.
//
// It refuses while a sync runs (holding the sync lock throughout so none can
// start) and if anything still has the database open; the caller must have
// closed its *store.DB. It verifies the snapshot first and takes a safety
// snapshot of the current data into snapshots/ (a raw copy if the current
// database is too damaged to read).
//
// A full restore then swaps the database in with a rename: the old
// database's write-ahead log was checkpointed into it first, so a crash at any
// point leaves either the old or the new database, complete. Settings are
// replaced atomically the same way; thumbnails in the snapshot that the cache
// lacks are copied back. Afterwards the user should sync to pick up what
// changed on ESP since the snapshot.
//
// A local-only restore merges pending uploads, local paths and local edits
// into the current database (see store.DB.MergeLocalOnly) and restores the
// settings only if the current file is missing or damaged, otherwise reporting
// how they differ.
func Restore(ctx context.Context, dir datadir.Dir, snap string, opt RestoreOptions) (RestoreResult, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	started := now()
	var res RestoreResult
	if err := dir.Ensure(); err != nil {
		return res, err
	}
	lock, err := lockfile.TryAcquire(dir.Lock(), "stocksync restore")
	if err != nil {
		return res, fmt.Errorf("restore refused, nothing was changed: %w", err)
	}
	defer lock.Release()
	m, err := restorable(ctx, snap, now)
	if err != nil {
		return res, err
	}
	res.Snapshot = infoOf(snap, m)
	if opt.LocalOnly {
		err = restoreLocalOnly(ctx, dir, snap, &m, now, started, &res)
	} else {
		err = restoreFull(ctx, dir, snap, &m, now, started, &res)
	}
	return res, err
}

// restorable verifies the snapshot and checks this build can use it.
func restorable(ctx context.Context, snap string, now func() time.Time) (Manifest, error) {
	rep, err := Verify(ctx, snap, VerifyOptions{Mark: true, Now: now})
	if err != nil {
		return Manifest{}, err
	}
	if !rep.OK {
		return Manifest{}, fmt.Errorf("restore refused, nothing was changed: %w", rep.Err())
	}
	m, err := ReadManifest(snap)
	if err != nil {
		return m, err
	}
	if m.Raw {
		return m, fmt.Errorf("restore refused: %s: %w; it is kept so the rows in it can be recovered by hand (sqlite3 .recover)", snap, ErrRawSnapshot)
	}
	if m.SchemaVersion > store.KnownVersion() {
		return m, fmt.Errorf("restore refused: snapshot %s has database schema %d, but this Stocksync only knows up to %d: install the newer Stocksync that made it", snap, m.SchemaVersion, store.KnownVersion())
	}
	return m, nil
}

func restoreFull(ctx context.Context, dir datadir.Dir, snap string, m *Manifest, now func() time.Time, started time.Time, res *RestoreResult) error {
	reason := "before restoring " + filepath.Base(snap)
	safety, err := saveCurrent(ctx, dir, reason, now)
	if err != nil {
		return err
	}
	res.Safety = safety

	stage, err := stageDB(dir, snap, m)
	if err != nil {
		return err
	}
	defer removeWithSidecars(stage)
	// The old database's log is empty (checkpointed) or saved in the raw
	// safety copy; left beside the new file it would be replayed into it.
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(dir.DB() + side); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restore: remove %s: %w; the current database was not changed", dir.DB()+side, err)
		}
	}
	if err := atomicfile.RenameDir(stage, dir.DB()); err != nil {
		return fmt.Errorf("restore: put the database in place: %w; the current database was not changed", err)
	}
	if e, ok := m.File(ConfigName); ok {
		data, err := readChecked(snap, e)
		if err != nil {
			return fmt.Errorf("restore settings (the database was restored): %w", err)
		}
		if err := atomicfile.WriteFile(dir.Config(), data, 0o600); err != nil {
			return fmt.Errorf("restore settings (the database was restored): %w", err)
		}
		res.Config = ConfigOutcome{InSnapshot: true, Restored: true}
	}
	n, err := restoreThumbnails(ctx, dir, snap, m)
	res.ThumbnailsRestored = n
	if err != nil {
		return fmt.Errorf("restore thumbnails (the database and settings were restored; thumbnails can be fetched again by syncing): %w", err)
	}
	if _, err := restoreReleases(ctx, dir, snap, m); err != nil {
		return fmt.Errorf("restore release documents (the database and settings were restored; documents can be fetched again by syncing): %w", err)
	}
	db, err := store.Open(ctx, dir.DB(), store.Options{})
	if err != nil {
		return fmt.Errorf("open the restored database: %w", err)
	}
	defer db.Close()
	return recordRestore(ctx, db, res, snap, started, "full restore")
}

// saveCurrent takes the safety snapshot before a full restore, and makes
// sure nothing else has the database open. nil, nil means there was no
// database to save.
func saveCurrent(ctx context.Context, dir datadir.Dir, reason string, now func() time.Time) (*Info, error) {
	if _, err := os.Stat(dir.DB()); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	err := store.Quiesce(ctx, dir.DB())
	if err != nil && !errors.Is(err, store.ErrCorrupt) {
		return nil, fmt.Errorf("restore refused, nothing was changed: %w", err)
	}
	if err == nil {
		info, serr := safetyFromFile(ctx, dir, reason, now)
		if serr == nil {
			// The read-only connection may have left -wal/-shm behind; and
			// something may have opened the database meanwhile.
			if err := store.Quiesce(ctx, dir.DB()); err != nil {
				return nil, fmt.Errorf("restore refused, nothing was changed: %w", err)
			}
			return &info, nil
		}
		if !errors.Is(serr, store.ErrCorrupt) {
			return nil, fmt.Errorf("restore refused: the safety snapshot of the current data failed, nothing was changed: %w", serr)
		}
	}
	// Too damaged to copy consistently: keep the files as they are.
	info, err := rawSafety(dir, reason+" (the current database is damaged: raw copy)", now())
	if err != nil {
		return nil, fmt.Errorf("restore refused: could not save a copy of the current (damaged) database, nothing was changed: %w", err)
	}
	return &info, nil
}

// safetyFromFile snapshots the database file through a read-only connection.
func safetyFromFile(ctx context.Context, dir datadir.Dir, reason string, now func() time.Time) (Info, error) {
	ro, err := store.OpenReadOnly(ctx, dir.DB())
	if err != nil {
		return Info{}, err
	}
	defer ro.Close()
	return SafetySnapshot(ctx, SafetyOptions{Dir: dir, DB: ro, Reason: reason, Now: now})
}

// stageDB copies the snapshot's database to a temporary file in the data
// folder, fsynced, and checks it against the manifest.
func stageDB(dir datadir.Dir, snap string, m *Manifest) (string, error) {
	e, ok := m.File(DBName)
	if !ok {
		return "", fmt.Errorf("snapshot %s lists no database", snap)
	}
	f, err := os.CreateTemp(dir.Root, atomicfile.TempPrefix+"restore-*.db")
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	stage := f.Name()
	f.Close()
	os.Remove(stage)
	sum, n, err := copyFile(filepath.Join(snap, DBName), stage)
	if err != nil {
		return "", fmt.Errorf("restore: copy the database from the snapshot: %w; nothing was changed", err)
	}
	if sum != e.SHA256 || n != e.Size {
		os.Remove(stage)
		return "", fmt.Errorf("restore: %s changed after it was verified; nothing was changed", filepath.Join(snap, DBName))
	}
	return stage, nil
}

func readChecked(snap string, e FileEntry) ([]byte, error) {
	p := filepath.Join(snap, filepath.FromSlash(e.Path))
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if sum := sha256Hex(data); sum != e.SHA256 {
		return nil, fmt.Errorf("%s changed after it was verified", p)
	}
	return data, nil
}

// restoreThumbnails copies back the snapshot's thumbnails that the cache
// lacks; existing files are left alone.
func restoreThumbnails(ctx context.Context, dir datadir.Dir, snap string, m *Manifest) (int, error) {
	n := 0
	for _, e := range m.Files {
		rel, ok := cutThumb(e.Path)
		if !ok || !filepath.IsLocal(filepath.FromSlash(rel)) { // Verify refuses such paths too
			continue
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		dst := filepath.Join(dir.Thumbnails(), filepath.FromSlash(rel))
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

func cutThumb(p string) (string, bool) {
	rel, ok := strings.CutPrefix(p, ThumbsDir+"/")
	return rel, ok && rel != ""
}

func recordRestore(ctx context.Context, db *store.DB, res *RestoreResult, snap string, started time.Time, detail string) error {
	var errs []error
	if res.Safety != nil {
		errs = append(errs, db.RecordBackupRun(ctx, store.BackupRun{Kind: KindSafety, Path: res.Safety.Path,
			StartedAt: res.Safety.Created, OK: true, Detail: res.Safety.Reason}))
	}
	errs = append(errs, db.RecordBackupRun(ctx, store.BackupRun{Kind: KindRestore, Path: snap, StartedAt: started, OK: true, Detail: detail}))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("the restore succeeded, but recording it in the backup history failed: %w", err)
	}
	return nil
}
