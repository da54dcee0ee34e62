package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
)

// Policy says which snapshots to keep. A snapshot is kept if any rule wants it.
type Policy struct {
	Last         int // the newest Last snapshots
	DailyDays    int // the newest snapshot of each of the last DailyDays calendar days (today included)
	WeeklyMonths int // the newest snapshot of each ISO week within the last WeeklyMonths months
}

// DefaultPolicy keeps the newest last (10 if last < 1), one per day for a
// week and one per week for two months.
func DefaultPolicy(last int) Policy {
	if last < 1 {
		last = 10
	}
	return Policy{Last: last, DailyDays: 7, WeeklyMonths: 2}
}

// SafetyKeep is how many safety snapshots the data folder keeps.
const SafetyKeep = 5

// SafetyPolicy keeps the newest SafetyKeep safety snapshots.
func SafetyPolicy() Policy { return Policy{Last: SafetyKeep} }

// Retention splits snaps into those p keeps and those it lets go, each newest
// first. Days and weeks are calendar days and ISO weeks in now's time zone.
// Snapshots with a Problem are in neither list: nothing that cannot be read
// is ever deleted. Raw snapshots (copies of a damaged database) are always
// kept and take no rule's place. The newest verified snapshot is always kept if no other
// verified one is: a policy never leaves the destination without one.
func Retention(snaps []Info, p Policy, now time.Time) (keep, drop []Info) {
	var list []Info
	for _, s := range snaps {
		if s.Problem == "" {
			list = append(list, s)
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].Created.Equal(list[j].Created) {
			return list[i].Created.After(list[j].Created)
		}
		return list[i].Name > list[j].Name
	})
	loc := now.Location()
	y, mo, d := now.Date()
	today := time.Date(y, mo, d, 0, 0, 0, 0, loc)
	dailyFrom := today.AddDate(0, 0, -(p.DailyDays - 1))
	weeklyFrom := now.AddDate(0, -p.WeeklyMonths, 0)
	kept := make([]bool, len(list))
	days := map[string]bool{}
	weeks := map[[2]int]bool{}
	last := 0
	for i, s := range list {
		if s.Raw {
			// A raw copy of a damaged database may hold the only copy of
			// recent work: only the user deletes it (backup delete).
			kept[i] = true
			continue
		}
		if last < p.Last {
			kept[i] = true
			last++
		}
		c := s.Created.In(loc)
		if p.DailyDays > 0 && !c.Before(dailyFrom) {
			day := c.Format(time.DateOnly)
			if !days[day] {
				days[day], kept[i] = true, true
			}
		}
		if p.WeeklyMonths > 0 && !c.Before(weeklyFrom) {
			wy, wn := c.ISOWeek()
			if !weeks[[2]int{wy, wn}] {
				weeks[[2]int{wy, wn}], kept[i] = true, true
			}
		}
	}
	haveVerified, newestVerified := false, -1
	for i, s := range list {
		if s.Verified.IsZero() {
			continue
		}
		if kept[i] {
			haveVerified = true
		}
		if newestVerified < 0 {
			newestVerified = i
		}
	}
	if !haveVerified && newestVerified >= 0 {
		kept[newestVerified] = true
	}
	for i, s := range list {
		if kept[i] {
			keep = append(keep, s)
		} else {
			drop = append(drop, s)
		}
	}
	return keep, drop
}

// PruneResult lists what Prune kept and deleted.
type PruneResult struct {
	Kept    []Info `json:"kept"`
	Deleted []Info `json:"deleted"`
}

// Prune deletes the snapshots in dest that p does not keep. Each is first
// renamed to a temporary name, so a half-deleted snapshot is never mistaken
// for a whole one.
func Prune(dest string, p Policy, now time.Time) (PruneResult, error) {
	list, err := List(dest)
	if err != nil {
		return PruneResult{}, err
	}
	keep, drop := Retention(list, p, now)
	res := PruneResult{Kept: keep}
	errs := cleanStale(dest, now)
	for _, s := range drop {
		gone, mark, err := renameForDelete(s.Path)
		if err != nil {
			errs = append(errs, fmt.Errorf("delete old snapshot %s: %w", s.Path, err))
			continue
		}
		res.Deleted = append(res.Deleted, s)
		err = os.RemoveAll(gone)
		mark.Release()
		if err != nil {
			errs = append(errs, fmt.Errorf("delete old snapshot %s (renamed to %s): %w", s.Path, gone, err))
		}
	}
	if len(errs) > 0 {
		return res, destErr(dest, errors.Join(errs...))
	}
	return res, nil
}

// CleanLeftovers removes from the backup folder dest the temporary folders
// (".stocksync-tmp-snapshot-*", "-delete-*", …) that killed snapshots,
// deletions and prunes left behind, and returns their paths. A folder a live
// process is still writing is marked as its own and stays. Every command
// that works on dest calls it first; a folder that cannot be read or
// written is left as it is (the command's own error says why).
func CleanLeftovers(dest string) []string { return datadir.RemoveLeftovers(dest) }

// cleanStale removes temporary folders that interrupted snapshots and
// deletions left behind: those no live process marks as its own (see
// datadir.RemoveLeftovers), at once rather than after a day.
func cleanStale(dest string, _ time.Time) []error {
	datadir.RemoveLeftovers(dest)
	return nil
}

// renameForDelete renames the snapshot folder snap to a temporary name
// (marked in use while it is being removed), so a half-deleted snapshot is
// never listed as whole and no cleaner races the removal.
func renameForDelete(snap string) (string, *lockfile.Lock, error) {
	dest := filepath.Dir(snap)
	gone := filepath.Join(dest, atomicfile.TempPrefix+"delete-"+filepath.Base(snap))
	return lockfile.CreateMarked(dest, func() (string, error) {
		return gone, os.Rename(snap, gone)
	})
}
