//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/helper/action"
	"github.com/progrium/darwinkit/helper/layout"
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/macos/foundation"
	"github.com/progrium/darwinkit/objc"

	"github.com/stocksync/stocksync/core/app"
)

// Widths and spacing shared by the windows.
const (
	panelWidth   = 520.0
	textWidth    = panelWidth - 2*panelInset
	panelInset   = 20.0
	rowSpacing   = 6.0
	sectionSpace = 16.0
)

// panelStack is a panel's vertical stack with the views added to it
// tracked in Go: an NSArray from AppKit (ArrangedSubviews) is never
// converted, because darwinkit's conversion of an empty one reads an
// uninitialised length. Main thread only.
type panelStack struct {
	appkit.StackView
	last    appkit.IView
	hasLast bool
}

// add appends v below the other rows.
func (s *panelStack) add(v appkit.IView) {
	s.AddArrangedSubview(v)
	s.last, s.hasLast = v, true
}

// section starts a new titled part of the panel, with extra space above it.
func (s *panelStack) section(title string) {
	if s.hasLast {
		s.SetCustomSpacingAfterView(sectionSpace, s.last)
	}
	s.add(header(title))
}

// newPanelWindow makes a titled, closable window whose content is a vertical
// stack. The window is retained and survives being closed, so reopening it
// shows the same window; Quit ends a sheet on it first. Call placeFirst once
// its rows are filled in. Main thread only.
func newPanelWindow(title string) (appkit.Window, *panelStack) {
	w := newWindow(title, panelWidth, 400)

	stack := appkit.NewVerticalStackView()
	stack.SetTranslatesAutoresizingMaskIntoConstraints(false)
	stack.SetAlignment(appkit.LayoutAttributeLeading)
	stack.SetSpacing(rowSpacing)
	// Hidden rows (an empty result line, an Include button not needed) take
	// no room.
	stack.SetDetachesHiddenViews(true)
	// Hugging above NSLayoutPriorityWindowSizeStayPut (500) lets the window
	// grow and shrink with its content as rows appear and disappear.
	stack.SetHuggingPriorityForOrientation(appkit.LayoutPriorityDefaultHigh, appkit.LayoutConstraintOrientationVertical)
	w.ContentView().AddSubview(stack)
	layout.PinEdgesToSuperView(stack, foundation.EdgeInsets{Top: panelInset, Left: panelInset, Bottom: panelInset, Right: panelInset})
	layout.SetWidth(stack, textWidth)
	return w, &panelStack{StackView: stack}
}

// newWindow makes a titled, closable window that is kept for the life of
// the app, lets the app quit while a sheet is up on it, and is a parent
// whose sheet Quit ends. Main thread only.
func newWindow(title string, width, height float64) appkit.Window {
	w := appkit.NewWindowWithSizeAndStyle(width, height,
		appkit.WindowStyleMaskTitled|appkit.WindowStyleMaskClosable|appkit.WindowStyleMaskMiniaturizable)
	w.Retain() // kept for the life of the app; never released
	w.SetReleasedWhenClosed(false)
	w.SetPreventsApplicationTerminationWhenModal(false)
	w.SetTitle(title)
	modals.sheetParents = append(modals.sheetParents, w)
	return w
}

// placeFirst sizes a new window to its content, then centres it: centring
// before the constraints resized it would leave it off-centre, or partly off
// screen. Main thread only.
func placeFirst(w appkit.Window) {
	w.LayoutIfNeeded()
	w.Center()
}

// label is a read-only text that wraps at the panel's width and can be
// selected and copied (paths, error messages).
func label(text string) appkit.TextField {
	l := appkit.TextField_WrappingLabelWithString(text)
	l.SetPreferredMaxLayoutWidth(textWidth)
	l.SetSelectable(true)
	return l
}

// secondary is a label in the secondary text colour, for details.
func secondary(text string) appkit.TextField {
	l := label(text)
	l.SetTextColor(appkit.Color_SecondaryLabelColor())
	return l
}

// header is a bold section title.
func header(text string) appkit.TextField {
	l := appkit.NewLabel(text)
	l.SetFont(appkit.Font_BoldSystemFontOfSize(appkit.Font_SystemFontSize()))
	return l
}

// button is a push button that calls fn on the main thread when clicked.
// fn must not block: it starts intents on goroutines.
func button(title string, fn func()) appkit.Button {
	b := appkit.NewButtonWithTitle(title)
	action.Set(b, func(objc.Object) { fn() })
	return b
}

// row lays views out side by side.
func row(views ...appkit.IView) appkit.StackView {
	s := appkit.NewHorizontalStackView()
	s.SetSpacing(8)
	s.SetDetachesHiddenViews(true)
	for _, v := range views {
		s.AddArrangedSubview(v)
	}
	return s
}

// setText updates a label, hiding it when text is empty.
func setText(l appkit.TextField, text string) {
	if l.StringValue() != text {
		l.SetStringValue(text)
	}
	l.SetHidden(text == "")
}

// setOutcome shows a result line in red when it reports a failure.
func setOutcome(l appkit.TextField, text string, ok bool) {
	setText(l, text)
	if ok {
		l.SetTextColor(appkit.Color_LabelColor())
	} else {
		l.SetTextColor(appkit.Color_SystemRedColor())
	}
}

// setChoices shows list in a popup, rebuilding its items only when they
// changed, and selects the one the state selects; shown keeps the list
// as shown, for reading a pick back with app.ChoiceAt. Main thread only.
func setChoices(b appkit.PopUpButton, shown *[]app.Choice, list []app.Choice) {
	if !sameTitles(*shown, list) {
		b.RemoveAllItems()
		for _, c := range list {
			b.AddItemWithTitle(c.Title)
		}
	}
	*shown = list
	for i, c := range list {
		if c.Selected && b.IndexOfSelectedItem() != i {
			b.SelectItemAtIndex(i)
		}
	}
}

func sameTitles(a, b []app.Choice) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Title != b[i].Title || a[i].Value != b[i].Value {
			return false
		}
	}
	return true
}
