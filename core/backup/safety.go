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

// SafetyOptions describe a safety snapshot.
type SafetyOptions struct {
	Dir    datadir.Dir
	DB     *store.DB // the database to copy; read-only will do
	Reason string    // e.g. "before upgrading the database from schema 1 to 2"
	Now    func() time.Time
	Record Recorder // optional: gets a KindSafety run
}

// SafetySnapshot writes a snapshot (without thumbnails) into the data
// folder's snapshots/ and keeps only the newest SafetyKeep there.
func SafetySnapshot(ctx context.Context, opt SafetyOptions) (Info, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	info, err := Snapshot(ctx, SnapshotOptions{DataDir: opt.Dir, DB: opt.DB, Kind: KindSafety, Reason: opt.Reason, Now: now, Record: opt.Record})
	if err != nil {
		return info, fmt.Errorf("safety snapshot: %w", err)
	}
	if _, err := Prune(opt.Dir.Snapshots(), SafetyPolicy(), now()); err != nil {
		return info, fmt.Errorf("safety snapshot %s was taken, but removing older ones failed: %w", info.Path, err)
	}
	return info, nil
}

// BeforeMigrate returns a store.Options.BeforeMigrate hook that takes a
// safety snapshot of dir's database before its schema is upgraded. The hook
// runs while store.Open holds the database (idle), so it reads it through a
// read-only connection of its own.
func BeforeMigrate(dir datadir.Dir, now func() time.Time) func(ctx context.Context, from, to int) error {
	return func(ctx context.Context, from, to int) error {
		ro, err := store.OpenReadOnly(ctx, dir.DB())
		if err != nil {
			return fmt.Errorf("safety snapshot before the upgrade: %w", err)
		}
		defer ro.Close()
		_, err = SafetySnapshot(ctx, SafetyOptions{Dir: dir, DB: ro, Now: now,
			Reason: fmt.Sprintf("before upgrading the database from schema %d to %d", from, to)})
		return err
	}
}

// rawSafety copies a database that cannot be read consistently (with its
// -wal, which may hold committed rows) and the settings as they are into
// snapshots/, so that a restore never destroys the only copy of anything.
func rawSafety(dir datadir.Dir, reason string, now time.Time) (Info, error) {
	dest := dir.Snapshots()
	if err := os.MkdirAll(dest, 0o700); err != nil {
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
		return Info{}, err
	}
	defer mark.Release()
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	m := Manifest{Format: FormatVersion, Kind: KindSafety, Reason: reason, Created: now.UTC(),
		AppVersion: version.Version, DataDir: dir.Root, Raw: true}
	m.Host, _ = os.Hostname()
	for _, name := range []string{DBName, DBName + "-wal", ConfigName} {
		sum, n, err := copyFile(filepath.Join(dir.Root, name), filepath.Join(tmp, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Info{}, err
		}
		m.Files = append(m.Files, FileEntry{Path: name, Size: n, SHA256: sum})
	}
	m.Tables = rawCounts(context.Background(), tmp)
	b := &builder{ctx: context.Background(), dest: dest, tmp: tmp}
	if err := b.finish(&m); err != nil {
		return Info{}, err
	}
	final, err := placeFolder(tmp, dest, now)
	if err != nil {
		return Info{}, err
	}
	done = true
	if _, err := Prune(dest, SafetyPolicy(), now); err != nil {
		return infoOf(final, m), fmt.Errorf("raw safety copy %s was taken, but removing older ones failed: %w", final, err)
	}
	return infoOf(final, m), nil
}

// rawCounts counts the rows of the local-only tables in the raw copy at
// snap (its database with the -wal applied), so that listing it says what
// it holds. It works on a scratch copy next to snap (opening applies the
// -wal, which must not change the copy itself) and returns nil, "unknown",
// when the database is too damaged to count them.
func rawCounts(ctx context.Context, snap string) map[string]int64 {
	scratch, err := os.MkdirTemp(filepath.Dir(snap), atomicfile.TempPrefix+"count-")
	if err != nil {
		return nil
	}
	defer os.RemoveAll(scratch)
	for _, name := range []string{DBName, DBName + "-wal"} {
		if _, _, err := copyFile(filepath.Join(snap, name), filepath.Join(scratch, name)); err != nil && (name == DBName || !errors.Is(err, fs.ErrNotExist)) {
			return nil
		}
	}
	db, err := store.OpenReadOnly(ctx, filepath.Join(scratch, DBName))
	if err != nil {
		return nil
	}
	defer db.Close()
	all, err := db.TableCounts(ctx)
	if err != nil {
		return nil
	}
	out := map[string]int64{}
	for _, t := range store.LocalOnlyTables {
		n, ok := all[t]
		if !ok {
			return nil // not a Stocksync database (or not one we know)
		}
		out[t] = n
	}
	return out
}
