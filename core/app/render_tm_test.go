package app

import (
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/timemachine"
)

// TestRenderTimeMachineRealShapes: the panel never says both "no backup disk"
// and "not connected", a NAS between backups is not "not connected", and a
// running backup shows.
func TestRenderTimeMachineRealShapes(t *testing.T) {
	now := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	included := timemachine.Exclusion{Checked: []timemachine.PathResult{{Path: "/d", State: timemachine.StateIncluded}}}
	nas := timemachine.Destination{Name: "TimeMachine", Kind: "Network", ID: "N"}
	usb := timemachine.Destination{Name: "Backup Anna", Kind: "Local", ID: "L"}
	found := timemachine.LatestBackup{State: timemachine.BackupFound, Time: now.Add(-2 * time.Hour)}
	tests := []struct {
		name         string
		st           timemachine.Status
		disk, latest string
	}{
		{name: "NAS between backups",
			st:   timemachine.Status{Available: true, Exclusion: included, Destinations: []timemachine.Destination{nas}, Latest: found},
			disk: "Backup disk: TimeMachine", latest: "Latest backup: "},
		{name: "USB disk unplugged",
			st: timemachine.Status{Available: true, Exclusion: included, Destinations: []timemachine.Destination{usb},
				Latest: timemachine.LatestBackup{State: timemachine.BackupDestinationUnavailable}},
			disk: "Backup disk: Backup Anna (not connected)", latest: textTMDiskAway},
		{name: "NAS not reachable",
			st: timemachine.Status{Available: true, Exclusion: included, Destinations: []timemachine.Destination{nas},
				Latest: timemachine.LatestBackup{State: timemachine.BackupDestinationUnavailable}},
			disk: "Backup disk: TimeMachine", latest: textTMDiskUnreachable},
		{name: "no disk (code 17)",
			st: timemachine.Status{Available: true, Exclusion: included, Destinations: []timemachine.Destination{},
				Latest: timemachine.LatestBackup{State: timemachine.BackupNoDestination}},
			disk: textTMNoDisk, latest: textTMNoBackup},
		{name: "backing up",
			st: timemachine.Status{Available: true, Exclusion: included, Destinations: []timemachine.Destination{nas}, Latest: found,
				Activity: timemachine.Activity{Running: true, Phase: "Copying", Fraction: 0.4}},
			disk: "Backup disk: TimeMachine", latest: "Backing up now: copying, 40% done — latest backup 2 hours ago"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := renderTM(facts{tmKnown: true, tm: tt.st, dataDir: "/d"}, now)
			if p.DestinationText != tt.disk || !strings.HasPrefix(p.LatestText, tt.latest) {
				t.Errorf("disk %q, latest %q; want %q, %q…", p.DestinationText, p.LatestText, tt.disk, tt.latest)
			}
			if strings.Contains(p.DestinationText, "No backup disk") && strings.Contains(p.DestinationText+p.LatestText, "not connected") {
				t.Errorf("says both: %q / %q", p.DestinationText, p.LatestText)
			}
		})
	}
}
