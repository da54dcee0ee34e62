package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/wording"
)

// Every word the app shows is here, so wording is reviewed and tested in one
// place. Numbers, plurals, sizes and times go through core/wording
// ("1,234", "3 files", "5 minutes ago"), shared with the CLI.

const (
	textSyncNow         = "Sync Now"
	textSyncing         = "Syncing…"
	textSendingChanges  = "Sending local changes…"
	textNoAccount       = "No ESP account — open Settings…"
	textSignInFailed    = "Sign-in failed — open Settings…"
	textHeldElsewhere   = "Sync running in another Stocksync process"
	textNeverSynced     = "Last sync: never"
	textRequiresApprove = "Requires approval in System Settings"
	textLoginNotHere    = "Not available on this system"
	textDBGone          = "The Stocksync database is missing — quit Stocksync and restore it from a backup"
	textFolderGone      = "The Stocksync data folder is missing — quit Stocksync and restore it from a backup"
	textTMExcludedLine  = "The data folder is not in Time Machine backups"
	textDBDamaged       = "The Stocksync database is damaged — quit Stocksync and restore it from a backup"
	textFolderBack      = "The Stocksync data folder is back — quit and reopen Stocksync to use it"
)

// tooltip is the status item's tooltip: the app's name and the last sync.
func tooltip(lastSync string) string { return "Stocksync — " + lastSync }

// ago says how long ago t was: to the minute for the last day, in
// calendar days before that.
func ago(now, t time.Time) string { return wording.AgoShort(now, t) }

// syncTitle is the Sync Now item's title.
func syncTitle(running bool, p syncerProgress) string {
	if !running {
		return textSyncNow
	}
	var s string
	switch {
	case p.pushing:
		s = textSendingChanges
	case p.filesTotal > 0:
		s = "Syncing… " + wording.Count(p.filesDone) + " of " + wording.Count(p.filesTotal) + " " + wording.Noun(p.filesTotal, "file", "files")
	default:
		s = textSyncing
	}
	if p.throttled {
		s += " — " + throttleText(p.requestsPerSecond)
	}
	return s
}

// syncerProgress is the part of syncer.Progress the title uses.
type syncerProgress struct {
	pushing               bool
	filesDone, filesTotal int
	// throttled: ESP is slowing the sync down; requestsPerSecond is the
	// rate the client keeps to (0: not known).
	throttled         bool
	requestsPerSecond float64
}

// lastSyncText describes the last finished sync run.
func lastSyncText(now time.Time, r *store.SyncRun) string {
	if r == nil {
		return textNeverSynced
	}
	at := r.FinishedAt
	if at.IsZero() {
		at = r.StartedAt
	}
	switch r.Outcome {
	case store.OutcomeOK:
		return "Last sync: " + ago(now, at)
	case store.OutcomePartial:
		return "Last sync: " + ago(now, at) + ", " + wording.Plural(len(r.Errors), "item", "items") + " failed — retried next time"
	case store.OutcomeCancelled:
		return "Last sync was stopped " + ago(now, at)
	case store.OutcomeRunning:
		return "Last sync did not finish (started " + ago(now, at) + ")"
	}
	return storedFailureText(ago(now, at), r)
}

// failureText is the last-sync line after a failure this process saw.
func failureText(now time.Time, kind failKind, reason string, at time.Time) string {
	switch kind {
	case failBadCredentials:
		return textSignInFailed
	case failHeld:
		return textHeldElsewhere
	case failSignedOut:
		return textSignedOutLine
	}
	return "Sync failed " + ago(now, at) + ": " + reason
}

// portfolioLine counts files by bucket: "12 pending · 40 in review · 1,200
// accepted · 3 revisable · 8 rejected" (plus "· 2 other" when there are).
func portfolioLine(byBucket map[string]int) string {
	total := 0
	for _, n := range byBucket {
		total += n
	}
	if total == 0 {
		return ""
	}
	parts := []string{
		wording.Count(byBucket[store.BucketPending]) + " pending",
		wording.Count(byBucket[store.BucketInReview]) + " in review",
		wording.Count(byBucket[store.BucketAccepted]) + " accepted",
		wording.Count(byBucket[store.BucketRevisable]) + " revisable",
		wording.Count(byBucket[store.BucketRejected]) + " rejected",
	}
	if n := byBucket[store.BucketOther]; n > 0 {
		parts = append(parts, wording.Count(n)+" other")
	}
	return strings.Join(parts, " · ")
}

// noBackupLine and overdueLine are the menu's backup warnings.
func noBackupLine(atRisk int) string {
	return "No backup yet — " + wording.Plural(atRisk, "change exists", "changes exist") + " only on this Mac"
}

func overdueLine(now, last time.Time) string {
	return "Last backup " + ago(now, last) + " — back up now"
}

// atRiskLines lists what exists only on this Mac, one kind per line.
func atRiskLines(a store.AtRisk) []string {
	var lines []string
	if a.PendingUploads > 0 {
		lines = append(lines, wording.Plural(a.PendingUploads, "pending upload", "pending uploads"))
	}
	if a.LocalEdits > 0 {
		l := wording.Plural(a.LocalEdits, "local edit", "local edits")
		if a.Conflicts > 0 {
			l += " (" + wording.Count(a.Conflicts) + " in conflict with ESP)"
		}
		lines = append(lines, l)
	}
	if a.LocalPaths > 0 {
		lines = append(lines, wording.Plural(a.LocalPaths, "local file path", "local file paths"))
	}
	return lines
}

func atRiskSummary(a store.AtRisk) string {
	if a.Total() == 0 {
		return "Nothing exists only on this Mac yet."
	}
	return "These exist only on this Mac: ESP cannot give them back."
}

func changedSinceText(a store.AtRisk, last time.Time) string {
	n := a.Total()
	switch {
	case n == 0 && last.IsZero():
		return ""
	case n == 0:
		return "The last backup holds everything."
	case last.IsZero():
		return wording.Plural(n, "change is", "changes are") + " in no backup yet."
	}
	return wording.Plural(n, "change", "changes") + " since the last backup."
}

func scheduleText(s reminder.Schedule) string {
	switch s {
	case reminder.Daily:
		return "Remind me daily when work is not backed up"
	case reminder.Off:
		return "No backup reminders"
	}
	return "Remind me weekly when work is not backed up"
}

// Notifications.

const (
	noteIDAccepted  = "sync-accepted"
	noteIDRevisable = "sync-revisable"
	noteIDRejected  = "sync-rejected"
	noteIDSignIn    = "sign-in"
	noteIDReminder  = "backup-reminder"
	noteIDTMWarning = "time-machine-warning"
	noteIDDataGone  = "data-gone"
)

func signInNote() notify.Notification {
	return notify.Notification{
		ID:    noteIDSignIn,
		Title: "Stocksync cannot sign in to ESP",
		Body:  "ESP refused the username, password, API key or secret. Open Settings in the Stocksync menu to correct them.",
	}
}

func reminderNote(title, body string) notify.Notification {
	return notify.Notification{
		ID: noteIDReminder, Title: title, Body: body,
		Actions: []notify.Action{notify.BackupNow, notify.OpenBackups},
	}
}

func dataGoneNote(folder bool) notify.Notification {
	what := "database"
	if folder {
		what = "data folder"
	}
	return notify.Notification{
		ID:      noteIDDataGone,
		Title:   "The Stocksync " + what + " is missing",
		Body:    "It was deleted or moved while Stocksync was running. Put it back from the Trash or restore it from a backup before syncing again.",
		Actions: []notify.Action{notify.OpenBackups},
	}
}

// Time Machine texts.

const (
	textTMNotAvailable = "Time Machine is not available on this system"
	textTMChecking     = "Checking Time Machine…"
	textTMIncluded     = "Included in Time Machine backups"
	textTMUnknown      = "Time Machine did not say whether it backs up the data folder"
	textTMNoDisk       = "No backup disk configured — choose one in System Settings → General → Time Machine"
	textTMNoBackup     = "No Time Machine backup yet"
	textTMNeedsFDA     = "Latest backup unknown: allow Stocksync Full Disk Access in System Settings → Privacy & Security"
	textTMDiskAway     = "The backup disk is not connected"
	textTMIncluding    = "Including the data folder…"
)

func tmExcludedText(dataDir, by string) string {
	if by == "" || by == dataDir {
		return "Excluded from Time Machine backups"
	}
	return "Excluded from Time Machine backups (by " + by + ")"
}

func tmDisksText(names []string, unmounted int) string {
	s := "Backup disk: "
	if len(names) > 1 {
		s = "Backup disks: "
	}
	s += strings.Join(names, ", ")
	if unmounted == len(names) {
		s += " (not connected)"
	}
	return s
}

func tmLatestText(now, t time.Time) string { return "Latest backup: " + ago(now, t) }

func tmErrorText(what string, err error) string {
	return "Could not check " + what + ": " + err.Error()
}

func tmIncludeFailed(err error) string {
	return "Could not include the data folder: " + err.Error()
}

const textTMNowIncluded = "The data folder is now included in Time Machine backups."

// App backup texts.

const (
	textNoDestination   = "No folder chosen"
	textNoSnapshot      = "No backup yet"
	textNotVerified     = "Not verified yet"
	textChooseFirst     = "Choose a backup folder first"
	textBackingUp       = "Backing up…"
	textVerifying       = "Verifying…"
	textTestRestoring   = "Test restoring…"
	textRestoreOK       = "Test restore succeeded"
	textDestinationGone = "the backup folder does not exist or is not a folder"
)

// textNoReadableSnapshot: Verify or Test Restore found nothing to check.
const textNoReadableSnapshot = "the backup folder holds no readable snapshot yet: back up first"

// pruneFailed is kept in the snapshot's result: the snapshot itself is fine.
func pruneFailed(err error) string {
	return fmt.Sprintf("old snapshots could not be removed (%v)", err)
}

func lastSnapshotText(now time.Time, ok, attempt store.BackupRun) string {
	if attempt.ID > ok.ID && !attempt.OK {
		s := "Last backup failed " + ago(now, attempt.StartedAt)
		if ok.ID != 0 {
			s += "; last good one " + ago(now, ok.StartedAt)
		}
		return s
	}
	if ok.ID == 0 {
		return textNoSnapshot
	}
	return "Last backup: " + ago(now, ok.StartedAt)
}

func lastVerifyText(now time.Time, r store.BackupRun) string {
	if r.ID == 0 {
		return textNotVerified
	}
	what := "Verified"
	if r.Kind == backup.KindTestRestore {
		what = "Test restore"
	}
	if r.OK {
		return what + " " + ago(now, r.StartedAt) + ": all good"
	}
	s := what + " " + ago(now, r.StartedAt) + ": problems found"
	if r.Detail != "" {
		s += " — " + r.Detail
	}
	return s
}

func snapshotResult(info backup.Info, warning string) string {
	s := "Backed up " + wording.Plural(info.Files, "file", "files") + " to " + info.Path
	if warning != "" {
		s += "; " + warning
	}
	return s
}

func verifyResult(ok bool, problems []string) string {
	if ok {
		return "The backup is complete and readable."
	}
	return "The backup has problems: " + strings.Join(problems, "; ")
}

func restoreResult(ok bool, files int, problems []string) string {
	if ok {
		return textRestoreOK + ": " + wording.Plural(files, "file", "files") + " restored and checked."
	}
	return "Test restore found problems: " + strings.Join(problems, "; ")
}

func opFailed(op Operation, err error) string {
	what := map[Operation]string{OpBackUp: "Backup", OpVerify: "Verify", OpTestRestore: "Test restore"}[op]
	var de *backup.DestinationError
	if errors.As(err, &de) {
		if why, ok := destinationReasons[de.Reason]; ok {
			return what + " failed: " + why
		}
	}
	return what + " failed: " + err.Error()
}

// Backup methods, in the guide's order.

const (
	methodTimeMachine = "Time Machine"
	methodCloud       = "Cloud folder"
	methodExternal    = "External drive"
	methodManual      = "Manual copy"
)

const (
	textMethodTMOn       = "Backs up the data folder automatically"
	textMethodTMOff      = "Not backing up the data folder"
	textMethodCloudHint  = "Choose a folder in iCloud Drive, Dropbox or Google Drive for app backups"
	textMethodDriveHint  = "Choose a folder on an external drive for app backups"
	textMethodManualHint = "Copying the folder by hand while Stocksync runs can give a damaged copy: Back Up Now writes a safe one"
)

func methodInUse(dest string) string { return "App backups go to " + dest }

// Login and settings texts.

func loginErrorNote(err error) string { return "Could not check: " + err.Error() }

const (
	textCredsEnv      = "Credentials come from STOCKSYNC_ESP_* environment variables: no keychain is reachable"
	textVerifyOK      = "Signed in to ESP."
	textVerifyWorking = "Signing in…"
)

const textAlertTitle = "Stocksync could not do that"

func notificationsFailed(err error) string {
	return "Notifications cannot be shown: " + err.Error()
}

const textDestinationInside = "the backup folder cannot be inside the Stocksync data folder"

func destinationRefused(path string, err error) string {
	return "Cannot back up to " + path + ": " + err.Error()
}

func destinationSet(path string) string { return "Backups will go to " + path }

func credentialsUnreadable(err error) string {
	return "Cannot read the ESP account: " + err.Error()
}

func loginFailed(on bool, err error) string {
	if on {
		return "Could not turn on Open at Login: " + err.Error()
	}
	return "Could not turn off Open at Login: " + err.Error()
}

func watchNote(err string) string {
	if err == "" {
		return ""
	}
	return "Stocksync cannot watch the data folder for changes (" + err + "): reminders may come late."
}
