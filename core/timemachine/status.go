package timemachine

import (
	"context"
	"errors"
)

// Status gathers everything the UI shows about Time Machine. Each part carries
// its own error; gathering never fails as a whole.
type Status struct {
	// Available is false where Time Machine does not exist; the other fields
	// are then empty and the UI shows "not available".
	Available bool

	Exclusion    Exclusion
	ExclusionErr error

	Destinations    []Destination
	DestinationsErr error

	Latest    LatestBackup
	LatestErr error

	// Activity is what Time Machine is doing now (tmutil status).
	Activity    Activity
	ActivityErr error
}

// IncludesFolder reports whether the data folder is known to be backed up:
// checked without error, reported as included, and no folder above it excluded.
// An [UNKNOWN] answer (e.g. the folder is missing) does not count.
func (s Status) IncludesFolder() bool {
	c := s.Exclusion.Checked
	return s.Available && s.ExclusionErr == nil && !s.Exclusion.Excluded &&
		len(c) > 0 && c[0].State == StateIncluded
}

// HasDestination reports whether at least one backup disk is configured.
func (s Status) HasDestination() bool {
	return s.Available && s.DestinationsErr == nil && len(s.Destinations) > 0
}

// NoDestination reports whether Time Machine is known to have no backup disk
// set up. It is never true together with DisksNotConnected.
func (s Status) NoDestination() bool {
	return s.Available && s.DestinationsErr == nil && len(s.Destinations) == 0
}

// DisksNotConnected reports whether every configured backup disk is known to
// be unplugged (Destination.NotConnected: local disks without a mount point;
// network destinations are normally unmounted and never count).
func (s Status) DisksNotConnected() bool {
	if !s.HasDestination() {
		return false
	}
	for _, d := range s.Destinations {
		if !d.NotConnected() {
			return false
		}
	}
	return true
}

// BackingUp reports whether a Time Machine backup is running now.
func (s Status) BackingUp() bool {
	return s.Available && s.ActivityErr == nil && s.Activity.Running
}

// Status asks tmutil about exclusion, destinations, the latest backup and a
// backup in progress.
//
// The answers are made consistent with destinationinfo, which needs no Full
// Disk Access: when it lists no disk, latestbackup's "cannot reach the backup
// disk" becomes BackupNoDestination, so no one is told both "no disk
// configured" and "not connected"; when it lists disks, latestbackup's "no
// destination" becomes BackupDestinationUnavailable.
func (c *Checker) Status(ctx context.Context, dataDir string) Status {
	s := Status{Available: true}
	s.Exclusion, s.ExclusionErr = c.Exclusion(ctx, dataDir)
	if errors.Is(s.ExclusionErr, ErrNotAvailable) {
		return Status{}
	}
	s.Destinations, s.DestinationsErr = c.Destinations(ctx)
	s.Latest, s.LatestErr = c.LatestBackup(ctx)
	s.Activity, s.ActivityErr = c.Activity(ctx)
	if errors.Is(s.DestinationsErr, ErrNotAvailable) || errors.Is(s.LatestErr, ErrNotAvailable) ||
		errors.Is(s.ActivityErr, ErrNotAvailable) {
		return Status{}
	}
	switch {
	case s.LatestErr != nil:
	case s.NoDestination() && s.Latest.State == BackupDestinationUnavailable:
		s.Latest.State = BackupNoDestination
	case s.HasDestination() && s.Latest.State == BackupNoDestination:
		s.Latest.State = BackupDestinationUnavailable
	}
	return s
}
