package app

import (
	"context"
	"fmt"
	"github.com/stocksync/stocksync/core/wording"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
)

// panelLines is what the Backups panel and the menu's warning show.
func panelLines(s State) []string {
	p := s.Backups
	lines := []string{
		"warning: " + s.Menu.WarningLine,
		"at risk: " + p.AtRiskSummary + " | " + strings.Join(p.AtRisk, "; ") + " | " + p.ChangedSinceBackup,
		fmt.Sprintf("tm: %s | include=%t | %s | %s", p.TimeMachine.StatusText, p.TimeMachine.ShowInclude, p.TimeMachine.DestinationText, p.TimeMachine.LatestText),
		fmt.Sprintf("app: %s | %s | %s | backup=%t verify=%t", p.App.DestinationText, p.App.LastSnapshotText, p.App.LastVerifyText, p.App.CanBackUp, p.App.CanVerify),
		"schedule: " + p.ScheduleText,
	}
	for _, m := range p.Methods {
		lines = append(lines, fmt.Sprintf("method %s: %t: %s", m.Name, m.InPlace, m.Detail))
	}
	return lines
}

var (
	tmIncluded = map[string]string{
		"isexcluded":      "isexcluded_X_included.plist",
		"destinationinfo": "destinationinfo_one_local.txt",
		"latestbackup":    "latestbackup_apfs.txt", // 2026-08-01 00:51:34
	}
	tmNoBackupYet = map[string]string{
		"isexcluded":      "isexcluded_X_included.plist",
		"destinationinfo": "destinationinfo_one_local.txt",
		"latestbackup":    "literal:",
	}
	tmExcluded = map[string]string{
		"isexcluded":      "isexcluded_X_excluded.plist",
		"destinationinfo": "destinationinfo_one_local.txt",
		"latestbackup":    "latestbackup_apfs.txt",
		"removeexclusion": "literal:",
	}
	tmOff = map[string]string{
		"isexcluded":      "isexcluded_X_included.plist",
		"destinationinfo": "destinationinfo_none.txt",
		"latestbackup":    "stderr:literal:tmutil: No destinations configured.",
	}
)

const (
	hintCloud  = "Choose a folder in iCloud Drive, Dropbox or Google Drive for app backups"
	hintDrive  = "Choose a folder on an external drive for app backups"
	hintManual = "Copying the folder by hand while Stocksync runs can give a damaged copy: Back Up Now writes a safe one"
	reminderBy = "backup-reminder: Back up your Stocksync work — "
	actions    = " [Back Up Now] [Open Backups]"
)

func TestBackupsPanel(t *testing.T) {
	type history struct {
		pending   int
		pendingAt time.Duration // before t0
		dest      string        // relative to home
		snapshot  time.Duration // before t0; 0 = none
		verify    time.Duration
	}
	for _, tc := range []struct {
		name  string
		tm    map[string]string
		h     history
		want  func(home, dataDir string) []string
		notes []string
	}{{
		name: "no backup ever",
		tm:   tmNoBackupYet,
		h:    history{pending: 3, pendingAt: time.Hour},
		want: func(home, dataDir string) []string {
			return []string{
				"warning: No backup yet — 3 changes exist only on this Mac",
				"at risk: These exist only on this Mac: ESP cannot give them back. | 3 pending uploads | 3 changes are in no backup yet.",
				"tm: Included in Time Machine backups | include=false | Backup disk: Backup Anna | No Time Machine backup yet",
				"app: No folder chosen | No backup yet | Not verified yet | backup=false verify=false",
				"schedule: Remind me weekly when work is not backed up",
				"method Time Machine: true: Backs up the data folder automatically",
				"method Cloud folder: false: " + hintCloud,
				"method External drive: false: " + hintDrive,
				"method Manual copy: false: " + hintManual,
			}
		},
		notes: []string{reminderBy + "3 pending uploads exist only on this Mac. Last backup: never." + actions},
	}, {
		name: "Time Machine excluded",
		tm:   tmExcluded,
		want: func(home, dataDir string) []string {
			return []string{
				"warning: The data folder is not in Time Machine backups",
				"at risk: Nothing exists only on this Mac yet. |  | ",
				"tm: Excluded from Time Machine backups | include=true | Backup disk: Backup Anna | Latest backup: 3 days ago",
				"app: No folder chosen | No backup yet | Not verified yet | backup=false verify=false",
				"schedule: Remind me weekly when work is not backed up",
				"method Time Machine: false: Excluded from Time Machine backups",
				"method Cloud folder: false: " + hintCloud,
				"method External drive: false: " + hintDrive,
				"method Manual copy: false: " + hintManual,
			}
		},
		notes: []string{"time-machine-warning: Your Stocksync data is not backed up — Time Machine skips the Stocksync data folder and no other backup of it exists. Include the folder in Time Machine, or make a backup from Stocksync. [Open Backups]"},
	}, {
		name: "Time Machine off",
		tm:   tmOff,
		h:    history{pending: 3, pendingAt: time.Hour},
		want: func(home, dataDir string) []string {
			return []string{
				"warning: No backup yet — 3 changes exist only on this Mac",
				"at risk: These exist only on this Mac: ESP cannot give them back. | 3 pending uploads | 3 changes are in no backup yet.",
				"tm: Included in Time Machine backups | include=false | " + textTMNoDisk + " | No Time Machine backup yet",
				"app: No folder chosen | No backup yet | Not verified yet | backup=false verify=false",
				"schedule: Remind me weekly when work is not backed up",
				"method Time Machine: false: " + textTMNoDisk,
				"method Cloud folder: false: " + hintCloud,
				"method External drive: false: " + hintDrive,
				"method Manual copy: false: " + hintManual,
			}
		},
		notes: []string{
			reminderBy + "3 pending uploads exist only on this Mac. Last backup: never." + actions,
			"time-machine-warning: Your Stocksync data is not backed up — Time Machine has no backup disk and no other backup of the Stocksync data exists. Choose a backup disk in System Settings → General → Time Machine, or make a backup from Stocksync. [Open Backups]",
		},
	}, {
		name: "Time Machine not available",
		h:    history{pending: 1, pendingAt: time.Hour},
		want: func(home, dataDir string) []string {
			return []string{
				"warning: No backup yet — 1 change exists only on this Mac",
				"at risk: These exist only on this Mac: ESP cannot give them back. | 1 pending upload | 1 change is in no backup yet.",
				"tm: Time Machine is not available on this system | include=false |  | ",
				"app: No folder chosen | No backup yet | Not verified yet | backup=false verify=false",
				"schedule: Remind me weekly when work is not backed up",
				"method Time Machine: false: Time Machine is not available on this system",
				"method Cloud folder: false: " + hintCloud,
				"method External drive: false: " + hintDrive,
				"method Manual copy: false: " + hintManual,
			}
		},
		notes: []string{reminderBy + "1 pending upload exists only on this Mac. Last backup: never." + actions},
	}, {
		name: "overdue",
		h:    history{pending: 3, pendingAt: time.Hour, dest: "Backups", snapshot: 9 * 24 * time.Hour},
		want: func(home, dataDir string) []string {
			dest := filepath.Join(home, "Backups")
			return []string{
				"warning: Last backup 9 days ago — back up now",
				"at risk: These exist only on this Mac: ESP cannot give them back. | 3 pending uploads | 3 changes since the last backup.",
				"tm: Time Machine is not available on this system | include=false |  | ",
				"app: " + dest + " | Last backup: 9 days ago | Not verified yet | backup=true verify=true",
				"schedule: Remind me weekly when work is not backed up",
				"method Time Machine: false: Time Machine is not available on this system",
				"method Cloud folder: false: " + hintCloud,
				"method External drive: false: " + hintDrive,
				"method Manual copy: true: App backups go to " + dest,
			}
		},
		notes: []string{reminderBy + "3 pending uploads exist only on this Mac. Last backup: 9 days ago." + actions},
	}, {
		name: "all good",
		tm:   tmIncluded,
		h: history{pending: 3, pendingAt: 2 * 24 * time.Hour, dest: "Library/Mobile Documents/com~apple~CloudDocs/Stocksync Backups",
			snapshot: 20 * time.Hour, verify: 19 * time.Hour},
		want: func(home, dataDir string) []string {
			dest := filepath.Join(home, "Library/Mobile Documents/com~apple~CloudDocs/Stocksync Backups")
			return []string{
				"warning: ",
				"at risk: These exist only on this Mac: ESP cannot give them back. | 3 pending uploads | The last backup holds everything.",
				"tm: Included in Time Machine backups | include=false | Backup disk: Backup Anna | Latest backup: 3 days ago",
				"app: " + dest + " | Last backup: 20 hours ago | Verified 19 hours ago: all good | backup=true verify=true",
				"schedule: Remind me weekly when work is not backed up",
				"method Time Machine: true: Backs up the data folder automatically",
				"method Cloud folder: true: App backups go to " + dest,
				"method External drive: false: " + hintDrive,
				"method Manual copy: false: " + hintManual,
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var dest string
			h := newHarness(t, harnessOptions{tm: tc.tm, backupDest: tc.h.dest})
			ctx := context.Background()
			if tc.h.dest != "" {
				dest = filepath.Join(h.home, tc.h.dest)
			}
			h.addPending(tc.h.pending, t0.Add(-tc.h.pendingAt))
			if tc.h.snapshot != 0 {
				record(t, h.db, store.BackupRun{Kind: backup.KindSnapshot, Path: filepath.Join(dest, "snap"), StartedAt: t0.Add(-tc.h.snapshot), OK: true})
			}
			if tc.h.verify != 0 {
				record(t, h.db, store.BackupRun{Kind: backup.KindVerify, Path: filepath.Join(dest, "snap"), StartedAt: t0.Add(-tc.h.verify), OK: true})
			}
			if err := h.c.Start(ctx); err != nil {
				t.Fatal(err)
			}
			got := panelLines(h.settled())
			if want := tc.want(h.home, h.dir.Root); !equalLines(got, want) {
				t.Errorf("panel:\n%s", diffLines(got, want))
			}
			if got := h.notifications(); !equalLines(got, tc.notes) {
				t.Errorf("notifications:\n%s", diffLines(got, tc.notes))
			}
		})
	}
}

func record(t *testing.T, db *store.DB, r store.BackupRun) {
	t.Helper()
	if err := db.RecordBackupRun(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

func appFields(s State) string {
	a := s.Backups.App
	// The progress after " — " changes many times a run: TestBackupProgress
	// checks it.
	progress, _, _ := strings.Cut(a.ProgressText, " — ")
	return fmt.Sprintf("busy=%s %q | %s | %s | result=%q ok=%t | backup=%t verify=%t restore=%t",
		a.Busy, progress, a.LastSnapshotText, a.LastVerifyText, a.ResultText, a.ResultOK, a.CanBackUp, a.CanVerify, a.CanTestRestore)
}

// The whole round with package backup's real snapshots: no folder yet, a
// folder refused, a backup (a second click while it runs does nothing), a
// good verify, a damaged snapshot found by verify and by test restore, and
// a backup to a drive that was unplugged.
func TestBackUpVerifyTestRestore(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	h.settled()
	h.addPending(3, t0.Add(-time.Hour))
	dest := mkdir(t, filepath.Join(h.home, "Backups"))

	// No folder yet: Back Up Now asks for one.
	h.c.BackUpNow()
	h.c.SetDestination(mkdir(t, filepath.Join(h.dir.Root, "inside")))
	h.c.SetDestination(dest)
	if got := h.loadConfig().Backup.Destination; got != dest {
		t.Fatalf("destination in config.json = %q, want %q", got, dest)
	}

	h.c.BackUpNow()
	h.c.BackUpNow() // one at a time
	h.settled()
	snaps, err := backup.List(dest)
	if err != nil || len(snaps) != 1 {
		t.Fatalf("snapshots after two clicks = %v, %v; want one", snaps, err)
	}
	snap := snaps[0]
	damaged := fmt.Sprintf("config.json is 2 bytes, the manifest says %d (smaller: truncated?)", snapFileSize(t, snap, backup.ConfigName))
	h.c.Verify()
	h.settled()
	// Damage the snapshot's settings file: verify and test restore name it.
	if err := os.WriteFile(filepath.Join(snap.Path, backup.ConfigName), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.c.Verify()
	h.settled()
	h.c.TestRestore()
	h.settled()
	h.clock.Advance(time.Minute)
	if err := os.RemoveAll(dest); err != nil { // the drive was unplugged
		t.Fatal(err)
	}
	h.c.BackUpNow()
	h.settled()

	notThere := "the backup folder is not there: connect the drive (or mount the share) and try again, or choose another folder"
	want := []string{
		`busy=none "" | No backup yet | Not verified yet | result="" ok=false | backup=false verify=false restore=false`,
		`busy=none "" | No backup yet | Not verified yet | result="Cannot back up to ` + filepath.Join(h.dir.Root, "inside") + `: the backup folder cannot be inside the Stocksync data folder" ok=false | backup=false verify=false restore=false`,
		`busy=none "" | No backup yet | Not verified yet | result="Backups will go to ` + dest + `" ok=true | backup=true verify=false restore=false`,
		`busy=back up "Backing up…" | No backup yet | Not verified yet | result="" ok=false | backup=false verify=false restore=false`,
		// A backup verifies its snapshot.
		`busy=none "" | Last backup: just now | Verified just now: all good | result="Backed up ` + wording.Plural(snap.Files, "file", "files") + ` to ` + snap.Path + `" ok=true | backup=true verify=true restore=true`,
		`busy=verify "Verifying…" | Last backup: just now | Verified just now: all good | result="" ok=false | backup=false verify=false restore=false`,
		`busy=none "" | Last backup: just now | Verified just now: all good | result="The backup is complete and readable." ok=true | backup=true verify=true restore=true`,
		`busy=verify "Verifying…" | Last backup: just now | Verified just now: all good | result="" ok=false | backup=false verify=false restore=false`,
		`busy=none "" | Last backup: just now | Verified just now: problems found — ` + damaged + ` | result="The backup has problems: ` + damaged + `" ok=false | backup=true verify=true restore=true`,
		`busy=test restore "Test restoring…" | Last backup: just now | Verified just now: problems found — ` + damaged + ` | result="" ok=false | backup=false verify=false restore=false`,
		`busy=none "" | Last backup: just now | Test restore just now: problems found — ` + damaged + ` | result="Test restore found problems: ` + damaged + `" ok=false | backup=true verify=true restore=true`,
		// No timer rewords "just now" while nothing happens: the next
		// published state shows the minute that passed.
		`busy=back up "Backing up…" | Last backup: 1 minute ago | Test restore 1 minute ago: problems found — ` + damaged + ` | result="" ok=false | backup=false verify=false restore=false`,
		`busy=none "" | Last backup failed just now; last good one 1 minute ago | Test restore 1 minute ago: problems found — ` + damaged + ` | result="Backup failed: ` + notThere + `" ok=false | backup=true verify=true restore=true`,
	}
	if got := h.menuLines(appFields); !equalLines(got, want) {
		t.Errorf("app backup sequence:\n%s", diffLines(got, want))
	}
	wantEffects := []string{"open backups", fmt.Sprintf("choose folder (purpose 1) from %q", h.home)}
	h.waitFor("effects", func() bool { return len(h.effectsSeen()) >= len(wantEffects) })
	if got := h.effectsSeen(); !equalLines(got, wantEffects) {
		t.Errorf("effects:\n%s", diffLines(got, wantEffects))
	}
	// Each run is in the backup history once, recorded by package backup:
	// 1 snapshot, 2 its verification, 3 and 4 Verify, 5 Test Restore, 6 the
	// failed snapshot (one more row anywhere and the ids shift).
	for _, k := range []struct {
		kind   string
		okOnly bool
		id     int64
		path   string
	}{{backup.KindSnapshot, true, 1, snap.Path}, {backup.KindSnapshot, false, 6, dest}, {backup.KindVerify, false, 4, snap.Path}, {backup.KindTestRestore, false, 5, snap.Path}} {
		r, err := h.db.LastBackupRun(context.Background(), k.kind, k.okOnly)
		if err != nil || r.Path != k.path || r.ID != k.id {
			t.Errorf("last %s run (ok only %t) = %+v, %v; want id %d, path %s", k.kind, k.okOnly, r, err, k.id, k.path)
		}
	}
}

// snapFileSize is the size snap's manifest records for name.
func snapFileSize(t *testing.T, snap backup.Info, name string) int64 {
	t.Helper()
	m, err := backup.ReadManifest(snap.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Files {
		if f.Path == name {
			return f.Size
		}
	}
	t.Fatalf("%s not in the manifest of %s", name, snap.Path)
	return 0
}

func TestIncludeInTimeMachine(t *testing.T) {
	tm := map[string]string{}
	for k, v := range tmExcluded {
		tm[k] = v
	}
	h := newHarness(t, harnessOptions{tm: tm, start: true})
	if s := h.settled(); !s.Backups.TimeMachine.ShowInclude {
		t.Fatalf("no Include button while excluded:\n%s", s)
	}
	h.c.IncludeInTimeMachine()
	s := h.settled()
	tp := s.Backups.TimeMachine
	if tp.StatusText != textTMIncluded || tp.ShowInclude || tp.ResultText != textTMNowIncluded || s.Menu.WarningLine != "" {
		t.Errorf("after Include:\n%s", s)
	}
	// Once the folder is in Time Machine, the re-fetchable thumbnails are left out.
	h.tm.mu.Lock()
	calls := strings.Join(h.tm.calls, "\n")
	h.tm.mu.Unlock()
	if !strings.Contains(calls, "addexclusion "+h.dir.Thumbnails()) {
		t.Errorf("thumbnails not excluded; tmutil calls:\n%s", calls)
	}
	if strings.Contains(calls, "addexclusion "+h.dir.Root+"\n") || strings.HasSuffix(calls, "addexclusion "+h.dir.Root) {
		t.Errorf("the data folder itself was excluded:\n%s", calls)
	}
}

func TestScheduleAndSnooze(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	h.settled()
	h.c.SetSchedule(reminder.Daily)
	if s := h.settled(); s.Backups.Schedule != reminder.Daily || s.Backups.ScheduleText != "Remind me daily when work is not backed up" {
		t.Errorf("after SetSchedule(Daily):\n%s", s)
	}
	if got := h.loadConfig().Backup.Schedule; got != "daily" {
		t.Errorf("schedule in config.json = %q, want daily", got)
	}
	h.c.SnoozeReminder(3 * 24 * time.Hour)
	if got := h.loadConfig().Backup.SnoozedUntil; !got.Equal(t0.Add(3 * 24 * time.Hour)) {
		t.Errorf("snoozed until %v, want %v", got, t0.Add(3*24*time.Hour))
	}
}

// A backup publishes package backup's progress: the snapshot's phases, then
// its verification reading every file back, in the panel and the menu; an
// idle panel shows none.
func TestBackupProgress(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true})
	h.settled()
	h.addPending(3, t0.Add(-time.Hour))
	dest := mkdir(t, filepath.Join(h.home, "Backups"))
	h.c.SetDestination(dest)
	h.c.BackUpNow()
	h.settled()
	snaps, err := backup.List(dest)
	if err != nil || len(snaps) != 1 {
		t.Fatalf("snapshots = %v, %v; want one", snaps, err)
	}
	m, err := backup.ReadManifest(snaps[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}

	h.mu.Lock()
	states := append([]State(nil), h.published...)
	h.mu.Unlock()
	phases := map[string]backup.Progress{} // op/phase → its last report
	var order []string
	for _, s := range states {
		a := s.Backups.App
		if s.Menu.BackupLine != a.ProgressText {
			t.Errorf("menu line %q, panel %q: want the same", s.Menu.BackupLine, a.ProgressText)
		}
		if a.Busy == OpNone {
			if a.Progress != (backup.Progress{}) || a.ProgressText != "" {
				t.Errorf("idle panel shows progress %+v %q", a.Progress, a.ProgressText)
			}
			continue
		}
		if a.Progress.Phase == "" {
			continue
		}
		k := a.Progress.Op + "/" + a.Progress.Phase
		if _, ok := phases[k]; !ok {
			order = append(order, k)
		}
		phases[k] = a.Progress
	}
	wantOrder := []string{"snapshot/database", "snapshot/settings", "verify/files", "verify/integrity"}
	if !equalLines(order, wantOrder) {
		t.Errorf("phases published:\n%s", diffLines(order, wantOrder))
	}
	wantFiles := backup.Progress{Op: backup.KindVerify, Phase: backup.PhaseFiles, Files: len(m.Files), FilesTotal: len(m.Files), Bytes: size, BytesTotal: size}
	if got := phases["verify/files"]; got != wantFiles {
		t.Errorf("last verify/files report = %+v, want %+v", got, wantFiles)
	}
	if got := phases["snapshot/database"]; got.Files != 1 || got.FilesTotal != 1 || got.Bytes <= 0 {
		t.Errorf("last snapshot/database report = %+v, want 1 of 1 file with its size", got)
	}
	wantText := "Backing up… — checking files: " + wording.Count(len(m.Files)) + " of " + wording.Plural(len(m.Files), "file", "files") + ", " + wording.Bytes(size) + " of " + wording.Bytes(size)
	found := false
	for _, s := range states {
		found = found || s.Backups.App.ProgressText == wantText
	}
	if !found {
		t.Errorf("no published state says %q", wantText)
	}
}
