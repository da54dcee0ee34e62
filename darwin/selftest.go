//go:build darwin

package darwin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/progrium/darwinkit/macos/appkit"

	"github.com/stocksync/stocksync/core/app"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/notify"
)

// selfTestNote is the one notification the self-test posts.
var selfTestNote = notify.Notification{ID: "self-test", Title: "Stocksync self-test", Body: "Notifications work."}

// SelfTest runs the frontend's steps of the app's --self-test and records
// each in st: the menu, every panel and the sign-in window opened and
// rendered with the controller's real states, the folder picker opened
// and cancelled, an alert shown and ended while the main queue keeps
// running, the launch-at-login status, the notification settings (and one
// notification when allowed), a sync and a backup. Quitting is the caller's
// last step. Call it after Run, from a goroutine other than the main
// thread.
func (f *Frontend) SelfTest(ctx context.Context, st *app.SelfTest, ctrl *app.Controller, login loginitem.Manager, n *Notifier) {
	st.Step("menu", func() (string, error) {
		s, err := ctrl.WaitState(ctx, func(app.State) bool { return true })
		if err != nil {
			return "", err
		}
		// The menu renders the controller's states, replacing Starting…:
		// first handed to systray, then shown by AppKit.
		starting := app.StartingMenu().SyncItem.Title
		for i := 0; f.menu.shownSyncTitle() == starting; i++ {
			if i == 600 {
				return "", errors.New("the menu still says " + starting)
			}
			time.Sleep(100 * time.Millisecond)
		}
		var shown string
		var ok bool
		if err := waitMain(func() bool {
			shown, ok = appKitSyncTitle()
			return !ok || shown != starting
		}); err != nil {
			return "", fmt.Errorf("AppKit's menu still says %s: %w", starting, err)
		}
		if !ok {
			return "", errors.New("systray's menu could not be read from its delegate")
		}
		// Only that the method is on systray's class: whether AppKit calls
		// it is the "quit" step's check (TerminationPath).
		if !f.terminationOK {
			return "", errors.New("applicationShouldTerminate: could not be added to systray's delegate: Quit will wait on the main thread")
		}
		return fmt.Sprintf("%q, %q", s.Menu.SyncItem.Title, s.Menu.LastSyncLine), nil
	})
	for _, p := range []app.Panel{app.PanelBackups, app.PanelSettings} {
		st.Step("panel "+p.String(), func() (string, error) { return f.selfTestPanel(p) })
	}
	st.Step("sign-in window", f.selfTestSignIn)
	st.Step("folder picker", f.selfTestPicker)
	st.Step("alert", selfTestAlert)
	st.Step("login item status", func() (string, error) {
		s, err := login.Status(ctx)
		if err != nil {
			return "", err
		}
		mech := "?"
		if a, ok := login.(*loginitem.Auto); ok {
			mech = a.Mechanism(ctx).String()
		}
		return fmt.Sprintf("%s (mechanism %s)", s, mech), nil
	})
	var status notify.CenterStatus
	st.Step("notification settings", func() (string, error) {
		var err error
		status, err = n.Settings(ctx)
		return status.String(), err
	})
	if status == notify.CenterAuthorized {
		st.Step("notification", func() (string, error) {
			return notify.RouteFor(status).String(), n.Notify(ctx, selfTestNote)
		})
	} else {
		st.Skip("notification", "notifications are "+status.String()+" for this app ("+notify.RouteFor(status).String()+"): nothing posted")
	}
	begunBefore := -1
	_ = onMainWait(func(done func(error)) { begunBefore = f.awake.begunCount(); done(nil) })
	st.Step("sync", func() (string, error) { return app.SelfTestSync(ctx, ctrl) })
	st.Step("backup", func() (string, error) { return app.SelfTestBackup(ctx, ctrl) })
	st.Step("app nap activity begun and released", func() (string, error) {
		begun := -1
		if err := onMainWait(func(done func(error)) { begun = f.awake.begunCount(); done(nil) }); err != nil {
			return "", err
		}
		how := "while the sync and the backup ran"
		if begunBefore >= 0 && begun <= begunBefore {
			// The frontend skips states it had no time to render: a
			// quick demo run may never have shown KeepAwake. Begin one
			// directly, as a published state would.
			how = "directly (the runs' states went by unrendered)"
			f.awake.set("Stocksync self-test")
			if err := waitMain(func() bool { return f.awake.begunCount() > begunBefore }); err != nil {
				f.awake.set("")
				return "", errors.New("no App Nap activity could be begun")
			}
			f.awake.set("")
		}
		if begunBefore < 0 {
			return "", errors.New("the main thread did not answer before the sync")
		}
		if _, err := ctrl.WaitState(ctx, func(s app.State) bool { return s.KeepAwake == "" }); err != nil {
			return "", err
		}
		// The frontend renders that state on its own goroutine: ask
		// until it has ended the activity.
		var held string
		for i := 0; i < 100; i++ {
			if err := onMainWait(func(done func(error)) { held = f.awake.held(); done(nil) }); err != nil {
				return "", err
			}
			if held == "" {
				return "begun " + how + ", none held", nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		return "", fmt.Errorf("an activity (%q) is still held with nothing running", held)
	})
}

// selfTestPanel opens a panel with the newest state, checks it is on
// screen, and closes it.
func (f *Frontend) selfTestPanel(which app.Panel) (string, error) {
	var title string
	err := onMainWait(func(done func(error)) {
		f.panels.open(which)
		w := f.panels.window(which)
		if w == nil || !w.IsVisible() {
			done(errors.New("the window is not on screen after opening it"))
			return
		}
		title = w.Title()
		w.Close()
		done(nil)
	})
	return title, err
}

// selfTestSignIn opens the sign-in window on the controller's sign-in page,
// waits for the first page load and its cookies, and closes the window.
func (f *Frontend) selfTestSignIn() (string, error) {
	loads := make(chan pageLoad, 8)
	err := onMainWait(func(done func(error)) {
		f.panels.open(app.PanelSignIn)
		if f.panels.signIn == nil || !f.panels.signIn.w.IsVisible() {
			done(errors.New("the sign-in window is not on screen"))
			return
		}
		f.panels.signIn.loaded = func(l pageLoad) {
			select {
			case loads <- l:
			default:
			}
		}
		done(nil)
	})
	if err != nil {
		return "", err
	}
	defer onMain(func() {
		f.panels.signIn.loaded = nil
		f.panels.signIn.close()
	})
	select {
	case l := <-loads:
		if l.Err != "" {
			return "", errors.New(l.Err)
		}
		return fmt.Sprintf("loaded %s with %d cookies; signed in: %t", l.URL, l.Cookies, l.SignedIn), nil
	case <-time.After(mainGuard):
		return "", errors.New("no page finished loading in the sign-in window")
	}
}

// selfTestPicker opens the folder picker on its own and cancels it, as Quit
// would.
func (f *Frontend) selfTestPicker() (string, error) {
	closed := make(chan appkit.ModalResponse, 1)
	err := onMainWait(func(done func(error)) {
		p := chooseFolder(nil, os.TempDir(), func(string) {}, func(r appkit.ModalResponse) { closed <- r })
		onMain(func() { p.Cancel(nil) })
		done(nil)
	})
	if err != nil {
		return "", err
	}
	select {
	case r := <-closed:
		if r != appkit.ModalResponseCancel {
			return "", fmt.Errorf("the cancelled picker answered %d", r)
		}
		return "opened and cancelled", nil
	case <-time.After(mainGuard):
		return "", errors.New("the folder picker did not close when cancelled")
	}
}

// selfTestAlert shows an alert and ends it from a main-queue block: that
// block runs only if the alert leaves the main queue free.
func selfTestAlert() (string, error) {
	closed := make(chan appkit.ModalResponse, 1)
	showAlert("Stocksync self-test", "This alert closes by itself.", false, func(r appkit.ModalResponse) { closed <- r })
	ended := make(chan struct{}, 1)
	go func() {
		// Ask until the modal is up: the alert starts from the run loop.
		for i := 0; i < 600; i++ {
			ok := make(chan bool, 1)
			onMain(func() {
				a := appkit.Application_SharedApplication()
				if a.ModalWindow().Ptr() != nil {
					a.AbortModal()
					ok <- true
					return
				}
				ok <- false
			})
			select {
			case up := <-ok:
				if up {
					ended <- struct{}{}
					return
				}
			case <-time.After(mainGuard):
				return // the main queue is blocked: reported below
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	select {
	case <-ended:
	case <-time.After(mainGuard):
		return "", errors.New("while the alert was up, the main queue did not run (or the alert never came up)")
	}
	select {
	case r := <-closed:
		return fmt.Sprintf("shown and ended from the main queue (response %d)", r), nil
	case <-time.After(mainGuard):
		return "", errors.New("the alert did not close")
	}
}
