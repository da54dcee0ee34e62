package backup

import (
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
)

// NewestRestorable is the snapshot to offer when the data folder's database
// cannot be used: the newest snapshot in the configured backup folder (none
// when d's settings cannot be read) or among d's safety snapshots whose
// manifest is readable and that is not a raw copy of a damaged database, a
// verified one before a newer unverified one. found is false when there is
// none. Folders that cannot be listed are passed over.
func NewestRestorable(d datadir.Dir) (best Info, found bool) {
	dest := ""
	if cfg, err := config.Load(d.Config()); err == nil {
		dest = cfg.Backup.Destination
	}
	return newestRestorableIn(d, dest)
}

func newestRestorableIn(d datadir.Dir, dest string) (best Info, found bool) {
	var all []Info
	if dest != "" {
		if l, err := List(dest); err == nil {
			all = append(all, l...)
		}
	}
	if l, err := List(d.Snapshots()); err == nil {
		all = append(all, l...)
	}
	for _, s := range all {
		if s.Problem != "" || s.Raw {
			continue
		}
		if !found || betterRestorable(s, best) {
			best, found = s, true
		}
	}
	return best, found
}

// betterRestorable: a verified snapshot beats an unverified one, then the
// newer wins.
func betterRestorable(a, b Info) bool {
	if av, bv := !a.Verified.IsZero(), !b.Verified.IsZero(); av != bv {
		return av
	}
	return a.Created.After(b.Created)
}
