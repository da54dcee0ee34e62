//go:build darwin

package main

import (
	"errors"

	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/session"
)

// saveSessionTo stores an ESP browser session with the credentials. It is
// account.SaveSession (core/account, ESP's contract); nil until that is
// merged, and then sign-ins are refused with a message.
var saveSessionTo func(st secrets.Store, s session.Session) error

// sessionSaver is Deps.SaveSession for the app.
func sessionSaver(st secrets.Store) func(session.Session) error {
	return func(s session.Session) error {
		if saveSessionTo == nil {
			return errors.New("this build cannot store an ESP session yet")
		}
		return saveSessionTo(st, s)
	}
}
