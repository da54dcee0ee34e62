//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/macos/foundation"
	"github.com/progrium/darwinkit/objc"
)

// Texts of the folder picker.
const (
	pickerMessage = "Choose the folder Stocksync's backups go to: an external drive, a network share or a cloud folder."
	pickerPrompt  = "Use This Folder"
)

// chooseFolder shows a folder picker starting in start (when set), as a
// sheet on parent when that window is on screen, and calls chosen with the
// folder picked; a cancelled picker calls nothing. closed, when not nil,
// gets every outcome. It returns at once: the picker is not modal to the
// app, so the main queue keeps running (renders, other effects), and Quit
// ends it first. Main thread only.
func chooseFolder(parent *appkit.Window, start string, chosen func(path string), closed func(appkit.ModalResponse)) appkit.OpenPanel {
	p := appkit.OpenPanel_OpenPanel()
	p.SetCanChooseDirectories(true)
	p.SetCanChooseFiles(false)
	p.SetAllowsMultipleSelection(false)
	p.SetCanCreateDirectories(true)
	p.SetMessage(pickerMessage)
	p.SetPrompt(pickerPrompt)
	p.SetPreventsApplicationTerminationWhenModal(false)
	if start != "" {
		p.SetDirectoryURL(foundation.URL_FileURLWithPathIsDirectory(start, true))
	}
	p.Retain() // until the completion handler has run
	modals.pickers = append(modals.pickers, p)
	done := func(r appkit.ModalResponse) {
		defer p.Release()
		forgetPicker(p)
		if closed != nil {
			closed(r)
		}
		if r != appkit.ModalResponseOK {
			return
		}
		// URL, not URLs: an NSArray is never converted (darwinkit's
		// conversion of an empty one is undefined).
		u := objc.Call[objc.Object](p, objc.Sel("URL"))
		if u.Ptr() == nil {
			return
		}
		chosen(foundation.URLFrom(u.Ptr()).Path())
	}
	activate()
	if parent != nil && parent.IsVisible() {
		p.BeginSheetModalForWindowCompletionHandler(*parent, done)
		return p
	}
	p.BeginWithCompletionHandler(done)
	p.OrderFrontRegardless()
	return p
}

// forgetPicker drops p from the pickers Quit cancels. Main thread only.
func forgetPicker(p appkit.OpenPanel) {
	kept := modals.pickers[:0]
	for _, q := range modals.pickers {
		if q.Ptr() != p.Ptr() {
			kept = append(kept, q)
		}
	}
	modals.pickers = kept
}
