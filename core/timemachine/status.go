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

// Status asks tmutil about exclusion, destinations and the latest backup.
func (c *Checker) Status(ctx context.Context, dataDir string) Status {
	s := Status{Available: true}
	s.Exclusion, s.ExclusionErr = c.Exclusion(ctx, dataDir)
	if errors.Is(s.ExclusionErr, ErrNotAvailable) {
		return Status{}
	}
	s.Destinations, s.DestinationsErr = c.Destinations(ctx)
	s.Latest, s.LatestErr = c.LatestBackup(ctx)
	if errors.Is(s.DestinationsErr, ErrNotAvailable) || errors.Is(s.LatestErr, ErrNotAvailable) {
		return Status{}
	}
	return s
}
