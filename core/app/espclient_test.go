package app

import (
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
)

// A sync with the warm client does not read the keychain (on macOS a
// round trip to securityd each time): the credentials are read to build
// the client only.
func TestWarmSyncReadsNoCredentials(t *testing.T) {
	h := newHarness(t, harnessOptions{server: smallServer(), start: true})
	h.waitSync("first sync", func(r store.SyncRun) bool { return r.ID == 1 })
	h.waitState("idle", func(s State) bool { return s.Menu.SyncItem.Enabled })
	before := h.secrets.loadCount()
	if before == 0 {
		t.Fatal("the first sync read no credentials: the client was not built from the keychain")
	}
	h.c.SyncNow()
	h.waitSync("second sync", func(r store.SyncRun) bool { return r.ID == 2 })
	h.waitState("idle", func(s State) bool { return s.Menu.SyncItem.Enabled })
	if got := h.secrets.loadCount() - before; got != 0 {
		t.Errorf("the warm sync read the credentials %d times, want 0", got)
	}
}

// After ESP refused the sign-in, the next sync reads the keychain again:
// an account corrected outside the app (`stocksync signin`) is used
// without a restart.
func TestSignInCorrectedElsewhereIsUsed(t *testing.T) {
	h := newHarness(t, harnessOptions{
		server: smallServer(),
		creds: func(c espfake.Credentials) secrets.Credentials {
			return secrets.Credentials{Username: c.Username, Password: secrets.NewSecret("wrong"),
				APIKey: secrets.NewSecret(c.APIKey), APISecret: secrets.NewSecret(c.APISecret)}
		},
		start: true,
	})
	h.waitState("sign-in failure", func(s State) bool { return s.Menu.Icon == IconAttention && s.Menu.SyncItem.Enabled })
	cr := h.srv.Credentials()
	if err := h.secrets.Save(secrets.Credentials{Username: cr.Username, Password: secrets.NewSecret(cr.Password),
		APIKey: secrets.NewSecret(cr.APIKey), APISecret: secrets.NewSecret(cr.APISecret)}); err != nil {
		t.Fatal(err)
	}
	h.c.SyncNow()
	s := h.waitState("sync with the corrected account", func(s State) bool { return s.Menu.LastSyncLine == "Last sync: just now" })
	if s.Menu.Icon == IconAttention {
		t.Errorf("attention still on after a good sync:\n%s", s)
	}
}
