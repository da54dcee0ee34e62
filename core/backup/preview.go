package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

// LocalOnlyChange is one row a local-only restore adds or replaces.
type LocalOnlyChange struct {
	// Table is the local-only table: "pending_uploads", "local_paths" or
	// "local_edits" (store.LocalOnlyTables).
	Table string `json:"table"`
	// Key names the row: a pending upload's file path, or the ESP file ID of
	// a local file path or a local edit.
	Key string `json:"key"`
	// Replaces is true when the row exists here and the snapshot's newer
	// version replaces it; false when the snapshot's row is added (it is
	// not here, or was removed since: a pending upload sent or taken off).
	Replaces bool `json:"replaces"`
	// Now and Then are what a local file path is here and in the snapshot,
	// when it replaces one ("" otherwise).
	Now  string `json:"now,omitempty"`
	Then string `json:"then,omitempty"`
}

// previewLocalOnly works out what `restore --local-only` would do, by doing
// it — restoreLocalOnly, the code of the real run — on a copy of the data
// folder (a consistent copy of the database, and config.json) in a
// temporary folder, which is then removed; nothing of dir is changed. It
// fills res.LocalOnly, res.Config and res.Changes; res.Safety stays nil (the
// real run takes a safety snapshot first).
//
// The copy is made in the data folder (previewFolder); when that disk is
// full, in the system's temporary folder instead.
func previewLocalOnly(ctx context.Context, dir datadir.Dir, snap string, m *Manifest, skip map[string]bool, now func() time.Time, res *RestoreResult) error {
	tmp, mark, err := previewFolder(dir)
	if err != nil {
		return fmt.Errorf("preview the restore: %w", err)
	}
	err = previewIn(ctx, tmp, dir, snap, m, skip, now, res)
	os.RemoveAll(tmp)
	if mark != nil {
		mark.Release()
		if diskFull(err) {
			if tmp, err = os.MkdirTemp("", "stocksync-restore-preview-"); err != nil {
				return fmt.Errorf("preview the restore: %w", err)
			}
			defer os.RemoveAll(tmp)
			var zero RestoreResult
			res.LocalOnly, res.Config, res.Changes = zero.LocalOnly, zero.Config, zero.Changes
			return previewIn(ctx, tmp, dir, snap, m, skip, now, res)
		}
	}
	return err
}

// diskFull reports an error of a write that found the disk full.
func diskFull(err error) bool {
	return errors.Is(err, store.ErrDiskFull) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// previewIn is previewLocalOnly with its copy in the folder tmp.
func previewIn(ctx context.Context, tmp string, dir datadir.Dir, snap string, m *Manifest, skip map[string]bool, now func() time.Time, res *RestoreResult) error {
	copyDir := datadir.Dir{Root: filepath.Join(tmp, "data")}
	if err := copyDir.Ensure(); err != nil {
		return fmt.Errorf("preview the restore: %w", err)
	}
	before := localRows{}
	if _, err := os.Stat(dir.DB()); err == nil {
		live, err := store.OpenReadOnly(ctx, dir.DB())
		if err != nil {
			return localOnlyNeedsDB(err, snap, dir)
		}
		before, err = readLocalRows(ctx, live)
		if err == nil {
			err = live.CopyTo(ctx, copyDir.DB())
		}
		live.Close()
		if err != nil {
			return localOnlyNeedsDB(err, snap, dir)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if b, err := os.ReadFile(dir.Config()); err == nil {
		if err := os.WriteFile(copyDir.Config(), b, 0o600); err != nil {
			return fmt.Errorf("preview the restore: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	datadir.CrashPoint("preview:copied") // tests: a preview killed with its copy made
	var out RestoreResult
	if err := restoreLocalOnly(ctx, copyDir, snap, m, skip, now, now(), &out); err != nil {
		return err
	}
	res.LocalOnly, res.Config = out.LocalOnly, out.Config
	if kept := res.Config.DamagedKept; kept != "" {
		res.Config.DamagedKept = dir.Config() + strings.TrimPrefix(kept, copyDir.Config())
	}
	db, err := store.OpenReadOnly(ctx, copyDir.DB())
	if err != nil {
		return err
	}
	defer db.Close()
	after, err := readLocalRows(ctx, db)
	if err != nil {
		return err
	}
	res.Changes = before.changes(after)
	return nil
}

// previewFolder makes the temporary folder the preview works in: in the
// data folder (atomicfile.TempPrefix+"preview-…"), marked in use
// (lockfile.CreateMarked) so that when the preview is killed the next
// command's datadir.Recover removes the copy; in the system's temporary
// folder only when the data folder cannot take it (read-only), with a nil
// mark.
func previewFolder(dir datadir.Dir) (string, *lockfile.Lock, error) {
	tmp, mark, err := lockfile.CreateMarked(dir.Root, func() (string, error) {
		return os.MkdirTemp(dir.Root, atomicfile.TempPrefix+"preview-")
	})
	if err == nil {
		return tmp, mark, nil
	}
	if tmp != "" {
		os.RemoveAll(tmp)
	}
	tmp, err = os.MkdirTemp("", "stocksync-restore-preview-")
	return tmp, nil, err
}

// localOnlyNeedsDB is the error for a current database that cannot be
// read: a damaged one is the real run's *LocalOnlyDamagedError (the same
// words, and the same advice at the edges); anything else is wrapped.
func localOnlyNeedsDB(err error, snap string, dir datadir.Dir) error {
	if errors.Is(err, store.ErrCorrupt) {
		return &LocalOnlyDamagedError{Snapshot: snap, DB: dir.DB(), Err: err}
	}
	return fmt.Errorf("preview the restore: read the current database: %w", err)
}

// localRows are the local-only rows of a database, by table and key: the
// time each was last changed, and for local paths the path.
type localRows map[string]map[string]localRow

type localRow struct {
	updated time.Time
	path    string
}

func readLocalRows(ctx context.Context, db *store.DB) (localRows, error) {
	out := localRows{"pending_uploads": {}, "local_paths": {}, "local_edits": {}}
	ps, err := db.PendingUploads(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		out["pending_uploads"][p.Path] = localRow{updated: p.UpdatedAt}
	}
	paths, err := db.LocalPathRows(ctx)
	if err != nil {
		return nil, err
	}
	for id, p := range paths {
		out["local_paths"][id] = localRow{updated: p.UpdatedAt, path: p.Path}
	}
	es, err := db.LocalEdits(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		out["local_edits"][e.ContributionID] = localRow{updated: e.UpdatedAt}
	}
	return out, nil
}

// changes lists the rows after has that r lacks (added) or holds in another
// version (replaced), by table and key.
func (r localRows) changes(after localRows) []LocalOnlyChange {
	out := []LocalOnlyChange{}
	for _, table := range store.LocalOnlyTables {
		for key, a := range after[table] {
			b, ok := r[table][key]
			switch {
			case !ok:
				out = append(out, LocalOnlyChange{Table: table, Key: key})
			case !a.updated.Equal(b.updated) || a.path != b.path:
				c := LocalOnlyChange{Table: table, Key: key, Replaces: true}
				if table == "local_paths" {
					c.Now, c.Then = b.path, a.path
				}
				out = append(out, c)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Table != out[j].Table {
			return tableOrder(out[i].Table) < tableOrder(out[j].Table)
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func tableOrder(t string) int {
	for i, x := range store.LocalOnlyTables {
		if x == t {
			return i
		}
	}
	return len(store.LocalOnlyTables)
}
