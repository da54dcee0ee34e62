package app

import (
	"context"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// offlineESP stands in for Getty's servers, which tests never contact.
type offlineESP struct{ ESPClient }

func (offlineESP) Stats() esp.Stats { return esp.Stats{} }
func (offlineESP) ListBatchesExpecting(context.Context, int, int) ([]esp.Batch, error) {
	return nil, &esp.Error{Kind: esp.ErrUnavailable, Endpoint: esp.EndpointBatchesList, Message: "offline test"}
}

func TestSaveSettingsNeverEchoesSecrets(t *testing.T) {
	h := newHarness(t, harnessOptions{start: true, wrap: func(ESPClient) ESPClient { return offlineESP{} }})
	s := h.settled()
	if s.Settings.HasPassword || s.Settings.Username != "" || !s.Settings.OfferDemo {
		t.Fatalf("fresh settings:\n%s", s)
	}
	err := h.c.SaveSettings(SettingsInput{Username: "anna", Password: "pw-123", APIKey: "key-456", APISecret: "secret-789",
		Server: config.ServerSandbox, IntervalMinutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	s = h.c.State()
	st := s.Settings
	if st.Username != "anna" || !st.HasPassword || !st.HasAPIKey || !st.HasAPISecret || st.Server != "sandbox" || st.IntervalMinutes != 30 || st.OfferDemo {
		t.Errorf("settings after save:\n%s", s)
	}
	for _, secret := range []string{"pw-123", "key-456", "secret-789"} {
		if strings.Contains(s.String(), secret) || strings.Contains(readFile(t, h.dir.Config()), secret) {
			t.Errorf("secret %q appears in the state or config.json", secret)
		}
	}
	h.settled() // the sync the new account started
	if got, want := h.c.State().Menu.LastSyncLine, "Sync failed just now: ESP is unavailable, will retry"; got != want {
		t.Errorf("last sync line = %q, want %q", got, want)
	}
	cfg := h.loadConfig()
	if cfg.Server != "sandbox" || cfg.SyncIntervalMinutes != 30 {
		t.Errorf("config.json: server %q interval %d", cfg.Server, cfg.SyncIntervalMinutes)
	}

	// Empty secrets keep the stored ones.
	if err := h.c.SaveSettings(SettingsInput{Username: "anna", Server: config.ServerSandbox, IntervalMinutes: 0}); err != nil {
		t.Fatal(err)
	}
	creds, _ := h.secrets.Load()
	if creds.Password.Reveal() != "pw-123" || creds.APISecret.Reveal() != "secret-789" {
		t.Errorf("saving without secrets changed them: %v", creds)
	}

	for _, in := range []SettingsInput{
		{Server: "staging", IntervalMinutes: 60},
		{Server: config.ServerProduction, IntervalMinutes: -1},
	} {
		if err := h.c.SaveSettings(in); err == nil {
			t.Errorf("SaveSettings(%+v) succeeded", in)
		} else if got := h.c.State().Settings.SaveError; got != err.Error() {
			t.Errorf("SaveError = %q, want %q", got, err.Error())
		}
	}
}

func TestVerifyAccount(t *testing.T) {
	h := newHarness(t, harnessOptions{server: &espfake.Options{Seed: 1, Batches: 1, ContributionsPerBatch: 1, NoThumbnails: true},
		cfg: func(c *config.Config) { c.SyncIntervalMinutes = 0 }, start: true})
	h.settled()
	h.c.VerifyAccount()
	s := h.waitState("verified", func(s State) bool { return !s.Settings.Verifying })
	if s.Settings.VerifyResult != "Signed in to ESP." || !s.Settings.VerifyOK {
		t.Errorf("verify with good credentials:\n%s", s)
	}
	if err := h.c.SaveSettings(SettingsInput{Password: "wrong", Server: config.ServerCustom}); err != nil {
		t.Fatal(err)
	}
	h.c.VerifyAccount()
	s = h.waitState("refused", func(s State) bool { return s.Settings.VerifyResult != "" && !s.Settings.Verifying })
	if s.Settings.VerifyOK || !strings.Contains(s.Settings.VerifyResult, "ESP refused the sign-in") {
		t.Errorf("verify with a wrong password:\n%s", s)
	}
}

func TestUseDemo(t *testing.T) {
	h := newHarness(t, harnessOptions{demo: true, start: true})
	if s := h.settled(); !s.Settings.OfferDemo {
		t.Fatalf("no account, no demo offered:\n%s", s)
	}
	h.c.UseDemo()
	s := h.waitState("demo synced", func(s State) bool { return s.Menu.PortfolioLine != "" && s.Menu.SyncItem.Enabled })
	if s.Menu.LastSyncLine != "Last sync: just now" || s.Settings.Server != config.ServerDemo || s.Settings.OfferDemo {
		t.Errorf("after UseDemo:\n%s", s)
	}
	if got := h.loadConfig().Server; got != config.ServerDemo {
		t.Errorf("server in config.json = %q, want demo", got)
	}
}
