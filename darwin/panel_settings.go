//go:build darwin

package darwin

import (
	"strconv"

	"github.com/progrium/darwinkit/helper/layout"
	"github.com/progrium/darwinkit/macos/appkit"

	"github.com/stocksync/stocksync/core/app"
)

// Placeholders of the account fields.
const (
	placeholderStored   = "stored in Keychain"
	placeholderUsername = "ESP username"
	fieldWidth          = 280.0
)

// settingsPanel is the Settings window: the ESP account, the server and the
// sync interval. Secrets are never shown: their fields start empty, and an
// empty field keeps the stored secret. Main thread only.
type settingsPanel struct {
	w    appkit.Window
	ctrl *app.Controller

	username, apiKey      appkit.TextField
	password, apiSecret   appkit.SecureTextField
	server                appkit.PopUpButton
	servers               []app.Choice // the popup's items as filled in
	interval              appkit.TextField
	credNote, notifyNote  appkit.TextField
	verifyResult, saveErr appkit.TextField
	save, verify, demo    appkit.Button
	signIn                appkit.Button
	saving                bool
}

func newSettingsPanel(ctrl *app.Controller) *settingsPanel {
	p := &settingsPanel{ctrl: ctrl}
	w, stack := newPanelWindow("Stocksync Settings")
	p.w = w

	p.username = field(appkit.NewTextField())
	p.password = appkit.NewSecureTextField()
	field(p.password.TextField)
	p.apiKey = field(appkit.NewTextField())
	p.apiSecret = appkit.NewSecureTextField()
	field(p.apiSecret.TextField)
	p.server = appkit.NewPopUpButton()
	p.interval = appkit.NewTextField()
	layout.SetWidth(p.interval, 60)

	grid := appkit.GridView_GridViewWithNumberOfColumnsRows(2, 0)
	grid.SetRowSpacing(8)
	grid.SetColumnSpacing(10)
	formRow(grid, "Username", p.username)
	formRow(grid, "Password", p.password)
	formRow(grid, "API key", p.apiKey)
	formRow(grid, "API secret", p.apiSecret)
	formRow(grid, "Server", p.server)
	formRow(grid, "Sync every", row(p.interval, appkit.NewLabel("minutes (0 turns automatic sync off)")))
	grid.ColumnAtIndex(0).SetXPlacement(appkit.GridCellPlacementTrailing)
	stack.add(grid)

	p.credNote = secondary("")
	stack.add(p.credNote)
	p.signIn = button("Sign in to ESP…", func() { go ctrl.OpenSignIn() })
	stack.add(p.signIn)
	p.save = button("Save", p.onSave)
	p.save.SetKeyEquivalent("\r") // Return saves
	p.verify = button("Verify Account", func() { go ctrl.VerifyAccount() })
	p.demo = button("Use Demo Server", func() { go ctrl.UseDemo() })
	stack.add(row(p.save, p.verify, p.demo))
	p.saveErr = label("")
	p.verifyResult = label("")
	p.notifyNote = secondary("")
	stack.add(p.saveErr)
	stack.add(p.verifyResult)
	stack.add(p.notifyNote)
	// Tab moves through the fields in the order they appear.
	w.SetAutorecalculatesKeyViewLoop(true)
	w.SetInitialFirstResponder(p.username)
	return p
}

func field(f appkit.TextField) appkit.TextField {
	layout.SetWidth(f, fieldWidth)
	return f
}

func formRow(g appkit.GridView, name string, v appkit.IView) {
	g.AddRowWithViews([]appkit.IView{appkit.NewLabel(name + ":"), v})
}

// fill puts the stored settings into the editable fields and empties the
// secret fields. It runs when the window opens and after a successful save,
// never on every published state: that would overwrite what the user is typing.
func (p *settingsPanel) fill(s app.SettingsPanel) {
	p.username.SetStringValue(s.Username)
	p.password.SetStringValue("")
	p.apiKey.SetStringValue("")
	p.apiSecret.SetStringValue("")
	p.interval.SetStringValue(strconv.Itoa(s.IntervalMinutes))
	p.servers = nil // rebuilt and reselected from the stored setting
	setChoices(p.server, &p.servers, s.Servers)
}

// render shows what changes while the window is open. Main thread only.
func (p *settingsPanel) render(s app.SettingsPanel) {
	p.username.SetPlaceholderString(placeholderUsername)
	p.password.SetPlaceholderString(stored(s.HasPassword))
	p.apiKey.SetPlaceholderString(stored(s.HasAPIKey))
	p.apiSecret.SetPlaceholderString(stored(s.HasAPISecret))
	setText(p.credNote, s.CredentialsNote)
	setOutcome(p.saveErr, s.SaveError, false)
	setOutcome(p.verifyResult, s.VerifyResult, s.VerifyOK || s.Verifying)
	setText(p.notifyNote, s.NotificationsNote)
	p.verify.SetEnabled(!s.Verifying)
	p.save.SetEnabled(!p.saving)
	p.demo.SetHidden(!s.OfferDemo)
	p.signIn.SetTitle(s.SignIn.Title)
	p.signIn.SetEnabled(s.SignIn.Enabled)
	p.signIn.SetHidden(!s.ShowSignIn)
}

func stored(set bool) string {
	if set {
		return placeholderStored
	}
	return ""
}

// onSave sends the form to the controller. Saving waits for the keychain,
// so it runs on a goroutine; the outcome comes back as Settings.SaveError.
func (p *settingsPanel) onSave() {
	in := app.SettingsInput{
		Username:        p.username.StringValue(),
		Password:        p.password.StringValue(),
		APIKey:          p.apiKey.StringValue(),
		APISecret:       p.apiSecret.StringValue(),
		Server:          p.selectedServer(),
		IntervalMinutes: app.ParseInterval(p.interval.StringValue()),
	}
	p.saving = true
	p.save.SetEnabled(false)
	ctrl := p.ctrl
	go func() {
		err := ctrl.SaveSettings(in)
		st := ctrl.State().Settings
		onMain(func() {
			p.saving = false
			if err == nil {
				p.fill(st)
			}
			p.render(st)
		})
	}()
}

// selectedServer is the Value of the server picked; "" (refused by
// SaveSettings with its message) when none is.
func (p *settingsPanel) selectedServer() string {
	v, _ := app.ChoiceAt(p.servers, p.server.IndexOfSelectedItem())
	return v
}
