package reminder

import (
	"reflect"
	"testing"
	"time"
)

var (
	now  = time.Date(2026, 8, 10, 10, 0, 0, 0, time.UTC)
	day  = 24 * time.Hour
	week = 7 * day
)

func TestDecide(t *testing.T) {
	risk := AtRisk{PendingUploads: 37, LocalEdits: 5}
	body := "37 pending uploads and 5 edits exist only on " + ThisComputer + ". Last backup: "
	// base: Time Machine is fine, nothing warned, something at risk.
	base := func() Input {
		return Input{Now: now, AtRisk: risk, TMAvailable: true, TMHasDestination: true, TMIncludesFolder: true}
	}
	tests := []struct {
		name     string
		in       func(in *Input)
		remind   bool
		body     string
		last     time.Time
		next     time.Time
		wantWarn WarningKind
	}{
		{name: "never backed up, weekly default", in: func(in *Input) {},
			remind: true, body: body + "never.", next: now.Add(week)},
		{name: "app backup 9 days ago", in: func(in *Input) { in.LastAppBackup = now.Add(-9 * day) },
			remind: true, body: body + "9 days ago.", last: now.Add(-9 * day), next: now.Add(week)},
		{name: "app backup 3 days ago: not yet due", in: func(in *Input) { in.LastAppBackup = now.Add(-3 * day) },
			last: now.Add(-3 * day), next: now.Add(4 * day)},
		{name: "exactly one period ago is due", in: func(in *Input) { in.LastAppBackup = now.Add(-week) },
			remind: true, body: body + "7 days ago.", last: now.Add(-week), next: now.Add(week)},
		{name: "Time Machine backup that includes the folder counts",
			in: func(in *Input) {
				in.LastAppBackup = now.Add(-20 * day)
				in.LastTimeMachineBackup = now.Add(-2 * time.Hour)
			},
			last: now.Add(-2 * time.Hour), next: now.Add(week - 2*time.Hour)},
		{name: "Time Machine backup that skips the folder does not count",
			in: func(in *Input) {
				in.LastAppBackup = now.Add(-20 * day)
				in.LastTimeMachineBackup = now.Add(-2 * time.Hour)
				in.TMIncludesFolder = false
				in.TMExcluded = true
			},
			remind: true, body: body + "20 days ago.", last: now.Add(-20 * day), next: now.Add(week)},
		{name: "nothing at risk", in: func(in *Input) { in.AtRisk = AtRisk{} }, next: now.Add(week)},
		{name: "negative counts are nothing", in: func(in *Input) { in.AtRisk = AtRisk{PendingUploads: -1} }, next: now.Add(week)},
		{name: "one edit, backed up yesterday, daily",
			in: func(in *Input) {
				in.Schedule = Daily
				in.AtRisk = AtRisk{LocalEdits: 1}
				in.LastAppBackup = now.Add(-25 * time.Hour)
			},
			remind: true, body: "1 edit exists only on " + ThisComputer + ". Last backup: yesterday.", last: now.Add(-25 * time.Hour), next: now.Add(day)},
		{name: "schedule off", in: func(in *Input) { in.Schedule = Off }},
		{name: "snoozed", in: func(in *Input) { in.SnoozedUntil = now.Add(3 * time.Hour) }, next: now.Add(3 * time.Hour)},
		{name: "snooze over", in: func(in *Input) { in.SnoozedUntil = now },
			remind: true, body: body + "never.", next: now.Add(week)},
		{name: "reminded 2 days ago: once per week", in: func(in *Input) { in.LastReminded = now.Add(-2 * day) },
			next: now.Add(5 * day)},
		{name: "reminded a week ago: again", in: func(in *Input) { in.LastReminded = now.Add(-week) },
			remind: true, body: body + "never.", next: now.Add(week)},
		{name: "daily, reminded 23 hours ago", in: func(in *Input) { in.Schedule = Daily; in.LastReminded = now.Add(-23 * time.Hour) },
			next: now.Add(time.Hour)},
		{name: "latest constraint wins for next check",
			in: func(in *Input) {
				in.LastAppBackup = now.Add(-1 * day)
				in.LastReminded = now.Add(-2 * day)
				in.SnoozedUntil = now.Add(day)
			},
			last: now.Add(-1 * day), next: now.Add(6 * day)},
		{name: "thousands", in: func(in *Input) {
			in.AtRisk = AtRisk{PendingUploads: 1234, LocalPaths: 1}
			in.LastAppBackup = now.Add(-100 * day)
		}, remind: true, body: "1,234 pending uploads and 1 local file path exist only on " + ThisComputer + ". Last backup: 3 months ago.",
			last: now.Add(-100 * day), next: now.Add(week)},

		// The one-time Time Machine warning.
		{name: "folder excluded, no other backup: warn",
			in:       func(in *Input) { in.TMIncludesFolder, in.TMExcluded = false, true; in.LastReminded = now },
			next:     now.Add(week),
			wantWarn: WarnFolderExcluded},
		{name: "folder excluded, already warned",
			in: func(in *Input) {
				in.TMIncludesFolder, in.TMExcluded, in.WarnedTM = false, true, true
				in.LastReminded = now
			},
			next: now.Add(week)},
		{name: "folder excluded but an app backup exists",
			in: func(in *Input) {
				in.TMIncludesFolder, in.TMExcluded = false, true
				in.LastAppBackup = now.Add(-day)
			},
			last: now.Add(-day), next: now.Add(6 * day)},
		{name: "no destination, no other backup: warn even when off and nothing at risk",
			in: func(in *Input) {
				in.TMHasDestination, in.TMIncludesFolder = false, false
				in.Schedule, in.AtRisk = Off, AtRisk{}
			},
			wantWarn: WarnNoDestination},
		{name: "excluded and no destination: the exclusion is the warning",
			in: func(in *Input) {
				in.TMHasDestination, in.TMIncludesFolder, in.TMExcluded = false, false, true
				in.Schedule = Off
			},
			wantWarn: WarnFolderExcluded},
		{name: "Time Machine not available: no warning",
			in: func(in *Input) {
				in.TMAvailable, in.TMHasDestination, in.TMIncludesFolder = false, false, false
				in.Schedule = Off
			}},
		{name: "exclusion unknown: no warning",
			in: func(in *Input) { in.TMIncludesFolder = false; in.Schedule = Off }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.in(&in)
			got := Decide(in)
			want := Decision{Remind: tt.remind, Body: tt.body, LastBackup: tt.last, NextCheck: tt.next}
			if tt.remind {
				want.Title = "Back up your Stocksync work"
			}
			if tt.wantWarn != 0 {
				want.Warning = wantWarning(tt.wantWarn)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
				if got.Warning != nil {
					t.Errorf("warning %+v", *got.Warning)
				}
			}
		})
	}
}

func wantWarning(k WarningKind) *Warning {
	switch k {
	case WarnFolderExcluded:
		return &Warning{Kind: k, Title: "Your Stocksync data is not backed up",
			Body: "Time Machine skips the Stocksync data folder and no other backup of it exists. Include the folder in Time Machine, or make a backup from Stocksync."}
	case WarnNoDestination:
		return &Warning{Kind: k, Title: "Your Stocksync data is not backed up",
			Body: "Time Machine has no backup disk and no other backup of the Stocksync data exists. Choose a backup disk in System Settings → General → Time Machine, or make a backup from Stocksync."}
	}
	return nil
}

// Following NextCheck and recording reminders as shown never reminds twice
// in one period.
func TestNoMoreThanOncePerPeriod(t *testing.T) {
	for _, s := range []Schedule{Daily, Weekly} {
		in := Input{Now: now, Schedule: s, AtRisk: AtRisk{LocalEdits: 3}}
		var reminders []time.Time
		end := now.Add(5 * s.Period())
		for in.Now.Before(end) {
			d := Decide(in)
			if d.Remind {
				reminders = append(reminders, in.Now)
				in.LastReminded = in.Now
			}
			in.Now = in.Now.Add(time.Hour)
		}
		if len(reminders) != 5 {
			t.Errorf("%v: %d reminders in 5 periods, want 5", s, len(reminders))
		}
		for i := 1; i < len(reminders); i++ {
			if gap := reminders[i].Sub(reminders[i-1]); gap < s.Period() {
				t.Errorf("%v: reminders %v apart", s, gap)
			}
		}
	}
}

// A last backup dated after now (taken while the clock was ahead) is of
// unknown age: with work at risk, the reminder is due.
func TestLastBackupDatedAheadIsOverdue(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	d := Decide(Input{Now: now, Schedule: Weekly, LastAppBackup: now.AddDate(1, 0, 0), AtRisk: AtRisk{PendingUploads: 1}})
	if !d.Remind {
		t.Errorf("no reminder with the last backup dated a year ahead: %+v", d)
	}
}
