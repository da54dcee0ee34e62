// Package notify shows user notifications ("37 pending uploads exist only on
// this Mac") through a small Notifier interface.
//
// The native path (UNUserNotificationCenter) needs a signed .app and lives in
// darwin/. The Osascript notifier here works for any build: it runs
// osascript's `display notification`, passing every text as an argument of
// the script's run handler, never as part of the script, so no text can
// change what the script does. Fallback chains the two; Recorder records
// notifications for tests of other packages.
//
// Gate holds the rule for which path a notification takes (RouteFor): the
// system center when the app may notify, nothing while the permission prompt
// is unanswered (held until Resolved), nothing when the user said no, and
// osascript only when the center is unavailable or refused the app. The
// platform code (darwin/) implements Center with the system calls alone.
package notify
