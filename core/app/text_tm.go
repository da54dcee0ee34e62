package app

import (
	"time"

	"github.com/stocksync/stocksync/core/timemachine"
	"github.com/stocksync/stocksync/core/wording"
)

// Time Machine texts for what tmutil status and the real destination shapes
// tell (TM's part of issue 11).

const textTMDiskUnreachable = "The backup disk cannot be reached"

// tmDiskAwayText: "not connected" only for a local disk known to be
// unplugged; a network disk that cannot be reached is said so.
func tmDiskAwayText(s timemachine.Status) string {
	if s.DisksNotConnected() {
		return textTMDiskAway
	}
	return textTMDiskUnreachable
}

// tmBackingUpText: "Backing up now: copying, 12% done — latest backup 2
// hours ago".
func tmBackingUpText(now time.Time, s timemachine.Status) string {
	a := s.Activity
	text := "Backing up now"
	if p := a.PhaseText(); p != "" {
		text += ": " + p
	}
	if a.Fraction >= 0 && !a.Stopping {
		text += ", " + wording.Percent(a.Fraction) + " done"
	}
	if s.LatestErr == nil && s.Latest.State == timemachine.BackupFound {
		text += " — latest backup " + ago(now, s.Latest.Time)
	}
	return text
}
