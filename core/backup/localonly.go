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
	"sort"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// ConfigOutcome says what a restore did with the settings file.
type ConfigOutcome struct {
	InSnapshot bool `json:"in_snapshot"`
	Restored   bool `json:"restored"` // config.json was written from the snapshot
	// DamagedKept is where a damaged current config.json was moved before
	// the snapshot's replaced it.
	DamagedKept string `json:"damaged_kept,omitempty"`
	// Differences lists settings that differ between the current file (kept)
	// and the snapshot's, as "key: now X, in the snapshot Y".
	Differences []string `json:"differences,omitempty"`
	Note        string   `json:"note,omitempty"`
}

func restoreLocalOnly(ctx context.Context, dir datadir.Dir, snap string, m *Manifest, skip map[string]bool, now func() time.Time, started time.Time, res *RestoreResult) error {
	name := filepath.Base(snap)
	db, err := store.Open(ctx, dir.DB(), store.Options{BeforeMigrate: BeforeMigrate(dir, now)})
	if errors.Is(err, store.ErrCorrupt) {
		return &LocalOnlyDamagedError{Snapshot: snap, DB: dir.DB(), Err: err}
	}
	if err != nil {
		return err
	}
	defer db.Close()
	safety, err := SafetySnapshot(ctx, SafetyOptions{Dir: dir, DB: db, Reason: "before merging local-only data from " + name, Now: now})
	if err != nil {
		return fmt.Errorf("restore refused: the safety snapshot of the current data failed, nothing was changed: %w", err)
	}
	res.Safety = &safety

	stage, mark, err := stageDB(dir, snap, m)
	if err != nil {
		return err
	}
	defer removeWithSidecars(stage)
	defer mark.Release()
	if m.SchemaVersion != db.SchemaVersion() {
		// Bring the copy to the current schema, exactly as a full restore would.
		sdb, err := store.Open(ctx, stage, store.Options{})
		if err != nil {
			return fmt.Errorf("restore: upgrade the snapshot's database from schema %d: %w; nothing was changed", m.SchemaVersion, err)
		}
		if err := sdb.Close(); err != nil {
			return fmt.Errorf("restore: upgrade the snapshot's database: %w; nothing was changed", err)
		}
		if err := store.Quiesce(ctx, stage); err != nil {
			return fmt.Errorf("restore: upgrade the snapshot's database: %w; nothing was changed", err)
		}
	}
	if res.LocalOnly, err = db.MergeLocalOnly(ctx, stage); err != nil {
		return fmt.Errorf("restore: %w; nothing was changed", err)
	}
	res.Config, err = mergeConfig(dir, snap, m, skip, now())
	if err != nil {
		return fmt.Errorf("restore settings (the local-only data was merged): %w", err)
	}
	return recordRestore(ctx, db, res, snap, started, fmt.Sprintf("local-only restore: %d rows merged", res.LocalOnly.Total()))
}

// mergeConfig restores config.json only if the current one is missing or
// damaged; otherwise it reports how the two differ.
func mergeConfig(dir datadir.Dir, snap string, m *Manifest, skip map[string]bool, now time.Time) (ConfigOutcome, error) {
	var out ConfigOutcome
	e, ok := m.File(ConfigName)
	if !ok {
		out.Note = "the snapshot holds no settings file"
		return out, nil
	}
	if skip[ConfigName] {
		out.InSnapshot = true
		out.Note = "the snapshot's settings file is missing or damaged: your current settings were kept"
		return out, nil
	}
	out.InSnapshot = true
	theirs, err := readChecked(snap, e)
	if err != nil {
		return out, err
	}
	if _, err := config.Load(dir.Config()); err != nil {
		// Damaged: keep it aside (it is the user's), then restore.
		aside := dir.Config() + ".damaged-" + now.UTC().Format(stampLayout)
		if err := os.Rename(dir.Config(), aside); err != nil {
			return out, fmt.Errorf("move the damaged %s aside: %w", dir.Config(), err)
		}
		out.DamagedKept = aside
	} else if _, err := os.Stat(dir.Config()); err == nil {
		ours, err := os.ReadFile(dir.Config())
		if err != nil {
			return out, err
		}
		out.Differences = configDiff(ours, theirs)
		return out, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return out, err
	}
	if err := atomicfile.WriteFile(dir.Config(), theirs, 0o600); err != nil {
		return out, err
	}
	out.Restored = true
	return out, nil
}

// configDiff lists the settings whose values differ, by dotted key.
func configDiff(ours, theirs []byte) []string {
	a, b := map[string]string{}, map[string]string{}
	flatten("", decodeJSON(ours), a)
	flatten("", decodeJSON(theirs), b)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if a[k] != b[k] {
			out = append(out, fmt.Sprintf("%s: now %s, in the snapshot %s", k, orUnset(a[k]), orUnset(b[k])))
		}
	}
	sort.Strings(out)
	return out
}

func decodeJSON(b []byte) any {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return nil
	}
	return v
}

func flatten(prefix string, v any, out map[string]string) {
	if obj, ok := v.(map[string]any); ok {
		for k, x := range obj {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(key, x, out)
		}
		return
	}
	if prefix == "" {
		return
	}
	b, _ := json.Marshal(v)
	out[prefix] = string(b)
}

func orUnset(s string) string {
	if s == "" {
		return "(not set)"
	}
	return s
}
