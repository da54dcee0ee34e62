package reminder

import (
	"testing"
	"time"
)

func TestAgo(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		berlin = time.FixedZone("CET", 3600)
	}
	now := time.Date(2026, 3, 30, 9, 0, 0, 0, berlin) // the day after the spring DST change
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now, "today"},
		{time.Date(2026, 3, 30, 0, 0, 1, 0, berlin), "today"},
		{now.Add(3 * time.Hour), "today"}, // clock skew
		{time.Date(2026, 3, 29, 23, 59, 0, 0, berlin), "yesterday"},
		{time.Date(2026, 3, 29, 0, 30, 0, 0, berlin), "yesterday"},
		{time.Date(2026, 3, 28, 23, 0, 0, 0, berlin), "2 days ago"},
		{time.Date(2026, 3, 21, 12, 0, 0, 0, berlin), "9 days ago"},
		{time.Date(2026, 1, 30, 12, 0, 0, 0, berlin), "59 days ago"},
		{time.Date(2026, 1, 29, 12, 0, 0, 0, berlin), "2 months ago"},
		{time.Date(2025, 3, 31, 12, 0, 0, 0, berlin), "11 months ago"},
		{time.Date(2025, 3, 30, 12, 0, 0, 0, berlin), "over a year ago"},
		{time.Date(2023, 1, 1, 12, 0, 0, 0, berlin), "over 3 years ago"},
		// 23:30 UTC on the 29th is already the 30th in Berlin.
		{time.Date(2026, 3, 29, 23, 30, 0, 0, time.UTC), "today"},
	}
	for _, tt := range tests {
		if got := Ago(now, tt.t); got != tt.want {
			t.Errorf("Ago(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestCount(t *testing.T) {
	tests := map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234: "1,234", 12345: "12,345",
		123456: "123,456", 1234567: "1,234,567", -1234: "-1,234", -12: "-12"}
	for n, want := range tests {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		a    AtRisk
		want string
	}{
		{AtRisk{}, ""},
		{AtRisk{PendingUploads: -3}, ""},
		{AtRisk{PendingUploads: 1}, "1 pending upload exists only on " + ThisComputer + "."},
		{AtRisk{LocalEdits: 1}, "1 edit exists only on " + ThisComputer + "."},
		{AtRisk{LocalPaths: 1}, "1 local file path exists only on " + ThisComputer + "."},
		{AtRisk{LocalEdits: 2}, "2 edits exist only on " + ThisComputer + "."},
		{AtRisk{PendingUploads: 37, LocalEdits: 5}, "37 pending uploads and 5 edits exist only on " + ThisComputer + "."},
		{AtRisk{PendingUploads: 1, LocalEdits: 1}, "1 pending upload and 1 edit exist only on " + ThisComputer + "."},
		{AtRisk{PendingUploads: 1234, LocalEdits: 1, LocalPaths: 56789},
			"1,234 pending uploads, 1 edit and 56,789 local file paths exist only on " + ThisComputer + "."},
		{AtRisk{LocalEdits: 3, LocalPaths: 1}, "3 edits and 1 local file path exist only on " + ThisComputer + "."},
	}
	for _, tt := range tests {
		if got := tt.a.Describe(); got != tt.want {
			t.Errorf("%+v.Describe() = %q, want %q", tt.a, got, tt.want)
		}
	}
}

func TestSchedule(t *testing.T) {
	tests := []struct {
		in      string
		want    Schedule
		wantErr bool
	}{
		{"", Weekly, false}, {"weekly", Weekly, false}, {" Daily ", Daily, false}, {"OFF", Off, false},
		{"hourly", Weekly, true},
	}
	for _, tt := range tests {
		got, err := ParseSchedule(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseSchedule(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	var zero Schedule
	if zero != Weekly {
		t.Error("the zero Schedule must be the default, weekly")
	}
	for _, s := range []Schedule{Weekly, Daily, Off} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Schedule
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip of %v = %v, %v", s, back, err)
		}
	}
	if _, err := Schedule(9).MarshalText(); err == nil {
		t.Error("marshalled an invalid schedule")
	}
	if got := Schedule(9).String(); got != "Schedule(9)" {
		t.Errorf("String = %q", got)
	}
	if err := new(Schedule).UnmarshalText([]byte("sometimes")); err == nil {
		t.Error("want error")
	}
	if Weekly.Period() != 7*24*time.Hour || Daily.Period() != 24*time.Hour || Off.Period() != 0 {
		t.Error("wrong periods")
	}
}

func TestAgoShort(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now.Add(-30 * time.Second), "just now"},
		{now.Add(-time.Minute), "1 minute ago"},
		{now.Add(-59 * time.Minute), "59 minutes ago"},
		{now.Add(-3 * time.Hour), "3 hours ago"},
		{now.Add(-25 * time.Hour), "yesterday"},
		{now.Add(-9 * 24 * time.Hour), "9 days ago"},
	}
	for _, tt := range tests {
		if got := AgoShort(now, tt.t); got != tt.want {
			t.Errorf("AgoShort(%v) = %q, want %q", now.Sub(tt.t), got, tt.want)
		}
	}
}

func TestThisComputer(t *testing.T) {
	if got := MachineName("darwin"); got != "this Mac" {
		t.Errorf("darwin: %q", got)
	}
	if got := MachineName("linux"); got != "this computer" {
		t.Errorf("linux: %q", got)
	}
}
