//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/helper/action"
	"github.com/progrium/darwinkit/helper/layout"
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/macos/foundation"
	"github.com/progrium/darwinkit/objc"
)

// Widths and spacing shared by the windows.
const (
	panelWidth   = 520.0
	textWidth    = panelWidth - 2*panelInset
	panelInset   = 20.0
	rowSpacing   = 6.0
	sectionSpace = 16.0
)

// newPanelWindow makes a titled, closable window whose content is a vertical
// stack. The window is retained and survives being closed, so reopening it
// shows the same window. Call placeFirst once its rows are filled in.
// Main thread only.
func newPanelWindow(title string) (appkit.Window, appkit.StackView) {
	w := appkit.NewWindowWithSizeAndStyle(panelWidth, 400,
		appkit.WindowStyleMaskTitled|appkit.WindowStyleMaskClosable|appkit.WindowStyleMaskMiniaturizable)
	w.Retain() // kept for the life of the app; never released
	w.SetReleasedWhenClosed(false)
	w.SetTitle(title)

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
	return w, stack
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

// section starts a new titled part of a panel, with extra space above it.
func section(stack appkit.StackView, title string) {
	if n := len(stack.ArrangedSubviews()); n > 0 {
		stack.SetCustomSpacingAfterView(sectionSpace, stack.ArrangedSubviews()[n-1])
	}
	stack.AddArrangedSubview(header(title))
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
