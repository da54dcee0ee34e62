package app

import (
	"fmt"
	"strings"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/reminder"
)

// State is the published state: everything the menu and the panels show.
// It is a plain value: it holds no pointers into the controller, so a
// frontend may keep it, compare it and read it from any goroutine (its few
// slices are shared between copies: read them, never modify them). Every
// text is ready to show as it is.
type State struct {
	Menu     Menu
	Backups  BackupsPanel
	Settings SettingsPanel
	SignIn   SignInPanel

	// KeepAwake is why the Mac should neither nap the app nor idle-sleep
	// now ("Syncing with ESP", "Backing up Stocksync's data"); "" when
	// nothing long runs. The frontend holds a power assertion
	// (NSProcessInfo beginActivityWithOptions:reason:) while it is set.
	KeepAwake string

	// Idle is true when nothing runs in the background: no sync, backup,
	// check (Time Machine, launch at login, reminders, account) or other
	// task the controller started. Frontends need not show it; a self-test
	// or a test waits for it (WaitState) to know the controller settled.
	Idle bool
}

// Icon is a status icon variant.
type Icon int

const (
	IconIdle Icon = iota
	IconSyncing
	IconAttention
)

// Menu is the status item and its menu, top to bottom.
type Menu struct {
	// Icon is the status icon to show: IconAttention when something needs
	// the user (sign-in failed, signed out, the data folder or database is
	// missing or damaged), else IconSyncing while a sync runs. Attention
	// wins over syncing: an alarm must not hide behind a sync that is
	// running anyway. (A sync runs exactly while SyncItem is disabled.)
	Icon Icon
	// Tooltip is the status item's tooltip.
	Tooltip string

	// SyncItem is "Sync Now", or "Syncing… 1,234 of 5,000 files" (disabled)
	// while a sync runs.
	SyncItem MenuItem
	// LastSyncLine is "Last sync: 5 minutes ago", or the last error in words
	// the user can act on ("Sign-in failed — open Settings…"). Disabled item.
	LastSyncLine string
	// PortfolioLine is "12 pending · 40 in review · 1,200 accepted · 3
	// revisable · 8 rejected"; "" hides it (nothing synced yet).
	PortfolioLine string
	// WarningLine is shown when backups are overdue, the data folder is not in
	// Time Machine, or the data folder or database is missing; "" hides it.
	// Clicking it should open the Backups panel (OpenBackups).
	WarningLine string

	// BackupLine is the Backups panel's ProgressText while a backup,
	// verification or test restore runs ("Verifying… — checking files: 3 of
	// 5 files, 1.2 MB of 4 MB"); "" hides it. Disabled item.
	BackupLine string

	// PushChecked is the "Send Local Changes to ESP" checkbox.
	PushChecked bool
	// LoginChecked is the "Open at Login" checkbox; LoginEnabled is false
	// when launch at login is not available here. LoginNote, when not "",
	// is shown under it ("Requires approval in System Settings").
	LoginChecked bool
	LoginEnabled bool
	LoginNote    string

	// SignIn is "Sign in to ESP…", or "Sign in again…" once ESP ended the
	// session; ShowSignIn is false where there is nothing to sign in to
	// (the built-in demo server). Clicking it calls OpenSignIn.
	SignIn     MenuItem
	ShowSignIn bool
}

// MenuItem is a clickable menu item.
type MenuItem struct {
	Title   string
	Enabled bool
}

// Operation is a long-running backup operation.
type Operation int

const (
	OpNone Operation = iota
	OpBackUp
	OpVerify
	OpTestRestore
)

func (o Operation) String() string {
	switch o {
	case OpBackUp:
		return "back up"
	case OpVerify:
		return "verify"
	case OpTestRestore:
		return "test restore"
	}
	return "none"
}

// BackupsPanel is the "Backups…" window.
type BackupsPanel struct {
	// DataDir is the data folder's path, shown with "Reveal in Finder".
	DataDir string
	// AtRisk lists what exists only on this Mac, one line per kind with its
	// count ("12 pending uploads"); AtRiskSummary sums it up in a sentence
	// ("Nothing exists only on this Mac." when empty).
	AtRisk        []string
	AtRiskSummary string
	// ChangedSinceBackup says what the newest backup does not hold
	// ("5 changes since the last backup"); "" when unknown or nothing.
	ChangedSinceBackup string
	// Note is a problem with how Stocksync looks after the folder ("" when
	// none): e.g. changes are not being watched.
	Note string

	TimeMachine TimeMachinePanel
	App         AppBackupPanel

	// Schedule is the reminder schedule (daily / weekly / off);
	// ScheduleText describes it.
	Schedule     reminder.Schedule
	ScheduleText string
	// Schedules are the reminder popup's items, the current one selected;
	// pass the picked one's Value to ChooseSchedule.
	Schedules []Choice

	// Methods are the four backup methods of the guide, in the guide's
	// order: Time Machine, cloud folder, external drive, manual copy.
	Methods [4]Method
}

// TimeMachinePanel is the Time Machine part of the Backups panel.
type TimeMachinePanel struct {
	// Available is false where Time Machine does not exist or has not been
	// checked yet; StatusText then says so.
	Available bool
	// StatusText: "Included in Time Machine backups", "Excluded from Time
	// Machine backups", "Time Machine is not available on this system", ….
	StatusText string
	// ShowInclude shows the "Include" button (the folder is excluded and
	// not being included right now).
	ShowInclude bool
	// DestinationText: "Backup disk: Name", "No backup disk configured", ….
	DestinationText string
	// LatestText: "Latest backup: 2 hours ago", "No Time Machine backup yet", ….
	LatestText string
	// ResultText is the outcome of the last "Include" click; "" when none.
	ResultText string
}

// AppBackupPanel is the part of the Backups panel about Stocksync's own
// snapshots.
type AppBackupPanel struct {
	// Destination is the chosen folder ("" when none); DestinationText is
	// what to show ("No folder chosen" when none).
	Destination     string
	DestinationText string
	// LastSnapshotText: "Last backup: 2 days ago", "No backup yet".
	LastSnapshotText string
	// LastVerifyText: "Verified 2 days ago: all files intact", "Not verified yet", ….
	LastVerifyText string

	// Busy is the operation running now (OpNone when idle). Progress is
	// how far it is, as package backup reports it (zero before its first
	// report; Files/FilesTotal and Bytes/BytesTotal for a bar, 0 total =
	// unknown: show an indeterminate bar). ProgressText words it
	// ("Backing up… — copying thumbnails: 120 of 400 files").
	Busy         Operation
	Progress     backup.Progress
	ProgressText string
	// ResultText is the outcome of the last finished operation; ResultOK
	// says whether it succeeded. "" when nothing ran since launch.
	ResultText string
	ResultOK   bool

	// Which buttons are enabled.
	CanChoose, CanBackUp, CanVerify, CanTestRestore bool
}

// Method is one of the backup methods the guide names, and whether it is in
// place on this Mac.
type Method struct {
	Name    string
	InPlace bool
	Detail  string
	// Line is what the window shows: Name with a check mark when in place.
	Line string
}

// SettingsPanel is the Settings window. Secrets are never shown back: only
// whether each one is stored.
type SettingsPanel struct {
	Username     string
	HasPassword  bool
	HasAPIKey    bool
	HasAPISecret bool
	Server       string // config.ServerProduction, ServerSandbox, ServerDemo or ServerCustom
	// Servers are the server popup's items, Server selected; "Custom" is
	// among them only when the settings file names one. Save the picked
	// one's Value as SettingsInput.Server.
	Servers         []Choice
	IntervalMinutes int // 0 means automatic sync is off
	// CredentialsNote explains where credentials come from when that is not
	// the keychain, or why they cannot be read; "" otherwise.
	CredentialsNote string
	// OfferDemo is true when no account is set up: show "Try the Demo".
	OfferDemo bool

	// Verifying is true while "Verify" waits for ESP; VerifyResult is its
	// outcome ("" before the first), VerifyOK whether it succeeded.
	Verifying    bool
	VerifyResult string
	VerifyOK     bool
	// SaveError is why the last "Save" failed; "" after a successful one.
	SaveError string
	// NotificationsNote says why notifications cannot be shown; "" when
	// the last one went out.
	NotificationsNote string

	// SignIn is the "Sign in to ESP…" button (see Menu.SignIn).
	SignIn     MenuItem
	ShowSignIn bool
}

// SignInPanel is the "Sign in to ESP" window: a web view on SignInPage()
// whose cookies go to CompleteSignIn after each page load.
type SignInPanel struct {
	// Title is the window's title.
	Title string
	// Status says what to do or what happened ("Sign in to ESP below…",
	// "Signed in — syncing"); Error is why the session could not be kept,
	// "" when nothing went wrong.
	Status string
	Error  string
}

// String renders the state for debugging and test failure messages.
func (s State) String() string {
	var b strings.Builder
	m := s.Menu
	fmt.Fprintf(&b, "menu: syncing=%t attention=%t\n", !m.SyncItem.Enabled, m.Icon == IconAttention)
	fmt.Fprintf(&b, "  [%s] enabled=%t\n", m.SyncItem.Title, m.SyncItem.Enabled)
	fmt.Fprintf(&b, "  %s\n", m.LastSyncLine)
	if m.PortfolioLine != "" {
		fmt.Fprintf(&b, "  %s\n", m.PortfolioLine)
	}
	if m.WarningLine != "" {
		fmt.Fprintf(&b, "  ! %s\n", m.WarningLine)
	}
	fmt.Fprintf(&b, "  push=%t login=%t(enabled=%t) %s\n", m.PushChecked, m.LoginChecked, m.LoginEnabled, m.LoginNote)
	p := s.Backups
	fmt.Fprintf(&b, "backups: %s\n  at risk: %s %q %s\n", p.DataDir, p.AtRiskSummary, p.AtRisk, p.ChangedSinceBackup)
	t := p.TimeMachine
	fmt.Fprintf(&b, "  tm: %s | %s | %s | include=%t %s\n", t.StatusText, t.DestinationText, t.LatestText, t.ShowInclude, t.ResultText)
	a := p.App
	fmt.Fprintf(&b, "  app: %s | %s | %s | busy=%s %s | result=%q ok=%t\n", a.DestinationText, a.LastSnapshotText, a.LastVerifyText, a.Busy, a.ProgressText, a.ResultText, a.ResultOK)
	fmt.Fprintf(&b, "  schedule: %s (%s)\n", p.Schedule, p.ScheduleText)
	for _, m := range p.Methods {
		fmt.Fprintf(&b, "  method %s in-place=%t: %s\n", m.Name, m.InPlace, m.Detail)
	}
	st := s.Settings
	fmt.Fprintf(&b, "settings: user=%q password=%t key=%t secret=%t server=%s interval=%d demo=%t verifying=%t result=%q save=%q %s",
		st.Username, st.HasPassword, st.HasAPIKey, st.HasAPISecret, st.Server, st.IntervalMinutes, st.OfferDemo, st.Verifying, st.VerifyResult, st.SaveError, st.CredentialsNote)
	return b.String()
}
