package backup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// List returns the snapshots in dest, newest first. Temporary folders (an
// interrupted snapshot) and folders not named like snapshots are ignored; a
// snapshot folder whose manifest cannot be read is listed with Problem set.
// A dest that does not exist is a *DestinationError.
func List(dest string) ([]Info, error) {
	entries, err := os.ReadDir(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &DestinationError{Dest: dest, Reason: ReasonMissing, Err: err}
	}
	if err != nil {
		return nil, destErr(dest, err)
	}
	var out []Info
	for _, e := range entries {
		t, ok := parseName(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		dir := filepath.Join(dest, e.Name())
		m, err := readHeader(dir)
		if err != nil {
			out = append(out, Info{Name: e.Name(), Path: dir, Created: t, Problem: err.Error()})
			continue
		}
		out = append(out, infoOf(dir, m))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].Name > out[j].Name
	})
	return out, nil
}
