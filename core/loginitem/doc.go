// Package loginitem starts Stocksync when the user logs in.
//
// Two mechanisms exist on macOS. SMAppService (macOS 13+) is the system's
// own; darwin/ exposes its three calls as an AppService. The fallback, which
// works for any build and on macOS 12, is a LaunchAgent: a plist in
// ~/Library/LaunchAgents loaded with launchctl. Auto holds the decisions
// between them: SMAppService's "not found" means "not registered" (register),
// and the LaunchAgent is used only when registering fails or SMAppService is
// missing.
//
// launchctl is reached through the small Runner interface, so the LaunchAgent
// manager is tested on any system; off macOS every launchctl call fails with
// ErrNotAvailable and Status reports Unsupported.
package loginitem
