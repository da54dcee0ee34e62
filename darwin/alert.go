//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/macos/appkit"
)

// showAlert shows title and message until OK is pressed, then calls done
// (when not nil) on the main thread. The alert runs from the main run loop
// (onMainLoop), never inside a main-queue block, so renders and effects go
// on while it is up; it floats above other apps' windows (a menu-bar app is
// not made active by a click on its status item), and Quit still works
// while it is up. From any goroutine.
func showAlert(title, message string, critical bool, done func(appkit.ModalResponse)) {
	onMainLoop(func() {
		a := appkit.NewAlert()
		a.SetMessageText(title)
		a.SetInformativeText(message)
		if critical {
			a.SetAlertStyle(appkit.AlertStyleCritical)
		}
		a.Layout()
		w := a.Window()
		w.SetPreventsApplicationTerminationWhenModal(false)
		w.SetLevel(appkit.ModalPanelWindowLevel)
		activate()
		w.Center()
		w.OrderFrontRegardless()
		r := a.RunModal()
		if done != nil {
			done(r)
		}
	})
}
