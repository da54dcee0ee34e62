package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
	// DryRun verifies the snapshot and says what a restore would bring back
	// and what it lacks, changing nothing. With LocalOnly it also says what
	// the merge would add and replace (RestoreResult.LocalOnly, Config and
	// Changes), computed by running it on a temporary copy of the data.
	DryRun bool
	Now    func() time.Time
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
	// Missing lists the snapshot's files that are missing or damaged and
	// were therefore not restored (settings, thumbnails); the database and
	// its local-only rows were intact, or nothing would have been restored.
	Missing []Finding `json:"missing"`
	// DryRun is set when nothing was changed (RestoreOptions.DryRun).
	DryRun bool `json:"dry_run,omitempty"`
	// InSnapshot counts the local-only rows in the snapshot (from its manifest).
	InSnapshot map[string]int64 `json:"in_snapshot,omitempty"`
	// History tells what became of the backup history (full restores only).
	History HistoryOutcome `json:"history,omitzero"`
	// Changes lists each row a local-only restore adds or replaces (dry runs
	// with LocalOnly; see previewLocalOnly).
	Changes []LocalOnlyChange `json:"changes,omitempty"`
}

// HistoryOutcome is what a full restore did with the backup history: the
// backup records of the database it replaced are carried into the restored
// one (Carried counts the rows added). Note is set when none could be.
type HistoryOutcome struct {
	Carried int64  `json:"carried"`
	Note    string `json:"note,omitempty"`
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
	res := RestoreResult{Missing: []Finding{}, DryRun: opt.DryRun}
	if opt.DryRun {
		m, missing, err := restorable(ctx, snap, now, false)
		if err != nil {
			return res, err
		}
		res.Snapshot, res.Missing, res.InSnapshot = infoOf(snap, m), missing, m.Tables
		if _, ok := m.File(ConfigName); ok {
			res.Config.InSnapshot = true
		}
		if opt.LocalOnly {
			// What the real run would merge, worked out by the real run's
			// code on a copy of the data folder.
			skip := map[string]bool{}
			for _, f := range missing {
				skip[f.File] = true
			}
			if err := previewLocalOnly(ctx, dir, snap, &m, skip, now, &res); err != nil {
				return res, err
			}
		}
		return res, nil
	}
	if err := dir.Ensure(); err != nil {
		return res, err
	}
	lock, err := lockfile.TryAcquire(dir.Lock(), "stocksync restore")
	if err != nil {
		return res, fmt.Errorf("restore refused, nothing was changed: %w", err)
	}
	defer lock.Release()
	m, missing, err := restorable(ctx, snap, now, true)
	if err != nil {
		return res, err
	}
	res.Snapshot, res.Missing, res.InSnapshot = infoOf(snap, m), missing, m.Tables
	skip := map[string]bool{}
	for _, f := range missing {
		skip[f.File] = true
	}
	if opt.LocalOnly {
		err = restoreLocalOnly(ctx, dir, snap, &m, skip, now, started, &res)
	} else {
		err = restoreFull(ctx, dir, snap, &m, skip, now, started, &res)
	}
	return res, err
}

// restorable verifies the snapshot and checks this build can use it. A
// snapshot whose database is sound is restorable even if some of its other
// files (settings, thumbnails) are missing or damaged: those are returned,
// to be skipped and named. Anything wrong with the database or the manifest
// refuses the restore.
func restorable(ctx context.Context, snap string, now func() time.Time, mark bool) (Manifest, []Finding, error) {
	missing := []Finding{}
	rep, err := Verify(ctx, snap, VerifyOptions{Mark: mark, Now: now})
	if err != nil {
		return Manifest{}, missing, err
	}
	if !rep.OK {
		for _, f := range rep.Errors() {
			if !skippable(f) {
				return Manifest{}, missing, fmt.Errorf("restore refused, nothing was changed: %w", rep.Err())
			}
			if !slices.ContainsFunc(missing, func(m Finding) bool { return m.File == f.File }) { // a file once
				missing = append(missing, f)
			}
		}
	}
	m, err := ReadManifest(snap)
	if err != nil {
		return m, missing, err
	}
	if m.Raw {
		return m, missing, fmt.Errorf("restore refused: %s: %w; it is kept so the rows in it can be recovered by hand (sqlite3 .recover)", snap, ErrRawSnapshot)
	}
	if m.SchemaVersion > store.KnownVersion() {
		return m, missing, fmt.Errorf("restore refused: snapshot %s has database schema %d, but this Stocksync only knows up to %d: install the newer Stocksync that made it", snap, m.SchemaVersion, store.KnownVersion())
	}
	return m, missing, nil
}

// skippable reports whether a verification error concerns a file a restore
// can do without: the settings, a thumbnail or a release document (both
// downloaded again by a sync), never the database.
func skippable(f Finding) bool {
	switch f.Check {
	case CheckMissing, CheckSize, CheckHash, CheckConfig:
	case CheckManifest:
		return f.File == ThumbsManifestName
	default:
		return false
	}
	return f.File == ConfigName || f.File == ThumbsManifestName || isThumb(f.File) || isRelease(f.File)
}

// Steps of a full restore at which the reliability tests kill it.
const (
	stepStaged   = "restore:staged"   // the new set is complete beside the old
	stepSwitched = "restore:switched" // database and settings are in place
)

func restoreFull(ctx context.Context, dir datadir.Dir, snap string, m *Manifest, skip map[string]bool, now func() time.Time, started time.Time, res *RestoreResult) error {
	reason := "before restoring " + filepath.Base(snap)
	safety, err := saveCurrent(ctx, dir, reason, now)
	if err != nil {
		return err
	}
	res.Safety = safety

	// Stage the whole new set beside the old: the database (brought to this
	// build's schema, in WAL mode, with the restore already recorded in it)
	// and the settings. Then switch once, through an intent record that the
	// next start of any command completes if this one is killed.
	stage, mark, err := stageDB(dir, snap, m)
	if err != nil {
		return err
	}
	defer removeWithSidecars(stage)
	defer mark.Release()
	if err := prepareStaged(ctx, stage, dir.DB(), m, res, snap, started); err != nil {
		return err
	}
	in := datadir.Intent{What: "restore of " + filepath.Base(snap), Created: now().UTC(),
		Swaps: []datadir.Swap{{From: stage, To: dir.DB(), DropSidecars: true}}}
	if e, ok := m.File(ConfigName); ok && !skip[ConfigName] {
		cfg, cmark, err := stageConfig(dir, snap, e)
		if err != nil {
			return err
		}
		defer os.Remove(cfg)
		defer cmark.Release()
		in.Swaps = append(in.Swaps, datadir.Swap{From: cfg, To: dir.Config()})
		res.Config = ConfigOutcome{InSnapshot: true, Restored: true}
	} else {
		res.Config = ConfigOutcome{InSnapshot: ok, Note: "the snapshot's settings file is missing or damaged: your current settings were kept"}
	}
	datadir.CrashPoint(stepStaged)
	if err := dir.BeginSwitch(in); err != nil {
		return fmt.Errorf("restore: %w; the current data was not changed", err)
	}
	if err := dir.FinishSwitch(in); err != nil {
		// The intent stays: the next command completes the switch.
		return fmt.Errorf("restore: %w; it is completed the next time the data folder is opened", err)
	}
	datadir.CrashPoint(stepSwitched)
	n, missing, err := restoreThumbnails(ctx, dir, snap, m, skip)
	res.ThumbnailsRestored = n
	res.Missing = append(res.Missing, missing...)
	if err != nil {
		return fmt.Errorf("restore thumbnails (the database and settings were restored; thumbnails can be fetched again by syncing): %w", err)
	}
	_, missing, err = restoreReleases(ctx, dir, snap, m, skip)
	res.Missing = append(res.Missing, missing...)
	if err != nil {
		return fmt.Errorf("restore release documents (the database and settings were restored; documents can be fetched again by syncing): %w", err)
	}
	return nil
}

// prepareStaged opens the staged copy as the live database will be opened
// (migrations to this build's schema, WAL mode), records the restore in its
// backup history and closes it checkpointed: after the switch nothing needs
// to write before the user's next command.
//
// The snapshot's database predates its own backup records, so the backup
// history of the live database (at live) is carried into it first: status
// and the backup reminder stay true after the restore. When the live
// database is missing or unreadable, nothing is carried (res.History says
// so) and the snapshot itself is recorded as a backup made at its manifest
// time.
func prepareStaged(ctx context.Context, stage, live string, m *Manifest, res *RestoreResult, snap string, started time.Time) error {
	db, err := store.Open(ctx, stage, store.Options{})
	if err != nil {
		return fmt.Errorf("restore: open the snapshot's database: %w; nothing was changed", err)
	}
	rerr := carryHistory(ctx, db, live, m, res, snap)
	if rerr == nil {
		rerr = recordRestore(ctx, db, res, snap, started, "full restore")
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("restore: %w; nothing was changed", err)
	}
	if rerr != nil {
		return fmt.Errorf("restore: %w; nothing was changed", rerr)
	}
	if err := store.Quiesce(ctx, stage); err != nil {
		return fmt.Errorf("restore: %w; nothing was changed", err)
	}
	return nil
}

// stageConfig copies the snapshot's settings, checked, beside config.json.
func stageConfig(dir datadir.Dir, snap string, e FileEntry) (string, *lockfile.Lock, error) {
	data, err := readChecked(snap, e)
	if err != nil {
		return "", nil, fmt.Errorf("restore settings: %w; nothing was changed", err)
	}
	f, err := os.CreateTemp(dir.Root, atomicfile.TempPrefix+"restore-*.json")
	if err != nil {
		return "", nil, fmt.Errorf("restore: %w", err)
	}
	mark, _ := lockfile.Mark(f.Name())
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		mark.Release()
		os.Remove(f.Name())
		return "", nil, fmt.Errorf("restore: stage the settings: %w; nothing was changed", err)
	}
	return f.Name(), mark, nil
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
// folder, fsynced, marked in use, and checks it against the manifest.
func stageDB(dir datadir.Dir, snap string, m *Manifest) (string, *lockfile.Lock, error) {
	e, ok := m.File(DBName)
	if !ok {
		return "", nil, fmt.Errorf("snapshot %s lists no database", snap)
	}
	f, err := os.CreateTemp(dir.Root, atomicfile.TempPrefix+"restore-*.db")
	if err != nil {
		return "", nil, fmt.Errorf("restore: %w", err)
	}
	stage := f.Name()
	f.Close()
	os.Remove(stage)
	sum, n, err := copyFile(filepath.Join(snap, DBName), stage)
	if err != nil {
		return "", nil, fmt.Errorf("restore: copy the database from the snapshot: %w; nothing was changed", err)
	}
	mark, merr := lockfile.Mark(stage)
	if merr != nil {
		os.Remove(stage)
		return "", nil, fmt.Errorf("restore: %w", merr)
	}
	if sum != e.SHA256 || n != e.Size {
		mark.Release()
		os.Remove(stage)
		return "", nil, fmt.Errorf("restore: %s changed after it was verified; nothing was changed", filepath.Join(snap, DBName))
	}
	return stage, mark, nil
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
// lacks; existing files are left alone. Thumbnails in skip, or that cannot
// be read back intact, are returned as missing (a sync fetches them again).
func restoreThumbnails(ctx context.Context, dir datadir.Dir, snap string, m *Manifest, skip map[string]bool) (int, []Finding, error) {
	n := 0
	var missing []Finding
	for _, e := range m.Files {
		rel, ok := cutThumb(e.Path)
		if !ok || !filepath.IsLocal(filepath.FromSlash(rel)) || skip[e.Path] { // Verify refuses such paths too
			continue
		}
		if err := ctx.Err(); err != nil {
			return n, missing, err
		}
		dst := filepath.Join(dir.Thumbnails(), filepath.FromSlash(rel))
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

// carryHistory copies the live database's backup history into the staged
// one, or, when that cannot be read, records the snapshot as a backup.
func carryHistory(ctx context.Context, db *store.DB, live string, m *Manifest, res *RestoreResult, snap string) error {
	n, err := db.CarryBackupRuns(ctx, live)
	if err == nil {
		res.History = HistoryOutcome{Carried: n}
		return nil
	}
	res.History = HistoryOutcome{Note: "the backup history of the current database could not be read, so none was carried: " +
		"the restored data knows only the backups it had itself, and this snapshot"}
	if errors.Is(err, fs.ErrNotExist) {
		res.History.Note = "there was no current database, so no backup history was carried: the restored data knows only the backups it had itself, and this snapshot"
	}
	if rerr := db.RecordBackupRun(ctx, store.BackupRun{Kind: KindSnapshot, Path: snap, StartedAt: m.Created, OK: true,
		Detail: "the restored snapshot"}); rerr != nil {
		return fmt.Errorf("the restore succeeded, but recording it in the backup history failed: %w", rerr)
	}
	return nil
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
