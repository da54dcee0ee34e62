// Package app is the platform-independent controller of the Stocksync
// menu-bar app. One Controller owns every running piece — the sync engine,
// the thumbnail downloader, the data-folder watcher, the backup reminder
// scheduler and the automatic-sync timer — and is the only thing the macOS
// frontend (darwin/) talks to.
//
// The frontend renders each published State, received through Watch, and turns
// clicks into intent methods (SyncNow, BackUpNow, SetPush, …). Every intent
// returns at once; long work runs on the controller's goroutines and shows up
// in later states. Things only the frontend can do (open a panel, show a
// folder picker, reveal a folder in Finder, quit) arrive as Effects; a
// frontend listens with ListenEffects, which subscribes before it returns,
// so an intent called right after (a notification click that launched the
// app) is not lost.
// Notifications are shown by the controller itself through the injected
// notify.Notifier; the inspectors' decisions (accepted, sent back,
// rejected) come from the review events syncs record (store.ReviewEvents).
// StartupProblem words an interrupted restore or a damaged database found
// at launch, before the controller exists.
//
// Decisions a frontend might be tempted to make live here too: the popup
// lists and which item is current (Choice), the checkbox toggles
// (TogglePush, ToggleOpenAtLogin decide from the controller's state, not
// from the state a menu last showed), whether the Mac must stay awake
// (State.KeepAwake), the sign-in flow (SignInPage, CompleteSignIn: which
// cookies make a session is core/session's call; SignInPageFailed words a
// page that did not load) and the signed-out state
// (automatic syncs wait for a sign-in; one notification). WaitState waits
// for a published state, for tests and the app's --self-test, whose
// report and controller steps are SelfTest, SelfTestSync and
// SelfTestBackup.
//
// Time comes from one clock.Clock (Deps.Clock). An idle app wakes only when
// something is due: one timer is armed for the earliest of the next
// automatic sync and the next Time Machine and reminder check (timer.go),
// and relative times ("5 minutes ago") are worded when a state is
// rendered — the frontend calls MenuOpened when a menu opens — not on a
// ticking timer.
//
// Failures in the background are logged to Deps.Logger, one logger per
// component (log.go); credentials never are. SQL stays in core/store; the
// app reads through its methods (ReviewEvents, LastFinishedSyncRun, …).
// Backups run through package backup itself (BackUp, VerifyNewest,
// TestRestoreNewest), which records each run once and reports progress; the
// controller words the outcome and the progress (text.go).
//
// Every text in a State is ready to render and written in text.go. Nothing
// here imports AppKit: the whole controller is tested on Linux with a fake
// clock (clock/clocktest), a real SQLite database, real backup snapshots
// (package backup), a local ESP server (espfake) and fakes only for what needs macOS:
// tmutil's recorded output (timemachine.Runner), launch at login and
// notifications. Tests wait for published states (WaitState,
// State.Idle), never on the controller's insides.
package app
