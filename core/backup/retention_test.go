package backup

import (
	"encoding/json"
	"github.com/stocksync/stocksync/core/lockfile"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func snapAt(t time.Time) Info {
	return Info{Name: folderName(t, 1), Created: t}
}

func names(list []Info) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.Created.UTC().Format("01-02T15:04"))
	}
	return out
}

func TestRetention(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) // a Sunday, ISO week 47
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, time.UTC) }
	var halfHourly, daily []Info
	for k := 1; k <= 15; k++ {
		halfHourly = append(halfHourly, snapAt(now.Add(-time.Duration(k)*30*time.Minute)))
	}
	for k := 1; k <= 70; k++ {
		daily = append(daily, snapAt(now.AddDate(0, 0, -k).Add(-3*time.Hour)))
	}
	verified := func(s Info) Info { s.Verified = s.Created.Add(time.Minute); return s }
	broken := Info{Name: "stocksync-20261101T000000Z", Created: day(11, 1), Problem: "manifest damaged"}
	plus10 := time.FixedZone("+10", 10*3600)

	tests := []struct {
		name string
		in   []Info
		p    Policy
		now  time.Time
		keep []string
	}{
		{"newest N of many today", halfHourly, Policy{Last: 3, DailyDays: 7, WeeklyMonths: 2}, now,
			[]string{"11-22T11:30", "11-22T11:00", "11-22T10:30"}},
		{"default keeps ten", halfHourly, DefaultPolicy(0), now,
			names(halfHourly[:10])},
		{"a day for a week, a week for two months", daily, Policy{Last: 2, DailyDays: 7, WeeklyMonths: 2}, now,
			[]string{
				"11-21T09:00", "11-20T09:00", "11-19T09:00", "11-18T09:00", "11-17T09:00", "11-16T09:00", // the week (and the newest 2)
				"11-15T09:00", "11-08T09:00", "11-01T09:00", "10-25T09:00", "10-18T09:00", "10-11T09:00", "10-04T09:00", "09-27T09:00", // Sundays: newest of each ISO week
			}},
		{"never the only verified one", []Info{snapAt(day(11, 21)), verified(snapAt(day(11, 20))), verified(snapAt(day(11, 19)))},
			Policy{Last: 1}, now, []string{"11-21T09:00", "11-20T09:00"}},
		{"a kept verified one is enough", []Info{verified(snapAt(day(11, 21))), snapAt(day(11, 20)), verified(snapAt(day(11, 19)))},
			Policy{Last: 1}, now, []string{"11-21T09:00"}},
		{"unreadable snapshots are never decided on", []Info{snapAt(day(11, 21)), broken, snapAt(day(10, 1))},
			Policy{Last: 1}, now, []string{"11-21T09:00"}},
		{"clock skew: a snapshot from the future counts as newest", []Info{snapAt(now.Add(48 * time.Hour)), snapAt(day(11, 21))},
			Policy{Last: 1}, now, []string{"11-24T12:00"}},
		{"days are the user's days", []Info{
			snapAt(time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC)), // 01:00 on the 22nd in +10
			snapAt(time.Date(2026, 11, 21, 13, 0, 0, 0, time.UTC)), // 23:00 on the 21st in +10
		}, Policy{DailyDays: 1}, time.Date(2026, 11, 22, 10, 0, 0, 0, plus10), []string{"11-21T15:00"}},
		{"nothing", nil, DefaultPolicy(10), now, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shuffled := slices.Clone(tt.in)
			slices.Reverse(shuffled)
			keep, drop := Retention(shuffled, tt.p, tt.now)
			if got := names(keep); !equalStrings(got, tt.keep) {
				t.Errorf("keep\n got %v\nwant %v", got, tt.keep)
			}
			problems := 0
			for _, s := range tt.in {
				if s.Problem != "" {
					problems++
				}
			}
			if len(keep)+len(drop)+problems != len(tt.in) {
				t.Errorf("%d kept + %d dropped + %d unreadable != %d", len(keep), len(drop), problems, len(tt.in))
			}
			for _, d := range drop {
				if d.Problem != "" {
					t.Errorf("dropped unreadable %s", d.Name)
				}
			}
		})
	}
}

func writeFakeSnapshot(t *testing.T, dest string, created time.Time) string {
	t.Helper()
	dir := filepath.Join(dest, folderName(created, 1))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(Manifest{Format: FormatVersion, Kind: KindSnapshot, Created: created})
	if err := os.WriteFile(filepath.Join(dir, ManifestName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPrune(t *testing.T) {
	dest := t.TempDir()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	var dirs []string
	for k := 1; k <= 5; k++ {
		dirs = append(dirs, writeFakeSnapshot(t, dest, now.Add(-time.Duration(k)*time.Hour)))
	}
	broken := filepath.Join(dest, "stocksync-20200101T000000Z")
	os.Mkdir(broken, 0o700)
	stale := filepath.Join(dest, ".stocksync-tmp-snapshot-1")
	fresh := filepath.Join(dest, ".stocksync-tmp-snapshot-2")
	os.Mkdir(stale, 0o700)
	os.Mkdir(fresh, 0o700)
	// A leftover is a temporary folder no live process marks, however
	// recent (no 24 h wait, issue 12 item 12); one being written is kept.
	old := time.Now().Add(-time.Minute)
	os.Chtimes(stale, old, old)
	os.Chtimes(fresh, old, old)
	mark, err := lockfile.Mark(fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer mark.Release()
	foreign := filepath.Join(dest, "My photos")
	os.Mkdir(foreign, 0o700)

	res, err := Prune(dest, Policy{Last: 2}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Kept) != 2 || len(res.Deleted) != 3 {
		t.Errorf("kept %d, deleted %d; want 2, 3", len(res.Kept), len(res.Deleted))
	}
	for i, d := range dirs {
		_, err := os.Stat(d)
		if exists := err == nil; exists != (i < 2) {
			t.Errorf("%s exists: %v, want %v", filepath.Base(d), exists, i < 2)
		}
	}
	for p, want := range map[string]bool{broken: true, stale: false, fresh: true, foreign: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}
