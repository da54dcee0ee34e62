//go:build darwin

package darwin

import (
	"github.com/getlantern/systray"

	"github.com/stocksync/stocksync/core/app"
)

// effect does what the controller asked of the frontend. It runs on the
// Effects goroutine: everything AppKit goes to the main thread, and answers
// (SetDestination) go back to the controller on new goroutines.
func effect(ctrl *app.Controller, p *panels, e app.Effect) {
	switch e.Kind {
	case app.EffectOpenPanel:
		onMain(func() { p.open(e.Panel) })
	case app.EffectRevealInFinder:
		onMain(func() { reveal(e.Path) })
	case app.EffectChooseFolder:
		if e.Purpose != app.PurposeBackupDestination {
			return
		}
		onMain(func() {
			chooseFolder(p.backupsWindow(), e.Path, func(path string) { go ctrl.SetDestination(path) })
		})
	case app.EffectOpenLoginItemsSettings:
		onMain(openLoginItemsSettings)
	case app.EffectAlert:
		onMain(func() { showAlert(e.Title, e.Message, false) })
	case app.EffectQuit:
		// Terminates the app: systray's onExit (main thread) closes the
		// controller, then the process exits. Quit waits for the main
		// thread, so it must not be called from it.
		systray.Quit()
	}
}
