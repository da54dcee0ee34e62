//go:build darwin

package darwin

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/getlantern/systray"
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/objc"

	"github.com/stocksync/stocksync/core/app"
	"github.com/stocksync/stocksync/resources"
)

// Titles of the menu items whose text never changes.
const (
	titleBackups  = "Backups…"
	titleReveal   = "Reveal Data Folder in Finder"
	titlePush     = "Send Local Changes to ESP"
	titleLogin    = "Open at Login"
	titleSettings = "Settings…"
	titleQuit     = "Quit Stocksync"
)

// menu is the status item and its menu. The items are made once; each
// published state then only changes titles, checks, enabled and hidden states.
// render runs on one goroutine at a time; clicks on another. Until a
// controller is attached only Quit does something.
type menu struct {
	ctrl atomic.Pointer[app.Controller]

	sync, lastSync, portfolio, warning *systray.MenuItem
	backupLine                         *systray.MenuItem
	signIn                             *systray.MenuItem
	backups, reveal                    *systray.MenuItem
	push, login, loginNote             *systray.MenuItem
	settings, quit                     *systray.MenuItem

	mu sync.Mutex // one render at a time
	// rendered is the Sync item's title once render has handed it to
	// systray (read without mu, which a render holds while it waits for
	// the main thread).
	rendered atomic.Pointer[string]
	// Only render touches these.
	shown    app.Menu
	hasShown bool
	icon     iconKind
}

// iconKind is which status icon shows; the zero value is none yet.
type iconKind int

const (
	iconIdle iconKind = iota + 1
	iconSyncing
	iconAlert
)

// newMenu shows the status icon first, then adds the items to its menu in
// the order the user sees them, showing starting (app.StartingMenu) until
// a controller's published states replace it. systray setters wait for the main
// thread: not from onMain.
func newMenu(starting app.Menu) *menu {
	m := &menu{}
	m.setIcon(iconIdle)
	systray.SetTooltip(starting.Tooltip)
	m.sync = systray.AddMenuItem(starting.SyncItem.Title, "")
	m.sync.Disable()
	m.lastSync = info()
	m.portfolio = info()
	m.warning = systray.AddMenuItem("", "")
	m.warning.Hide()
	m.backupLine = info() // a backup's progress, while one runs
	m.signIn = systray.AddMenuItem("", "")
	m.signIn.Hide()
	systray.AddSeparator()
	m.backups = systray.AddMenuItem(titleBackups, "")
	m.reveal = systray.AddMenuItem(titleReveal, "")
	systray.AddSeparator()
	m.push = systray.AddMenuItemCheckbox(titlePush, "", false)
	m.login = systray.AddMenuItemCheckbox(titleLogin, "", false)
	m.login.Disable()
	m.loginNote = info()
	systray.AddSeparator()
	m.settings = systray.AddMenuItem(titleSettings, "")
	systray.AddSeparator()
	m.quit = systray.AddMenuItem(titleQuit, "")
	m.shown, m.hasShown = starting, true
	m.rendered.Store(&starting.SyncItem.Title)
	return m
}

// info adds a line that only informs: disabled, and hidden until it has text.
func info() *systray.MenuItem {
	it := systray.AddMenuItem("", "")
	it.Disable()
	it.Hide()
	return it
}

// render shows s, touching only what changed since the last call: each
// setter is a round trip to the main thread.
func (m *menu) render(s app.Menu) {
	m.mu.Lock()
	defer m.mu.Unlock()
	prev, all := m.shown, !m.hasShown
	m.shown, m.hasShown = s, true
	defer m.rendered.Store(&s.SyncItem.Title) // after the setters below

	switch s.Icon {
	case app.IconSyncing:
		m.setIcon(iconSyncing)
	case app.IconAttention:
		m.setIcon(iconAlert)
	default:
		m.setIcon(iconIdle)
	}
	if all || s.Tooltip != prev.Tooltip {
		systray.SetTooltip(s.Tooltip)
	}
	if all || s.SyncItem != prev.SyncItem {
		m.sync.SetTitle(s.SyncItem.Title)
		setEnabled(m.sync, s.SyncItem.Enabled)
	}
	if all || s.LastSyncLine != prev.LastSyncLine {
		setLine(m.lastSync, s.LastSyncLine)
	}
	if all || s.PortfolioLine != prev.PortfolioLine {
		setLine(m.portfolio, s.PortfolioLine)
	}
	if all || s.WarningLine != prev.WarningLine {
		setLine(m.warning, s.WarningLine)
	}
	if all || s.BackupLine != prev.BackupLine {
		setLine(m.backupLine, s.BackupLine)
	}
	if all || s.PushChecked != prev.PushChecked {
		setChecked(m.push, s.PushChecked)
	}
	if all || s.LoginChecked != prev.LoginChecked {
		setChecked(m.login, s.LoginChecked)
	}
	if all || s.LoginEnabled != prev.LoginEnabled {
		setEnabled(m.login, s.LoginEnabled)
	}
	if all || s.LoginNote != prev.LoginNote {
		setLine(m.loginNote, s.LoginNote)
	}
	if all || s.SignIn != prev.SignIn || s.ShowSignIn != prev.ShowSignIn {
		if s.ShowSignIn {
			m.signIn.SetTitle(s.SignIn.Title)
			setEnabled(m.signIn, s.SignIn.Enabled)
			m.signIn.Show()
		} else {
			m.signIn.Hide()
		}
	}
}

// shownSyncTitle is the Sync item's title as last handed to systray. It
// never blocks.
func (m *menu) shownSyncTitle() string { return *m.rendered.Load() }

// appKitSyncTitle is the title AppKit shows for the menu's first item (the
// Sync item): systray's delegate keeps its NSMenu in the ivar "menu". ok is
// false when the delegate is not systray's. Main thread only.
func appKitSyncTitle() (title string, ok bool) {
	d := objc.Call[objc.Object](appkit.Application_SharedApplication(), objc.Sel("delegate"))
	if d.Ptr() == nil || !d.RespondsToSelector(objc.Sel("add_or_update_menu_item:")) {
		return "", false
	}
	nm := objc.Call[objc.Object](d, objc.Sel("valueForKey:"), "menu")
	if nm.Ptr() == nil || objc.Call[int](nm, objc.Sel("numberOfItems")) == 0 {
		return "", false
	}
	it := objc.Call[objc.Object](nm, objc.Sel("itemAtIndex:"), 0)
	if it.Ptr() == nil {
		return "", false
	}
	return objc.Call[string](it, objc.Sel("title")), true
}

func (m *menu) setIcon(k iconKind) {
	if k == m.icon {
		return
	}
	m.icon = k
	icon := resources.StatusIcon
	switch k {
	case iconSyncing:
		icon = resources.StatusIconSyncing
	case iconAlert:
		icon = resources.StatusIconAlert
	}
	systray.SetTemplateIcon(icon, icon)
}

// clicks forwards each click to its intent until ctx ends. A click that
// arrives while an intent is being called is not lost for long: intents
// return at once. The checkboxes' new state is decided by the controller
// from its own state (TogglePush, ToggleOpenAtLogin). Quit works with or
// without a controller.
func (m *menu) clicks(ctx context.Context) {
	for {
		var click func(*app.Controller)
		select {
		case <-ctx.Done():
			return
		case <-m.quit.ClickedCh:
			// Directly, not through the controller's EffectQuit: Quit must
			// work before a controller runs and whatever it is doing.
			quit()
			continue
		case <-m.sync.ClickedCh:
			click = (*app.Controller).SyncNow
		case <-m.warning.ClickedCh:
			click = (*app.Controller).OpenBackups
		case <-m.signIn.ClickedCh:
			click = (*app.Controller).OpenSignIn
		case <-m.backups.ClickedCh:
			click = (*app.Controller).OpenBackups
		case <-m.reveal.ClickedCh:
			click = (*app.Controller).RevealDataFolder
		case <-m.push.ClickedCh:
			click = (*app.Controller).TogglePush
		case <-m.login.ClickedCh:
			click = (*app.Controller).ToggleOpenAtLogin
		case <-m.settings.ClickedCh:
			click = (*app.Controller).OpenSettings
		}
		if c := m.ctrl.Load(); c != nil {
			click(c)
		}
	}
}

// setLine shows text, or hides the item when there is none.
func setLine(it *systray.MenuItem, text string) {
	if text == "" {
		it.Hide()
		return
	}
	it.SetTitle(text)
	it.Show()
}

func setEnabled(it *systray.MenuItem, on bool) {
	if on {
		it.Enable()
	} else {
		it.Disable()
	}
}

func setChecked(it *systray.MenuItem, on bool) {
	if on {
		it.Check()
	} else {
		it.Uncheck()
	}
}
