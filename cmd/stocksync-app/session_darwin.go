//go:build darwin

package main

import (
	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/session"
)

// saveSessionTo stores an ESP browser session with the credentials in the
// keychain: account.SaveSession (core/account), the CLI's `stocksync login`
// uses it too. A variable so the self-test could swap it.
var saveSessionTo func(st secrets.Store, s session.Session) error = account.SaveSession

// sessionSaver is Deps.SaveSession for the app: Controller.CompleteSignIn
// calls it with the session the sign-in window captured, then syncs.
func sessionSaver(st secrets.Store) func(session.Session) error {
	return func(s session.Session) error {
		return saveSessionTo(st, s)
	}
}
