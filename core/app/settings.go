package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/secrets"
)

// SettingsInput is what the Settings window sends on "Save". Empty secret
// fields keep the stored secret: the window never receives them back.
type SettingsInput struct {
	Username  string
	Password  string
	APIKey    string
	APISecret string
	// Server is config.ServerProduction, ServerSandbox or ServerDemo (or
	// ServerCustom when the settings file already names its addresses).
	Server string
	// IntervalMinutes between automatic syncs; 0 turns them off.
	IntervalMinutes int
}

// readCredentials says which credentials are stored, keeping none of them.
func (c *Controller) readCredentials() credFacts {
	var f credFacts
	if env, ok := c.deps.Secrets.(*secrets.Env); ok && env.Reason() != nil {
		f.note = textCredsEnv
	}
	creds, err := c.deps.Secrets.Load()
	switch {
	case errors.Is(err, secrets.ErrNotFound):
		return f
	case err != nil:
		f.note = credentialsUnreadable(err)
		return f
	}
	f.found = true
	f.username = creds.Username
	f.hasPassword, f.hasKey, f.hasSecret = creds.Password.IsSet(), creds.APIKey.IsSet(), creds.APISecret.IsSet()
	return f
}

// SaveSettings stores the account in the keychain and the rest in the
// settings file, then syncs with the new settings. It returns the error also
// shown as Settings.SaveError. It waits for the keychain, which can take a
// moment: call it off the main thread.
func (c *Controller) SaveSettings(in SettingsInput) error {
	err := c.saveSettings(in)
	var creds credFacts
	if err == nil {
		creds = c.readCredentials() // the keychain, outside the lock
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.f.saveErr = ""
	if err != nil {
		c.f.saveErr = err.Error()
		c.publishLocked()
		return err
	}
	c.f.creds = creds
	c.accountChangedLocked()
	c.publishLocked()
	return nil
}

func (c *Controller) saveSettings(in SettingsInput) error {
	switch in.Server {
	case config.ServerProduction, config.ServerSandbox, config.ServerDemo, config.ServerCustom:
	default:
		return fmt.Errorf("choose a server: production, sandbox or demo (got %q)", in.Server)
	}
	if in.IntervalMinutes < 0 || in.IntervalMinutes > 7*24*60 {
		return fmt.Errorf("the sync interval must be between 0 (off) and %d minutes", 7*24*60)
	}
	if in.Username != "" || in.Password != "" || in.APIKey != "" || in.APISecret != "" {
		if err := c.saveCredentials(in); err != nil {
			return err
		}
	}
	cfg, err := config.Update(c.dir.Config(), func(cfg *config.Config) error {
		cfg.Server, cfg.SyncIntervalMinutes = in.Server, in.IntervalMinutes
		return cfg.Validate()
	})
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	c.mu.Lock()
	c.f.cfg, c.f.cfgErr = cfg, nil
	c.mu.Unlock()
	return nil
}

// saveCredentials merges the fields given with those stored.
func (c *Controller) saveCredentials(in SettingsInput) error {
	creds, err := c.deps.Secrets.Load()
	if err != nil && !errors.Is(err, secrets.ErrNotFound) {
		creds = secrets.Credentials{}
	}
	old := creds
	if in.Username != "" {
		creds.Username = in.Username
	}
	for _, s := range []struct {
		in  string
		dst *secrets.Secret
	}{{in.Password, &creds.Password}, {in.APIKey, &creds.APIKey}, {in.APISecret, &creds.APISecret}} {
		if s.in != "" {
			*s.dst = secrets.NewSecret(s.in)
		}
	}
	if creds.Equal(old) {
		return nil
	}
	if err := creds.Validate(); err != nil {
		return fmt.Errorf("ESP account: %w", err)
	}
	if err := c.deps.Secrets.Save(creds); err != nil {
		return fmt.Errorf("store the ESP account in the keychain: %w", err)
	}
	return nil
}

// accountChangedLocked forgets the client and the sign-in failure, re-arms
// the timer and syncs with the new account.
func (c *Controller) accountChangedLocked() {
	c.client, c.clientKey = nil, ""
	if c.f.sync.fail == failBadCredentials || c.f.sync.fail == failSignedOut {
		c.f.sync.fail = failNone
	}
	c.f.sync.badCredsNotified = false
	if c.f.app.SignedOutNotified {
		c.f.app.SignedOutNotified = false
		c.goLocked(func(context.Context) { c.persistAppState() })
	}
	c.f.verifyResult, c.f.verifyOK = "", false
	if !c.startSyncLocked() {
		c.scheduleSyncLocked()
	}
}

// VerifyAccount signs in to ESP with the saved settings and reports the
// outcome in Settings.VerifyResult.
func (c *Controller) VerifyAccount() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f.verifying {
		return
	}
	c.f.verifying, c.f.verifyResult = true, ""
	cfg := c.f.cfg
	c.goLocked(func(ctx context.Context) {
		client, err := c.espClient(ctx, cfg)
		if err == nil {
			err = client.VerifyCredentials(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		c.update(func() {
			c.f.verifying = false
			c.f.verifyOK = err == nil
			c.f.verifyResult = textVerifyOK
			if err != nil {
				c.f.verifyResult = verifyFailed(err)
				return
			}
			if c.f.sync.fail == failBadCredentials {
				c.f.sync.fail, c.f.sync.badCredsNotified = failNone, false
				c.startSyncLocked()
			}
		})
	})
	c.publishLocked()
}

// UseDemo switches to the built-in demo server and syncs, so a new user
// sees the app work before setting up an account.
func (c *Controller) UseDemo() {
	err := c.updateConfig(func(cfg *config.Config) { cfg.Server = config.ServerDemo })
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.emitLocked(Effect{Kind: EffectAlert, Title: textAlertTitle, Message: err.Error()})
		return
	}
	c.accountChangedLocked()
	c.publishLocked()
}
