package reminder

import (
	"testing"
	"time"
)

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

func TestThisComputer(t *testing.T) {
	if got := MachineName("darwin"); got != "this Mac" {
		t.Errorf("darwin: %q", got)
	}
	if got := MachineName("linux"); got != "this computer" {
		t.Errorf("linux: %q", got)
	}
}
