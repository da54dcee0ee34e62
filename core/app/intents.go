package app

import (
	"context"
	"errors"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/reminder"
)

// SyncNow starts a sync unless one is running. Without an account it opens
// Settings.
func (c *Controller) SyncNow() {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case !canSync(c.f):
		c.emitLocked(Effect{Kind: EffectOpenPanel, Panel: PanelSettings})
		return
	case activeFailure(c.f) == failSignedOut:
		c.emitLocked(Effect{Kind: EffectOpenPanel, Panel: PanelSignIn})
		return
	}
	c.startSyncLocked()
}

// Woke is called when the Mac wakes from sleep: timers may have slept too,
// so a sync starts if one is due and the timers are re-armed.
func (c *Controller) Woke() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.disarmLocked() // its wait was measured on a clock that stood still during sleep
	if !(c.dueLocked() && c.startSyncLocked()) {
		c.scheduleSyncLocked()
	}
	c.goLocked(func(ctx context.Context) {
		c.refreshTimeMachine(ctx)
		c.checkReminders(ctx)
	})
	c.armLocked()
	c.publishLocked()
}

// TogglePush flips "Send Local Changes to ESP" from what the settings say
// now (not from what a menu last showed, which may be a state behind).
func (c *Controller) TogglePush() {
	c.mu.Lock()
	on := !c.f.cfg.PushLocalChanges
	c.mu.Unlock()
	c.SetPush(on)
}

// ToggleOpenAtLogin flips "Open at Login" from the current launch-at-login
// state. It does nothing while that state is unknown, being changed, or
// unavailable here (the item is disabled then).
func (c *Controller) ToggleOpenAtLogin() {
	c.mu.Lock()
	m := renderMenu(c.f, c.clock.Now())
	c.mu.Unlock()
	if !m.LoginEnabled {
		return
	}
	c.SetOpenAtLogin(!m.LoginChecked)
}

// ChooseSchedule sets the reminder schedule to a Value of
// BackupsPanel.Schedules; a value that names no schedule is shown as an
// alert and changes nothing.
func (c *Controller) ChooseSchedule(value string) {
	s, err := reminder.ParseSchedule(value)
	if err != nil {
		c.alert(err)
		return
	}
	c.SetSchedule(s)
}

// SetPush turns "Send Local Changes to ESP" on or off; the next sync uses it.
func (c *Controller) SetPush(on bool) {
	if err := c.updateConfig(func(cfg *config.Config) { cfg.PushLocalChanges = on }); err != nil {
		c.alert(err)
	}
}

// SetOpenAtLogin turns Open at Login on or off. When only the user can
// allow it, System Settings is opened for them.
func (c *Controller) SetOpenAtLogin(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f.loginBusy {
		return
	}
	c.f.loginBusy = true
	c.goLocked(func(ctx context.Context) {
		var err error
		if on {
			err = c.deps.Login.Enable(ctx)
		} else {
			err = c.deps.Login.Disable(ctx)
		}
		st, serr := c.deps.Login.Status(ctx)
		c.update(func() {
			c.f.loginBusy = false
			c.f.login, c.f.loginErr, c.f.loginKnown = st, serr, true
			switch {
			case errors.Is(err, loginitem.ErrRequiresApproval), err == nil && on && st == loginitem.RequiresApproval:
				c.emitLocked(Effect{Kind: EffectOpenLoginItemsSettings})
			case err != nil:
				c.emitLocked(Effect{Kind: EffectAlert, Title: textAlertTitle, Message: loginFailed(on, err)})
			}
		})
	})
	c.publishLocked()
}

// RevealDataFolder shows the data folder in Finder.
func (c *Controller) RevealDataFolder() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emitLocked(Effect{Kind: EffectRevealInFinder, Path: c.dir.Root})
}

// SetSchedule sets how often to remind about backups.
func (c *Controller) SetSchedule(s reminder.Schedule) {
	if err := c.updateConfig(func(cfg *config.Config) { cfg.Backup.Schedule = s.String() }); err != nil {
		c.alert(err)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.goLocked(c.checkReminders)
}

// SnoozeReminder silences backup reminders for d.
func (c *Controller) SnoozeReminder(d time.Duration) {
	until := c.clock.Now().Add(d)
	if err := c.updateConfig(func(cfg *config.Config) { cfg.Backup.SnoozedUntil = until }); err != nil {
		c.alert(err)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.goLocked(c.checkReminders)
}

// OpenBackups opens the Backups panel and rereads what it shows.
func (c *Controller) OpenBackups() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emitLocked(Effect{Kind: EffectOpenPanel, Panel: PanelBackups})
	c.goLocked(func(ctx context.Context) {
		c.refreshTimeMachine(ctx)
		c.refreshDBFacts(ctx)
		c.update(func() {})
	})
}

// OpenSettings opens the Settings window.
func (c *Controller) OpenSettings() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emitLocked(Effect{Kind: EffectOpenPanel, Panel: PanelSettings})
}

// NotificationAction handles a click on a notification the controller
// showed: actionID is one of its buttons (notify.BackupNow.ID,
// notify.OpenBackups.ID), or "" when the notification itself was clicked.
func (c *Controller) NotificationAction(notificationID, actionID string) {
	switch actionID {
	case notify.BackupNow.ID:
		c.BackUpNow()
		return
	case notify.OpenBackups.ID:
		c.OpenBackups()
		return
	}
	switch notificationID {
	case noteIDReminder, noteIDTMWarning, noteIDDataGone:
		c.OpenBackups()
	case noteIDSignIn:
		c.OpenSettings()
	case noteIDSignedOut:
		c.OpenSignIn()
	}
}

// MenuOpened republishes the state if a relative time ("5 minutes ago")
// changed. No timer keeps those fresh, so an idle app sleeps: the frontend
// calls this each time a menu opens or a window of the app comes to the
// front.
func (c *Controller) MenuOpened() { c.update(func() {}) }

// Quit asks the frontend to end the app (EffectQuit); the frontend then
// calls Close.
func (c *Controller) Quit() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emitLocked(Effect{Kind: EffectQuit})
}

// alert shows an error from a menu intent.
func (c *Controller) alert(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emitLocked(Effect{Kind: EffectAlert, Title: textAlertTitle, Message: err.Error()})
}
