package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/watch"
)

// BackupEngine is the Backups of the app: package backup's snapshots, verify
// and test restore. The controller records each run itself, so nothing here
// passes a Recorder (that would record it twice).
type BackupEngine struct {
	Dir datadir.Dir
	DB  *store.DB
	// TempDir is where test restores unpack; "" means the system's.
	TempDir string
	Now     func() time.Time // nil means time.Now
}

var _ Backups = (*BackupEngine)(nil)

func (b *BackupEngine) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Snapshot writes a snapshot into dest, then lets the retention policy
// remove old ones (keeping opt.Keep and the daily and weekly ones).
func (b *BackupEngine) Snapshot(ctx context.Context, dest string, opt SnapshotOptions, _ func(BackupProgress)) (SnapshotInfo, error) {
	info, err := backup.Snapshot(ctx, backup.SnapshotOptions{
		DataDir: b.Dir, DB: b.DB, Dest: dest, WithThumbnails: opt.IncludeThumbnails, Now: b.now,
	})
	if err != nil {
		return SnapshotInfo{}, err
	}
	out := SnapshotInfo{Path: info.Path, Time: info.Created, Files: info.Files, Bytes: info.Size}
	if opt.Keep > 0 {
		if _, err := backup.Prune(dest, backup.DefaultPolicy(opt.Keep), b.now()); err != nil {
			out.Warning = pruneFailed(err)
		}
	}
	return out, nil
}

// Verify checks the newest snapshot in dest and marks it verified.
func (b *BackupEngine) Verify(ctx context.Context, dest string, _ func(BackupProgress)) (VerifyInfo, error) {
	snap, err := newestSnapshot(dest)
	if err != nil {
		return VerifyInfo{}, err
	}
	rep, err := backup.Verify(ctx, snap, backup.VerifyOptions{Mark: true, Now: b.now})
	if err != nil {
		return VerifyInfo{Path: snap}, err
	}
	return VerifyInfo{Path: snap, OK: rep.OK, Problems: messages(rep.Errors())}, nil
}

// TestRestore restores the newest snapshot in dest into a scratch folder.
func (b *BackupEngine) TestRestore(ctx context.Context, dest string, _ func(BackupProgress)) (RestoreInfo, error) {
	snap, err := newestSnapshot(dest)
	if err != nil {
		return RestoreInfo{}, err
	}
	rep, err := backup.TestRestore(ctx, snap, backup.TestRestoreOptions{TempDir: b.TempDir, Now: b.now})
	if err != nil {
		return RestoreInfo{Path: snap}, err
	}
	var problems []backup.Finding
	problems = append(problems, rep.Verify.Errors()...)
	for _, f := range rep.Findings {
		if f.Severity == backup.SeverityError {
			problems = append(problems, f)
		}
	}
	return RestoreInfo{Path: snap, OK: rep.OK, Files: rep.Verify.FilesChecked, Problems: messages(problems)}, nil
}

var errNoSnapshot = errors.New("the backup folder holds no readable snapshot yet: back up first")

// newestSnapshot is the newest snapshot in dest whose manifest can be read.
func newestSnapshot(dest string) (string, error) {
	snaps, err := backup.List(dest)
	if err != nil {
		return "", err
	}
	for _, s := range snaps {
		if s.Problem == "" {
			return s.Path, nil
		}
	}
	return "", errNoSnapshot
}

func messages(fs []backup.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Message)
	}
	return out
}

// pruneFailed is kept in the snapshot's result: the snapshot itself is fine.
func pruneFailed(err error) string {
	return fmt.Sprintf("old snapshots could not be removed (%v)", err)
}

// NewFolderWatcher is the app's WatcherFactory: package watch (fsnotify).
func NewFolderWatcher(opt watch.Options) WatcherFactory {
	return func(dataDir string) (Watcher, error) {
		w, err := watch.New(datadir.Dir{Root: dataDir}, opt)
		if err != nil {
			return nil, fmt.Errorf("watch the data folder: %w", err)
		}
		return w, nil
	}
}
