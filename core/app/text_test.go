package app

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
)

func TestSyncTitle(t *testing.T) {
	for _, tc := range []struct {
		running bool
		p       syncerProgress
		want    string
	}{
		{false, syncerProgress{}, "Sync Now"},
		{true, syncerProgress{}, "Syncing…"},
		{true, syncerProgress{pushing: true}, "Sending local changes…"},
		{true, syncerProgress{filesDone: 1234, filesTotal: 5000}, "Syncing… 1,234 of 5,000 files"},
		{true, syncerProgress{filesDone: 0, filesTotal: 1}, "Syncing… 0 of 1 file"},
		{false, syncerProgress{filesDone: 3, filesTotal: 5}, "Sync Now"},
		{true, syncerProgress{filesDone: 10, filesTotal: 50, throttled: true, requestsPerSecond: 2.5},
			"Syncing… 10 of 50 files — ESP is slowing us down; 2.5 requests/s"},
		{true, syncerProgress{throttled: true, requestsPerSecond: 1}, "Syncing… — ESP is slowing us down; 1 request/s"},
		{true, syncerProgress{throttled: true, requestsPerSecond: 12.4}, "Syncing… — ESP is slowing us down; 12 requests/s"},
		{true, syncerProgress{pushing: true, throttled: true}, "Sending local changes… — ESP is slowing us down"},
		{false, syncerProgress{throttled: true, requestsPerSecond: 2}, "Sync Now"},
	} {
		if got := syncTitle(tc.running, tc.p); got != tc.want {
			t.Errorf("syncTitle(%t, %+v) = %q, want %q", tc.running, tc.p, got, tc.want)
		}
	}
}

func TestLastSyncText(t *testing.T) {
	now := time.Date(2026, 8, 4, 9, 0, 0, 0, time.UTC)
	run := func(outcome string, errs int) *store.SyncRun {
		r := &store.SyncRun{StartedAt: now.Add(-6 * time.Minute), FinishedAt: now.Add(-5 * time.Minute), Outcome: outcome}
		for i := range errs {
			r.Errors = append(r.Errors, fmt.Sprintf("batch %d: boom", i))
		}
		return r
	}
	for _, tc := range []struct {
		r    *store.SyncRun
		want string
	}{
		{nil, "Last sync: never"},
		{run(store.OutcomeOK, 0), "Last sync: 5 minutes ago"},
		{run(store.OutcomePartial, 3), "Last sync: 5 minutes ago, 3 items failed — retried next time"},
		{run(store.OutcomePartial, 1), "Last sync: 5 minutes ago, 1 item failed — retried next time"},
		{run(store.OutcomeFailed, 0), "Last sync failed 5 minutes ago"},
		{run(store.OutcomeCancelled, 0), "Last sync was stopped 5 minutes ago"},
	} {
		if got := lastSyncText(now, tc.r); got != tc.want {
			t.Errorf("lastSyncText(%+v) = %q, want %q", tc.r, got, tc.want)
		}
	}
}

func TestFailureLines(t *testing.T) {
	now := time.Date(2026, 8, 4, 9, 0, 0, 0, time.UTC)
	espErr := func(kind error) error {
		return fmt.Errorf("list batches: %w", &esp.Error{Kind: kind, Endpoint: "batches.list"})
	}
	for _, tc := range []struct {
		kind failKind
		err  error
		want string
	}{
		{failBadCredentials, nil, "Sign-in failed — open Settings…"},
		{failHeld, nil, "Sync running in another Stocksync process"},
		{failOther, espErr(esp.ErrUnavailable), "Sync failed 2 minutes ago: ESP is unavailable, will retry"},
		{failOther, espErr(esp.ErrRateLimited), "Sync failed 2 minutes ago: ESP is limiting requests, will retry"},
		{failOther, espErr(esp.ErrForbidden), "Sync failed 2 minutes ago: the ESP account has no rights for this"},
		{failOther, espErr(esp.ErrMalformed), "Sync failed 2 minutes ago: ESP sent an answer Stocksync does not understand"},
		{failOther, &store.CorruptError{Path: "x", Err: store.ErrCorrupt}, "Sync failed 2 minutes ago: the database is damaged — open Backups… to restore"},
		{failOther, &credentialsError{errors.New("keychain locked")}, "Sync failed 2 minutes ago: Stocksync cannot read the ESP account — open Settings…"},
		{failOther, errors.New("disk full"), "Sync failed 2 minutes ago: unexpected error, will retry"},
	} {
		reason := ""
		if tc.err != nil {
			reason = failureReason(tc.err)
		}
		if got := failureText(now, tc.kind, reason, now.Add(-2*time.Minute)); got != tc.want {
			t.Errorf("failure %d %v = %q, want %q", tc.kind, tc.err, got, tc.want)
		}
	}
}

func TestPortfolioLine(t *testing.T) {
	for _, tc := range []struct {
		n    map[string]int
		want string
	}{
		{map[string]int{"pending": 12, "in_review": 40, "accepted": 1200, "revisable": 3, "rejected": 8},
			"12 pending · 40 in review · 1,200 accepted · 3 revisable · 8 rejected"},
		{map[string]int{"accepted": 1, "other": 2}, "0 pending · 0 in review · 1 accepted · 0 revisable · 0 rejected · 2 other"},
		{map[string]int{}, ""},
		{nil, ""},
	} {
		if got := portfolioLine(tc.n); got != tc.want {
			t.Errorf("portfolioLine(%v) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestBackupTexts(t *testing.T) {
	now := time.Date(2026, 8, 4, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ got, want string }{
		{noBackupLine(37), "No backup yet — 37 changes exist only on this Mac"},
		{noBackupLine(1), "No backup yet — 1 change exists only on this Mac"},
		{overdueLine(now, now.Add(-9*24*time.Hour)), "Last backup 9 days ago — back up now"},
		{progressText(OpBackUp, backup.Progress{}), "Backing up…"},
		{progressText(OpVerify, backup.Progress{}), "Verifying…"},
		{progressText(OpBackUp, backup.Progress{Op: backup.KindSnapshot, Phase: backup.PhaseDatabase, FilesTotal: 1}), "Backing up… — copying the database"},
		{progressText(OpBackUp, backup.Progress{Op: backup.KindSnapshot, Phase: backup.PhaseThumbnails, Files: 120, FilesTotal: 4000, Bytes: 3 << 20}),
			"Backing up… — copying thumbnails: 120 of 4,000 files, 3.0 MB"},
		{progressText(OpBackUp, backup.Progress{Op: backup.KindVerify, Phase: backup.PhaseFiles, Files: 3, FilesTotal: 5, Bytes: 1258291, BytesTotal: 4 << 20}),
			"Backing up… — checking files: 3 of 5 files, 1.2 MB of 4.0 MB"},
		{progressText(OpTestRestore, backup.Progress{Op: backup.KindTestRestore, Phase: backup.PhaseRestore}), "Test restoring… — opening the restored copy"},
		{changedSinceText(store.AtRisk{PendingUploads: 3, LocalEdits: 2}, now), "5 changes since the last backup."},
		{changedSinceText(store.AtRisk{PendingUploads: 1}, time.Time{}), "1 change is in no backup yet."},
		{changedSinceText(store.AtRisk{}, now), "The last backup holds everything."},
		{lastSnapshotText(now, store.BackupRun{ID: 1, OK: true, StartedAt: now.Add(-2 * 24 * time.Hour)}, store.BackupRun{ID: 2, StartedAt: now.Add(-time.Hour)}),
			"Last backup failed 1 hour ago; last good one 2 days ago"},
		{lastVerifyText(now, store.BackupRun{ID: 3, Kind: backup.KindVerify, OK: false, StartedAt: now.Add(-time.Hour), Detail: "manifest missing"}),
			"Verified 1 hour ago: problems found — manifest missing"},
		{lastVerifyText(now, store.BackupRun{ID: 3, Kind: backup.KindTestRestore, OK: true, StartedAt: now.Add(-time.Hour)}), "Test restore 1 hour ago: all good"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if got, want := atRiskLines(store.AtRisk{PendingUploads: 1234, LocalEdits: 5, Conflicts: 1, LocalPaths: 1}),
		[]string{"1,234 pending uploads", "5 local edits (1 in conflict with ESP)", "1 local file path"}; !equalLines(got, want) {
		t.Errorf("atRiskLines:\n%s", diffLines(got, want))
	}
}

func TestClassifyDestination(t *testing.T) {
	home := "/Users/anna"
	for _, tc := range []struct {
		dest string
		want destKind
	}{
		{"", destNone},
		{"/Users/anna/Library/Mobile Documents/com~apple~CloudDocs/Stocksync", destCloud},
		{"/Users/anna/Library/CloudStorage/Dropbox/Backups", destCloud},
		{"/Users/anna/Dropbox", destCloud},
		{"/Volumes/Backup Anna/Stocksync", destExternal},
		{"/Users/anna/Backups", destLocal},
		{"/Users/anna/Dropboxes", destLocal},
	} {
		if got := classify(home, tc.dest); got != tc.want {
			t.Errorf("classify(%q) = %d, want %d", tc.dest, got, tc.want)
		}
	}
}

func TestRenderDamagedDatabase(t *testing.T) {
	f := facts{summaryErr: fmt.Errorf("read the database: %w", &store.CorruptError{Path: "stocksync.db", Err: store.ErrCorrupt})}
	m := render(f, time.Now()).Menu
	if m.WarningLine != "The Stocksync database is damaged — quit Stocksync and restore it from a backup" || m.Icon != IconAttention {
		t.Errorf("damaged database: warning %q attention %t", m.WarningLine, m.Icon == IconAttention)
	}
	if got, want := m.Tooltip, "Stocksync — No ESP account — open Settings…"; got != want {
		t.Errorf("tooltip = %q, want %q", got, want)
	}
}
