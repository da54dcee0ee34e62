// Package notify shows user notifications ("37 pending uploads exist only on
// this Mac") through a small Notifier interface.
//
// The native path (UNUserNotificationCenter) needs a signed .app and lives in
// darwin/. The Osascript notifier here works for any build: it runs
// osascript's `display notification`, passing every text as an argument of
// the script's run handler, never as part of the script, so no text can
// change what the script does. Fallback chains the two; Recorder records
// notifications for tests of other packages.
package notify
