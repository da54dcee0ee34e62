package wording

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

func TestAgoShort(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now, "just now"},
		{now.Add(-30 * time.Second), "just now"},
		{now.Add(-59 * time.Second), "just now"},
		{now.Add(time.Hour), "just now"}, // clock skew
		{now.Add(-time.Minute), "1 minute ago"},
		{now.Add(-5 * time.Minute), "5 minutes ago"},
		{now.Add(-59 * time.Minute), "59 minutes ago"},
		{now.Add(-61 * time.Minute), "1 hour ago"},
		{now.Add(-3 * time.Hour), "3 hours ago"},
		{now.Add(-23 * time.Hour), "23 hours ago"},
		{now.Add(-25 * time.Hour), "yesterday"},
		{now.Add(-9 * 24 * time.Hour), "9 days ago"},
	}
	for _, tt := range tests {
		if got := AgoShort(now, tt.t); got != tt.want {
			t.Errorf("AgoShort(%v) = %q, want %q", now.Sub(tt.t), got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "a minute", 29 * time.Second: "a minute", 30 * time.Second: "1 minute", 89 * time.Second: "1 minute",
		90 * time.Second: "2 minutes", 35 * time.Minute: "35 minutes", 89 * time.Minute: "89 minutes",
		89*time.Minute + 31*time.Second: "2 hours", // once "1 hours" (hours rounded apart from minutes)
		90 * time.Minute:                "2 hours", 149 * time.Minute: "2 hours", 150 * time.Minute: "3 hours", 26 * time.Hour: "26 hours",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
