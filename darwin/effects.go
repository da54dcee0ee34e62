//go:build darwin

package darwin

import (
	"github.com/stocksync/stocksync/core/app"
)

// effect does what the controller asked of the frontend. It runs on the
// Effects goroutine: everything AppKit goes to the main thread (alerts
// through the run loop, never blocking the main queue), and answers
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
			chooseFolder(p.window(app.PanelBackups), e.Path, func(path string) { go ctrl.SetDestination(path) }, nil)
		})
	case app.EffectOpenLoginItemsSettings:
		onMain(openLoginItemsSettings)
	case app.EffectAlert:
		showAlert(e.Title, e.Message, false, nil)
	case app.EffectQuit:
		// Ends modals, then terminates through applicationShouldTerminate:
		// (the services stop while the menu stays responsive) and
		// systray's onExit.
		quit()
	}
}
