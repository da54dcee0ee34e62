//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/macos/foundation"
)

// Texts of the folder picker.
const (
	pickerMessage = "Choose the folder Stocksync's backups go to: an external drive, a network share or a cloud folder."
	pickerPrompt  = "Use This Folder"
)

// chooseFolder shows a folder picker starting in start (when set), as a
// sheet on parent when that window is on screen, and calls chosen with the
// folder picked; a cancelled picker calls nothing. It returns at once:
// the picker is not modal to the app, so the main queue keeps running
// (renders, other effects). Main thread only.
func chooseFolder(parent *appkit.Window, start string, chosen func(path string)) {
	p := appkit.OpenPanel_OpenPanel()
	p.SetCanChooseDirectories(true)
	p.SetCanChooseFiles(false)
	p.SetAllowsMultipleSelection(false)
	p.SetCanCreateDirectories(true)
	p.SetMessage(pickerMessage)
	p.SetPrompt(pickerPrompt)
	if start != "" {
		p.SetDirectoryURL(foundation.URL_FileURLWithPathIsDirectory(start, true))
	}
	p.Retain() // until the completion handler has run
	done := func(r appkit.ModalResponse) {
		defer p.Release()
		if r != appkit.ModalResponseOK {
			return
		}
		urls := p.URLs()
		if len(urls) == 0 {
			return
		}
		chosen(urls[0].Path())
	}
	activate()
	if parent != nil && parent.IsVisible() {
		p.BeginSheetModalForWindowCompletionHandler(*parent, done)
		return
	}
	p.BeginWithCompletionHandler(done)
	p.OrderFrontRegardless()
}
