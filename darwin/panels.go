//go:build darwin

package darwin

import (
	"sync"

	"github.com/progrium/darwinkit/macos/appkit"

	"github.com/stocksync/stocksync/core/app"
)

// panels owns the windows (Backups, Settings, Sign in to ESP). They are made on first use and kept;
// published states are handed over from any goroutine and rendered on the main
// thread, merged when they come faster than it renders them.
type panels struct {
	ctrl *app.Controller

	mu      sync.Mutex
	latest  app.State
	pending bool // a refresh is queued on the main queue

	// Main thread only.
	backups  *backupsPanel
	settings *settingsPanel
	signIn   *signInWindow
}

// update takes a newly published state. Any goroutine; it never waits.
func (p *panels) update(s app.State) {
	p.mu.Lock()
	p.latest = s
	queue := !p.pending
	p.pending = true
	p.mu.Unlock()
	if queue {
		onMain(p.refresh)
	}
}

func (p *panels) state() app.State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.latest
}

// refresh renders the newest state into the windows that exist.
// Main thread only.
func (p *panels) refresh() {
	p.mu.Lock()
	s := p.latest
	p.pending = false
	p.mu.Unlock()
	if p.backups != nil {
		p.backups.render(s.Backups)
	}
	if p.settings != nil {
		p.settings.render(s.Settings)
	}
	if p.signIn != nil {
		p.signIn.render(s.SignIn)
	}
}

// open shows a window in front of every other app. Main thread only.
func (p *panels) open(which app.Panel) {
	installEditMenu()
	s := p.state()
	switch which {
	case app.PanelBackups:
		first := p.backups == nil
		if first {
			p.backups = newBackupsPanel(p.ctrl)
		}
		p.backups.render(s.Backups)
		if first {
			placeFirst(p.backups.w)
		}
		bringForward(p.backups.w)
	case app.PanelSettings:
		first := p.settings == nil
		if first {
			p.settings = newSettingsPanel(p.ctrl)
		}
		if !p.settings.w.IsVisible() {
			p.settings.fill(s.Settings)
		}
		p.settings.render(s.Settings)
		if first {
			placeFirst(p.settings.w)
		}
		bringForward(p.settings.w)
	case app.PanelSignIn:
		if p.signIn == nil {
			p.signIn = newSignInWindow(p.ctrl)
		}
		p.signIn.open(s.SignIn)
	}
}

// window is the window of which, nil when it was never opened. Main
// thread only.
func (p *panels) window(which app.Panel) *appkit.Window {
	switch {
	case which == app.PanelBackups && p.backups != nil:
		return &p.backups.w
	case which == app.PanelSettings && p.settings != nil:
		return &p.settings.w
	case which == app.PanelSignIn && p.signIn != nil:
		return &p.signIn.w
	}
	return nil
}
