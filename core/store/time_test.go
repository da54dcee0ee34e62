package store

import (
	"context"
	"sort"
	"testing"
	"time"
)

// Regression: times were stored as RFC3339Nano, which drops trailing zeros,
// so text order and time order disagreed within a second.
func TestStoredTimesSortAsText(t *testing.T) {
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	times := []time.Time{base, base.Add(250 * time.Millisecond), base.Add(time.Second), base.Add(1500 * time.Microsecond), base.Add(-time.Nanosecond)}
	var texts []string
	for _, tm := range times {
		texts = append(texts, fmtTime(tm))
	}
	sort.Strings(texts)
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	for i := range times {
		if got := parseTime(texts[i]); !got.Equal(times[i]) {
			t.Errorf("position %d: text order gives %v, time order %v", i, got, times[i])
		}
	}
}

// Two runs within one second: the one recorded last is the last run (runs
// are ordered as recorded since a clock corrected backwards made start times
// lie; see TestBackupRecordedWithClockAhead).
func TestLastBackupRunWithinOneSecond(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	db.RecordBackupRun(ctx, BackupRun{Kind: "snapshot", Path: "/b", StartedAt: base, OK: true})
	db.RecordBackupRun(ctx, BackupRun{Kind: "snapshot", Path: "/a", StartedAt: base.Add(250 * time.Millisecond), OK: true})
	got, err := db.LastBackupRun(ctx, "snapshot", true)
	if err != nil || got.Path != "/a" || !got.StartedAt.Equal(base.Add(250*time.Millisecond)) {
		t.Errorf("last run = %+v, %v; want /a at %v", got, err, base.Add(250*time.Millisecond))
	}
}
