package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/timemachine"
	"github.com/stocksync/stocksync/core/wording"
)

// tmDiskJSON is one Time Machine backup disk (tmutil destinationinfo).
type tmDiskJSON struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"` // "Local" or "Network", as tmutil says
	ID         string `json:"id,omitempty"`
	MountPoint string `json:"mount_point,omitempty"` // network disks have none between backups
	URL        string `json:"url,omitempty"`
	Current    bool   `json:"current,omitempty"`       // the disk Time Machine backed up to last
	Unplugged  bool   `json:"not_connected,omitempty"` // a local disk without a mount point
}

// tmActiveJSON is a Time Machine backup in progress (tmutil status).
type tmActiveJSON struct {
	Phase                string   `json:"phase"`             // BackupPhase as tmutil prints it, e.g. "Copying"
	PhaseText            string   `json:"phase_text"`        // the same in words, e.g. "copying"
	Percent              *float64 `json:"percent,omitempty"` // 0–100; absent while tmutil does not know
	TimeRemainingSeconds int64    `json:"time_remaining_seconds,omitempty"`
	BytesCopied          int64    `json:"bytes_copied,omitempty"`
	TotalBytes           int64    `json:"total_bytes,omitempty"`
	FilesCopied          int64    `json:"files_copied,omitempty"`
	TotalFiles           int64    `json:"total_files,omitempty"`
	DestinationID        string   `json:"destination_id,omitempty"`
	Stopping             bool     `json:"stopping,omitempty"`
}

// timeMachineJSON turns what tmutil said into the status shape and the one
// line to show. It never says both "no backup disk" and "not connected":
// timemachine.Status reconciles the two answers, and network disks without a
// mount point count as normal.
func timeMachineJSON(st timemachine.Status, now time.Time) tmStatusJSON {
	tm := tmStatusJSON{Available: st.Available, IncludesFolder: st.IncludesFolder(), HasDestination: st.HasDestination(),
		ExcludedBy: st.Exclusion.ExcludedBy()}
	if !st.Available {
		tm.State = "not available on this system"
		return tm
	}
	for _, d := range st.Destinations {
		tm.BackupDisks = append(tm.BackupDisks, tmDiskJSON{Name: d.Name, Kind: d.Kind, ID: d.ID, MountPoint: d.MountPoint,
			URL: d.URL, Current: d.Current, Unplugged: d.NotConnected()})
	}
	if st.LatestErr == nil {
		tm.LatestState = st.Latest.State.String()
		if st.Latest.State == timemachine.BackupFound {
			tm.LatestBackup = st.Latest.Time
		}
	}
	if st.BackingUp() {
		tm.BackingUp = activeJSON(st.Activity)
	}
	for _, p := range []struct {
		what string
		err  error
	}{{"check whether it skips the data folder", st.ExclusionErr}, {"list the backup disks", st.DestinationsErr},
		{"read the latest backup", st.LatestErr}, {"read whether a backup is running", st.ActivityErr}} {
		if p.err != nil {
			tm.Problems = append(tm.Problems, "could not "+p.what+": "+p.err.Error())
		}
	}
	tm.State = tmStateLine(st, now)
	return tm
}

func activeJSON(a timemachine.Activity) *tmActiveJSON {
	j := &tmActiveJSON{Phase: a.Phase, PhaseText: a.PhaseText(), TimeRemainingSeconds: int64(a.TimeRemaining / time.Second),
		BytesCopied: a.BytesCopied, TotalBytes: a.TotalBytes, FilesCopied: a.FilesCopied, TotalFiles: a.TotalFiles,
		DestinationID: a.DestinationID, Stopping: a.Stopping}
	if a.Fraction >= 0 {
		p := math.Round(a.Fraction*1000) / 10
		j.Percent = &p
	}
	return j
}

// tmStateLine is the one line `backup status` shows for Time Machine.
func tmStateLine(st timemachine.Status, now time.Time) string {
	switch {
	case st.ExclusionErr != nil:
		return "could not check whether it backs up the data folder: " + st.ExclusionErr.Error()
	case st.Exclusion.ExcludedBy() != "":
		return "skips the data folder (excluded: " + st.Exclusion.ExcludedBy() + ")"
	case st.BackingUp():
		line := "backing up now (" + activityText(st.Activity) + ")"
		if st.LatestErr == nil && st.Latest.State == timemachine.BackupFound {
			line += "; latest backup " + wording.Ago(now, st.Latest.Time)
		}
		return line
	case st.NoDestination():
		return "no backup disk is set up — choose one in System Settings → General → Time Machine"
	case st.LatestErr != nil:
		return "could not read the latest backup: " + st.LatestErr.Error()
	}
	switch st.Latest.State {
	case timemachine.BackupFound:
		line := "latest backup " + wording.Ago(now, st.Latest.Time)
		if st.IncludesFolder() {
			line = "backs up the data folder; " + line
		}
		if st.DisksNotConnected() {
			line += "; " + disksAway(st)
		}
		return line
	case timemachine.BackupNeedsFullDiskAccess:
		return "latest backup unknown: tmutil needs Full Disk Access for Terminal (System Settings → Privacy & Security → Full Disk Access)"
	case timemachine.BackupDestinationUnavailable:
		return disksAway(st)
	case timemachine.BackupNoDestination:
		return "no backup disk is set up — choose one in System Settings → General → Time Machine"
	}
	if st.DestinationsErr != nil {
		return "could not list the backup disks: " + st.DestinationsErr.Error()
	}
	if st.DisksNotConnected() {
		return "no Time Machine backup yet; " + disksAway(st)
	}
	return "no Time Machine backup yet"
}

// disksAway says the backup disk cannot be reached, naming it: "not
// connected" for a local disk known to be unplugged, "cannot be reached"
// otherwise (a NAS is not mounted between backups).
func disksAway(st timemachine.Status) string {
	var names []string
	for _, d := range st.Destinations {
		names = append(names, d.Name)
	}
	which := "the backup disk"
	if len(names) > 0 {
		which += " (" + strings.Join(names, ", ") + ")"
	}
	if st.DisksNotConnected() {
		return which + " is not connected"
	}
	return which + " cannot be reached"
}

// activityText is "copying, 12% done, about 35 minutes left".
func activityText(a timemachine.Activity) string {
	parts := []string{a.PhaseText()}
	if parts[0] == "" {
		parts[0] = "starting"
	}
	if a.Fraction >= 0 && !a.Stopping {
		parts = append(parts, wording.Percent(a.Fraction)+" done")
	}
	if a.TimeRemaining > 0 && !a.Stopping {
		parts = append(parts, "about "+wording.Duration(a.TimeRemaining)+" left")
	}
	return strings.Join(parts, ", ")
}

// printTimeMachine prints the Time Machine lines of `backup status`. Names
// and messages come from tmutil and pass through termSafe.
func printTimeMachine(w io.Writer, tm tmStatusJSON) {
	fmt.Fprintf(w, "Time Machine:      %s\n", termSafe(tm.State))
	if len(tm.BackupDisks) == 0 {
		return
	}
	var disks []string
	for _, d := range tm.BackupDisks {
		var notes []string
		if strings.EqualFold(d.Kind, "Network") {
			notes = append(notes, "network")
		}
		if d.Unplugged {
			notes = append(notes, "not connected")
		}
		if d.Current && len(tm.BackupDisks) > 1 {
			notes = append(notes, "last used")
		}
		s := termSafe(d.Name)
		if len(notes) > 0 {
			s += " (" + strings.Join(notes, ", ") + ")"
		}
		disks = append(disks, s)
	}
	label := "Time Machine disk: "
	if len(disks) > 1 {
		label = "Time Machine disks: "
	}
	fmt.Fprintf(w, "%s%s\n", label, strings.Join(disks, ", "))
}
