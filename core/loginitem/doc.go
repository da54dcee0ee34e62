// Package loginitem starts Stocksync when the user logs in.
//
// Two mechanisms exist on macOS. SMAppService (macOS 13+) is the system's own,
// but ad-hoc-signed or unsigned builds report "not found" and pile up
// duplicate entries; it lives in darwin/ and implements Manager. The fallback,
// which works for any build, is a LaunchAgent: a plist in
// ~/Library/LaunchAgents loaded with launchctl. Choose picks between them from
// the status SMAppService reports.
//
// launchctl is reached through the small Runner interface, so the LaunchAgent
// manager is tested on any system; off macOS every launchctl call fails with
// ErrNotAvailable and Status reports Unsupported.
package loginitem
