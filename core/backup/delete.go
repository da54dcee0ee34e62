package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stocksync/stocksync/core/atomicfile"
)

// ErrNewestVerified means a delete was refused because the snapshot is the
// newest verified one in its folder: the one a restore would use.
var ErrNewestVerified = errors.New("it is the newest verified snapshot")

// Delete removes the snapshot folder snap. It is first renamed to a
// temporary name, so a half-deleted snapshot is never listed as whole. The
// newest verified snapshot of its folder is refused (ErrNewestVerified)
// unless force is set. A folder that is not a snapshot is refused.
func Delete(snap string, force bool) (Info, error) {
	abs, err := filepath.Abs(snap)
	if err != nil {
		return Info{}, err
	}
	dest, name := filepath.Dir(abs), filepath.Base(abs)
	if _, ok := parseName(name); !ok {
		return Info{}, fmt.Errorf("%s is not a snapshot folder (snapshot names look like stocksync-20261129T101500Z): nothing was deleted", abs)
	}
	list, err := List(dest)
	if err != nil {
		return Info{}, err
	}
	var target *Info
	var newestVerified *Info
	for i := range list {
		s := &list[i]
		if s.Name == name {
			target = s
		}
		if newestVerified == nil && s.Problem == "" && !s.Raw && !s.Verified.IsZero() {
			newestVerified = s
		}
	}
	if target == nil {
		return Info{}, fmt.Errorf("no snapshot %s in %s: nothing was deleted", name, dest)
	}
	if !force && newestVerified != nil && newestVerified.Name == name {
		return *target, fmt.Errorf("delete %s refused: %w, the one a restore would use", abs, ErrNewestVerified)
	}
	gone, mark, err := renameForDelete(abs)
	if err != nil {
		return *target, destErr(dest, fmt.Errorf("delete snapshot %s: %w", abs, err))
	}
	defer mark.Release()
	if err := os.RemoveAll(gone); err != nil {
		return *target, destErr(dest, fmt.Errorf("delete snapshot %s (renamed to %s; it is no longer listed): %w", abs, gone, err))
	}
	if err := atomicfile.SyncDir(dest); err != nil {
		return *target, err
	}
	return *target, nil
}
