//go:build darwin

package darwin

import (
	"errors"
	"os"
	"time"

	"github.com/progrium/darwinkit/macos/appkit"

	"github.com/stocksync/stocksync/core/app"
)

// SelfTestModalsUp puts up what Quit must end before it terminates, for
// the self-test's last step: the Backups window with the folder picker as a
// sheet on it, and an alert in front. It returns once both are on screen.
// From a goroutine other than the main thread.
func (f *Frontend) SelfTestModalsUp() error {
	err := onMainWait(func(done func(error)) {
		f.panels.open(app.PanelBackups)
		w := f.panels.window(app.PanelBackups)
		if w == nil || !w.IsVisible() {
			done(errors.New("the Backups window is not on screen"))
			return
		}
		chooseFolder(w, os.TempDir(), func(string) {}, nil)
		done(nil)
	})
	if err != nil {
		return err
	}
	if err := waitMain(func() bool {
		w := f.panels.window(app.PanelBackups)
		return w != nil && w.AttachedSheet().Ptr() != nil
	}); err != nil {
		return errors.New("the folder picker did not come up as a sheet on the Backups window")
	}
	showAlert("Stocksync self-test", "Quit ends this alert and the folder picker.", false, nil)
	if err := waitMain(func() bool { return appkit.Application_SharedApplication().ModalWindow().Ptr() != nil }); err != nil {
		return errors.New("the alert did not come up")
	}
	return nil
}

// waitMain asks cond on the main thread every 100 ms until it is true, for
// at most mainGuard. From a goroutine other than the main thread.
func waitMain(cond func() bool) error {
	deadline := time.Now().Add(mainGuard)
	for {
		var ok bool
		if err := onMainWait(func(done func(error)) { ok = cond(); done(nil) }); err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return errMainThreadGuard
		}
		time.Sleep(100 * time.Millisecond)
	}
}
