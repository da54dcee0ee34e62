package reminder

import (
	"time"

	"github.com/stocksync/stocksync/core/wording"
)

// ThisComputer is how text names the machine Stocksync runs on: "this Mac",
// as the menu-bar app says; the CLI, which also runs on Linux, sets it to
// MachineName(runtime.GOOS) when it starts.
var ThisComputer = "this Mac"

// MachineName is "this Mac" on macOS (goos "darwin") and "this computer"
// elsewhere.
func MachineName(goos string) string {
	if goos == "darwin" {
		return "this Mac"
	}
	return "this computer"
}

// AtRisk counts what exists only on this computer since the last verified backup.
type AtRisk struct {
	PendingUploads int // files added but not yet uploaded, with their metadata
	LocalEdits     int // metadata edits not yet sent to ESP
	LocalPaths     int // local file paths recorded or changed
}

// Total is the number of items at risk; negative counts are treated as 0.
func (a AtRisk) Total() int {
	return max(a.PendingUploads, 0) + max(a.LocalEdits, 0) + max(a.LocalPaths, 0)
}

// Describe says what is at risk: "37 pending uploads and 5 edits exist only
// on this Mac." ("this computer" off macOS: ThisComputer). It is "" when
// nothing is.
func (a AtRisk) Describe() string {
	var items []string
	if a.PendingUploads > 0 {
		items = append(items, wording.Plural(a.PendingUploads, "pending upload", "pending uploads"))
	}
	if a.LocalEdits > 0 {
		items = append(items, wording.Plural(a.LocalEdits, "edit", "edits"))
	}
	if a.LocalPaths > 0 {
		items = append(items, wording.Plural(a.LocalPaths, "local file path", "local file paths"))
	}
	if len(items) == 0 {
		return ""
	}
	verb := "exist"
	if len(items) == 1 && a.Total() == 1 {
		verb = "exists"
	}
	return wording.List(items) + " " + verb + " only on " + ThisComputer + "."
}

// Input is everything the policy looks at.
type Input struct {
	Now      time.Time
	Schedule Schedule

	// LastAppBackup is the last snapshot Stocksync wrote to a backup
	// destination; zero means never.
	LastAppBackup time.Time
	// LastTimeMachineBackup counts only when TMIncludesFolder; zero means never.
	LastTimeMachineBackup time.Time
	// TMAvailable: Time Machine could be asked (false off macOS or on error).
	TMAvailable bool
	// TMIncludesFolder: the data folder is known to be in Time Machine backups.
	TMIncludesFolder bool
	// TMExcluded: the data folder, or a folder above it, is known to be
	// excluded. Not the same as !TMIncludesFolder, which may mean "unknown".
	TMExcluded bool
	// TMHasDestination: Time Machine has at least one backup disk.
	TMHasDestination bool

	AtRisk AtRisk

	SnoozedUntil time.Time // no reminder before this
	LastReminded time.Time // when the last reminder was shown; zero means never
	WarnedTM     bool      // the one-time Time Machine warning was already shown
}

// WarningKind tells which one-time warning is raised.
type WarningKind int

const (
	// WarnFolderExcluded: Time Machine skips the data folder.
	WarnFolderExcluded WarningKind = iota + 1
	// WarnNoDestination: Time Machine has no backup disk.
	WarnNoDestination
)

// Warning is the one-time Time Machine warning. Show it, then pass
// WarnedTM: true from then on.
type Warning struct {
	Kind        WarningKind
	Title, Body string
}

// Decision is what to do now.
type Decision struct {
	Remind      bool
	Title, Body string
	// LastBackup is the last verified backup the decision used; zero means never.
	LastBackup time.Time
	// Warning is non-nil when the one-time Time Machine warning is due.
	Warning *Warning
	// NextCheck is when to decide again if nothing changes; zero when the
	// schedule is off. Callers also decide again whenever the input changes.
	NextCheck time.Time
}

// Title of every backup reminder.
const Title = "Back up your Stocksync work"

// Decide applies the reminder policy to in.
func Decide(in Input) Decision {
	last := in.LastAppBackup
	if in.TMIncludesFolder && in.LastTimeMachineBackup.After(last) {
		last = in.LastTimeMachineBackup
	}
	d := Decision{LastBackup: last, Warning: warning(in)}
	period := in.Schedule.Period()
	if period == 0 {
		return d
	}
	// A last backup dated after now was taken while this computer's clock was
	// ahead: its age is unknown, so it is treated as overdue.
	overdue := last.IsZero() || last.After(in.Now) || !in.Now.Before(last.Add(period))
	quiet := !in.LastReminded.IsZero() && in.Now.Before(in.LastReminded.Add(period))
	snoozed := in.Now.Before(in.SnoozedUntil)
	lastReminded := in.LastReminded
	if in.AtRisk.Total() > 0 && overdue && !quiet && !snoozed {
		d.Remind = true
		d.Title = Title
		d.Body = in.AtRisk.Describe() + " Last backup: " + wording.Ago(in.Now, last) + "."
		lastReminded = in.Now
	}
	d.NextCheck = nextCheck(in.Now, period, in.SnoozedUntil, last, lastReminded)
	return d
}

// nextCheck is the earliest time every time condition for a reminder holds
// again, or one period from now when they all hold already.
func nextCheck(now time.Time, period time.Duration, snoozedUntil, last, lastReminded time.Time) time.Time {
	next := snoozedUntil
	if !last.IsZero() && last.Add(period).After(next) {
		next = last.Add(period)
	}
	if !lastReminded.IsZero() && lastReminded.Add(period).After(next) {
		next = lastReminded.Add(period)
	}
	if !next.After(now) {
		next = now.Add(period)
	}
	return next
}

func warning(in Input) *Warning {
	if in.WarnedTM || !in.LastAppBackup.IsZero() {
		return nil
	}
	switch {
	case in.TMExcluded:
		return &Warning{
			Kind:  WarnFolderExcluded,
			Title: "Your Stocksync data is not backed up",
			Body:  "Time Machine skips the Stocksync data folder and no other backup of it exists. Include the folder in Time Machine, or make a backup from Stocksync.",
		}
	case in.TMAvailable && !in.TMHasDestination:
		return &Warning{
			Kind:  WarnNoDestination,
			Title: "Your Stocksync data is not backed up",
			Body:  "Time Machine has no backup disk and no other backup of the Stocksync data exists. Choose a backup disk in System Settings → General → Time Machine, or make a backup from Stocksync.",
		}
	}
	return nil
}
