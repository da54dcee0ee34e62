package app

import (
	"strings"

	"github.com/stocksync/stocksync/core/notify"
)

// Words of signing in, the signed-out state, start-up and keeping the Mac
// awake (text.go holds the rest).

const (
	textSignInItem    = "Sign in to ESP…"
	textSignInAgain   = "Sign in again…"
	textSignedOutLine = "Signed out of ESP — choose Sign in again…"
	textSignInTitle   = "Sign in to ESP"
	textSignInStatus  = "Sign in to ESP below. Stocksync keeps only the session, in the keychain, and syncs once you are signed in."
	textSignInAgainSt = "ESP ended the session. Sign in again below; what was synced is kept and no local work was touched."
	textSignedInSt    = "Signed in — syncing."
	textKeepSyncing   = "Syncing with ESP"
	textKeepBackingUp = "Backing up Stocksync's data"
	textStarting      = "Starting…"
	noteIDSignedOut   = "signed-out"
)

// signedOutNote is the one notification after ESP ended the session.
func signedOutNote() notify.Notification {
	return notify.Notification{
		ID:    noteIDSignedOut,
		Title: "Signed out of ESP",
		Body:  "ESP ended Stocksync's session. Choose \"Sign in again…\" in the Stocksync menu; syncing waits until then. What was synced is kept and no local work was touched.",
	}
}

// signInNotKept is why a completed sign-in could not be stored.
func signInNotKept(err error) string {
	return "Signed in, but Stocksync could not keep the session: " + err.Error()
}

// signInPageFailed is why the sign-in window shows no page; why is
// WebKit's description of the failure.
func signInPageFailed(why string) string {
	why = strings.TrimSpace(why)
	if why == "" {
		why = "no reason given"
	}
	why = strings.TrimSuffix(why, ".")
	return "The ESP sign-in page did not load (" + why + "). Check the internet connection, then choose Sign in to ESP… again."
}

// StartingMenu is the menu to show before the controller runs: the status
// icon, "Starting…" and Quit work at once, so the app is never an invisible
// status item while the database opens.
func StartingMenu() Menu {
	return Menu{
		Tooltip:      tooltip(textStarting),
		SyncItem:     MenuItem{Title: textStarting},
		LoginEnabled: false,
	}
}
