//go:build darwin

package darwin

import (
	"sync"

	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/objc"
)

var editMenuOnce sync.Once

// installEditMenu gives the app a main menu with the standard editing
// commands. A menu-bar-only app never shows its main menu, but text fields
// find ⌘C, ⌘V, ⌘X, ⌘A and ⌘Z through it: without one, a password or an API
// key could not be pasted into Settings. ⌘W closes the front window.
// Main thread only.
func installEditMenu() {
	editMenuOnce.Do(func() {
		a := appkit.Application_SharedApplication()
		if !a.MainMenu().IsNil() {
			return // someone else's menu: keep it
		}
		edit := appkit.NewMenuWithTitle("Edit")
		for _, it := range []struct{ title, sel, key string }{
			{"Undo", "undo:", "z"},
			{"Redo", "redo:", "Z"},
			{"Cut", "cut:", "x"},
			{"Copy", "copy:", "c"},
			{"Paste", "paste:", "v"},
			{"Select All", "selectAll:", "a"},
			{"Close Window", "performClose:", "w"},
		} {
			// No target: the action goes to the first responder (the
			// text field being edited, or the key window).
			edit.AddItemWithTitleActionKeyEquivalent(it.title, objc.Sel(it.sel), it.key)
		}
		top := appkit.NewMenu()
		top.AddItem(appkit.NewSubMenuItem(edit))
		a.SetMainMenu(top)
	})
}
