//go:build darwin

package darwin

import (
	"github.com/getlantern/systray"
	"github.com/progrium/darwinkit/macos/appkit"
)

// showAlert shows title and message and waits for OK. The alert is modal:
// while it is up, later onMain blocks wait (systray's menu keeps working,
// it does not use the main queue). Main thread only.
func showAlert(title, message string, critical bool) {
	a := appkit.NewAlert()
	a.SetMessageText(title)
	a.SetInformativeText(message)
	if critical {
		a.SetAlertStyle(appkit.AlertStyleCritical)
	}
	activate()
	a.RunModal()
}

// Fatal tells the user why the app cannot run, then quits. Call it instead
// of Run when starting failed; from any goroutine but the main thread.
func Fatal(title, message string) {
	onMain(func() {
		showAlert(title, message, true)
		// Quit waits for the main thread: not from this block.
		go systray.Quit()
	})
}
