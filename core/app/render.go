package app

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
	"github.com/stocksync/stocksync/core/timemachine"
)

// render is the one place facts become a State.
func render(f facts, now time.Time) State {
	return State{
		Menu:      renderMenu(f, now),
		Backups:   renderBackups(f, now),
		Settings:  renderSettings(f),
		SignIn:    renderSignIn(f),
		KeepAwake: keepAwake(f),
		Idle:      f.tasks == 0 && !f.sync.running && f.backup.busy == OpNone,
	}
}

// signInItem is the "Sign in to ESP…" menu item and Settings button, and
// whether to show it: not for the demo server, which has its own account.
func signInItem(f facts) (MenuItem, bool) {
	it := MenuItem{Title: textSignInItem, Enabled: true}
	if activeFailure(f) == failSignedOut {
		it.Title = textSignInAgain
	}
	return it, f.cfg.Server != config.ServerDemo
}

func renderSignIn(f facts) SignInPanel {
	p := SignInPanel{Title: textSignInTitle, Status: textSignInStatus, Error: f.signInErr}
	if p.Error == "" {
		p.Error = f.signInPageErr
	}
	switch {
	case activeFailure(f) == failSignedOut:
		p.Status = textSignInAgainSt
	case f.signedIn:
		p.Status = textSignedInSt
	}
	return p
}

// keepAwake is why the Mac should stay awake: a sync or a backup operation
// runs (State.KeepAwake).
func keepAwake(f facts) string {
	switch {
	case f.backup.busy != OpNone:
		return textKeepBackingUp
	case f.sync.running:
		return textKeepSyncing
	}
	return ""
}

func renderMenu(f facts, now time.Time) Menu {
	m := Menu{
		SyncItem:    MenuItem{Title: syncTitle(f.sync.running, progressOf(f.sync.progress)), Enabled: !f.sync.running},
		PushChecked: f.cfg.PushLocalChanges,
	}
	m.LastSyncLine = lastSyncLine(f, now)
	m.Tooltip = tooltip(m.LastSyncLine)
	m.PortfolioLine = portfolioLine(f.summary.ByBucket)
	m.WarningLine = warningLine(f, now)
	if f.backup.busy != OpNone {
		m.BackupLine = progressText(f.backup.busy, f.backup.progress)
	}
	m.SignIn, m.ShowSignIn = signInItem(f)
	switch {
	case activeFailure(f) == failBadCredentials || activeFailure(f) == failSignedOut || f.dbGone || f.folderGone || dbDamaged(f):
		m.Icon = IconAttention
	case f.sync.running:
		m.Icon = IconSyncing
	}
	switch {
	case !f.loginKnown:
		m.LoginEnabled = false
	case f.loginErr != nil:
		m.LoginEnabled = true
		m.LoginNote = loginErrorNote(f.loginErr)
	default:
		m.LoginChecked = f.login == loginitem.Enabled
		m.LoginEnabled = f.login != loginitem.Unsupported && !f.loginBusy
		switch f.login {
		case loginitem.RequiresApproval:
			m.LoginNote = textRequiresApprove
		case loginitem.Unsupported:
			m.LoginNote = textLoginNotHere
		}
	}
	if f.loginBusy {
		m.LoginEnabled = false
	}
	return m
}

func progressOf(p syncer.Progress) syncerProgress {
	return syncerProgress{
		pushing:    p.Phase == syncer.PhasePushing,
		filesDone:  p.FilesDone,
		filesTotal: p.FilesTotal,
		throttled:  p.Throttled,

		requestsPerSecond: p.RequestsPerSecond,
	}
}

// canSync: an account (or the demo) is set up.
func canSync(f facts) bool {
	return f.cfg.Server == config.ServerDemo || f.creds.found
}

func lastSyncLine(f facts, now time.Time) string {
	if k := activeFailure(f); k != failNone {
		return failureText(now, k, f.sync.failMsg, f.sync.failedAt)
	}
	if !canSync(f) {
		return textNoAccount
	}
	return lastSyncText(now, f.lastFinished)
}

// activeFailure is the failure this process saw last, unless a run (in any
// process) has finished well since.
func activeFailure(f facts) failKind {
	last := f.lastFinished
	if f.sync.fail == failNone || f.sync.running {
		return f.sync.fail
	}
	if last != nil && (last.Outcome == store.OutcomeOK || last.Outcome == store.OutcomePartial) && last.FinishedAt.After(f.sync.failedAt) {
		return failNone
	}
	return f.sync.fail
}

// overdue reports whether the reminder policy would call backups overdue,
// whatever the snooze and the reminders already shown.
func overdue(f facts, now time.Time) bool {
	sched := scheduleOf(f.cfg)
	period := sched.Period()
	if period == 0 || f.sinceBackup.Total() == 0 {
		return false
	}
	return f.lastBackup.IsZero() || !now.Before(f.lastBackup.Add(period))
}

func warningLine(f facts, now time.Time) string {
	switch {
	case f.folderBack:
		return textFolderBack
	case f.folderGone:
		return textFolderGone
	case f.dbGone:
		return textDBGone
	case dbDamaged(f):
		return textDBDamaged
	case overdue(f, now) && f.lastBackup.IsZero():
		return noBackupLine(f.sinceBackup.Total())
	case overdue(f, now):
		return overdueLine(now, f.lastBackup)
	case f.tmKnown && f.tm.Available && f.tm.ExclusionErr == nil && f.tm.Exclusion.Excluded && f.backup.lastSnapshot.ID == 0:
		return textTMExcludedLine
	}
	return ""
}

// dbDamaged: reading the database found it damaged.
func dbDamaged(f facts) bool {
	return errors.Is(f.summaryErr, store.ErrCorrupt) || errors.Is(f.sinceErr, store.ErrCorrupt)
}

func scheduleOf(cfg config.Config) reminder.Schedule {
	s, err := reminder.ParseSchedule(cfg.Backup.Schedule)
	if err != nil {
		return reminder.Weekly
	}
	return s
}

func renderBackups(f facts, now time.Time) BackupsPanel {
	sched := scheduleOf(f.cfg)
	p := BackupsPanel{
		DataDir:            f.dataDir,
		AtRisk:             atRiskLines(f.summary.AtRisk),
		AtRiskSummary:      atRiskSummary(f.summary.AtRisk),
		ChangedSinceBackup: changedSinceText(f.sinceBackup, f.lastBackup),
		Note:               watchNote(f.watchErr),
		TimeMachine:        renderTM(f, now),
		App:                renderApp(f, now),
		Schedule:           sched,
		ScheduleText:       scheduleText(sched),
		Schedules:          scheduleChoices(sched),
	}
	p.Methods = renderMethods(f)
	return p
}

func renderTM(f facts, now time.Time) TimeMachinePanel {
	if !f.tmKnown {
		return TimeMachinePanel{StatusText: textTMChecking}
	}
	s := f.tm
	if !s.Available {
		return TimeMachinePanel{StatusText: textTMNotAvailable}
	}
	p := TimeMachinePanel{Available: true, ResultText: f.tmResult}
	switch {
	case f.tmIncluding:
		p.StatusText = textTMIncluding
	case s.ExclusionErr != nil:
		p.StatusText = tmErrorText("Time Machine", s.ExclusionErr)
	case s.Exclusion.Excluded:
		p.StatusText = tmExcludedText(f.dataDir, s.Exclusion.ExcludedBy())
		p.ShowInclude = true
	case s.IncludesFolder():
		p.StatusText = textTMIncluded
	default:
		p.StatusText = textTMUnknown
	}
	switch {
	case s.DestinationsErr != nil:
		p.DestinationText = tmErrorText("backup disks", s.DestinationsErr)
	case len(s.Destinations) == 0:
		p.DestinationText = textTMNoDisk
	default:
		var names []string
		unmounted := 0
		for _, d := range s.Destinations {
			names = append(names, d.Name)
			if d.NotConnected() { // a NAS has no mount point between backups: normal
				unmounted++
			}
		}
		p.DestinationText = tmDisksText(names, unmounted)
	}
	switch {
	case s.BackingUp():
		p.LatestText = tmBackingUpText(now, s)
	case s.LatestErr != nil:
		p.LatestText = tmErrorText("the latest backup", s.LatestErr)
	case s.Latest.State == timemachine.BackupFound:
		p.LatestText = tmLatestText(now, s.Latest.Time)
	case s.Latest.State == timemachine.BackupNeedsFullDiskAccess:
		p.LatestText = textTMNeedsFDA
	case s.Latest.State == timemachine.BackupDestinationUnavailable:
		p.LatestText = tmDiskAwayText(s)
	default:
		p.LatestText = textTMNoBackup
	}
	return p
}

func renderApp(f facts, now time.Time) AppBackupPanel {
	b := f.backup
	dest := f.cfg.Backup.Destination
	p := AppBackupPanel{
		Destination:      dest,
		DestinationText:  dest,
		LastSnapshotText: lastSnapshotText(now, b.lastSnapshot, b.lastAttempt),
		LastVerifyText:   lastVerifyText(now, b.lastVerify),
		Busy:             b.busy,
		ResultText:       b.result,
		ResultOK:         b.resultOK,
	}
	if dest == "" {
		p.DestinationText = textNoDestination
	}
	if b.busy != OpNone {
		p.Progress, p.ProgressText = b.progress, progressText(b.busy, b.progress)
	}
	idle := b.busy == OpNone && !f.dbGone && !f.folderGone
	p.CanChoose = b.busy == OpNone
	p.CanBackUp = idle && dest != ""
	p.CanVerify = idle && dest != "" && b.lastSnapshot.ID != 0
	p.CanTestRestore = p.CanVerify
	return p
}

// destKind says where a backup folder lives.
type destKind int

const (
	destNone destKind = iota
	destCloud
	destExternal
	destLocal
)

// classify recognises cloud folders (iCloud Drive, the File Provider folders
// of Dropbox, Google Drive, OneDrive, and their classic locations) and
// external volumes.
func classify(home, dest string) destKind {
	if dest == "" {
		return destNone
	}
	d := filepath.Clean(dest)
	under := func(parent string) bool {
		rel, err := filepath.Rel(parent, d)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
	}
	if home != "" {
		for _, c := range []string{"Library/Mobile Documents", "Library/CloudStorage", "Dropbox", "Google Drive", "OneDrive"} {
			if under(filepath.Join(home, c)) {
				return destCloud
			}
		}
	}
	if under("/Volumes") {
		return destExternal
	}
	return destLocal
}

func renderMethods(f facts) [4]Method {
	tmOn := f.tmKnown && f.tm.IncludesFolder() && f.tm.HasDestination()
	tm := Method{Name: methodTimeMachine, InPlace: tmOn, Detail: textMethodTMOn}
	if !tmOn {
		tm.Detail = textMethodTMOff
		if f.tmKnown {
			tm.Detail = renderTM(f, time.Time{}).StatusText
			if f.tm.Available && !f.tm.Exclusion.Excluded && !f.tm.HasDestination() {
				tm.Detail = textTMNoDisk
			}
		}
	}
	dest := f.cfg.Backup.Destination
	kind := classify(f.home, dest)
	working := f.backup.lastSnapshot.ID != 0 && f.backup.lastSnapshot.Path != "" && isUnder(f.backup.lastSnapshot.Path, dest)
	cloud := Method{Name: methodCloud, Detail: textMethodCloudHint}
	drive := Method{Name: methodExternal, Detail: textMethodDriveHint}
	manual := Method{Name: methodManual, Detail: textMethodManualHint}
	switch kind {
	case destCloud:
		cloud.InPlace, cloud.Detail = working, methodInUse(dest)
	case destExternal:
		drive.InPlace, drive.Detail = working, methodInUse(dest)
	case destLocal:
		manual.InPlace, manual.Detail = working, methodInUse(dest)
	}
	ms := [4]Method{tm, cloud, drive, manual}
	for i := range ms {
		ms[i].Line = methodLine(ms[i].Name, ms[i].InPlace)
	}
	return ms
}

func isUnder(path, dir string) bool {
	if dir == "" {
		return false
	}
	rel, err := filepath.Rel(filepath.Clean(dir), filepath.Clean(path))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

func renderSettings(f facts) SettingsPanel {
	s := SettingsPanel{
		Username:          f.creds.username,
		HasPassword:       f.creds.hasPassword,
		HasAPIKey:         f.creds.hasKey,
		HasAPISecret:      f.creds.hasSecret,
		Server:            f.cfg.Server,
		Servers:           serverChoices(f.cfg.Server),
		IntervalMinutes:   f.cfg.SyncIntervalMinutes,
		CredentialsNote:   f.creds.note,
		OfferDemo:         !canSync(f),
		Verifying:         f.verifying,
		VerifyResult:      f.verifyResult,
		VerifyOK:          f.verifyOK,
		SaveError:         f.saveErr,
		NotificationsNote: f.notifyErr,
	}
	s.SignIn, s.ShowSignIn = signInItem(f)
	if f.verifying {
		s.VerifyResult = textVerifyWorking
	}
	if f.cfgErr != nil && s.SaveError == "" {
		s.SaveError = settingsProblem(f.cfgErr)
	}
	return s
}
