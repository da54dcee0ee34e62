package app

import "fmt"

// EffectKind is something only the frontend can do.
type EffectKind int

const (
	// EffectOpenPanel: show Effect.Panel and bring it to the front.
	EffectOpenPanel EffectKind = iota + 1
	// EffectRevealInFinder: select Effect.Path in a Finder window.
	EffectRevealInFinder
	// EffectChooseFolder: show a folder picker (NSOpenPanel) for
	// Effect.Purpose, starting in Effect.Path when set; answer with
	// SetDestination, or nothing when the user cancels.
	EffectChooseFolder
	// EffectOpenLoginItemsSettings: open System Settings → General → Login
	// Items, where only the user can approve Stocksync.
	EffectOpenLoginItemsSettings
	// EffectAlert: show Effect.Title and Effect.Message in an alert; an
	// intent from the menu failed and there is no panel to show it in.
	EffectAlert
	// EffectQuit: the user chose "Quit Stocksync". Close the controller
	// (onExit) and end the process.
	EffectQuit
)

// Panel names a window of the app.
type Panel int

const (
	PanelBackups Panel = iota + 1
	PanelSettings
	// PanelSignIn is the "Sign in to ESP" window (State.SignIn).
	PanelSignIn
)

func (p Panel) String() string {
	switch p {
	case PanelBackups:
		return "backups"
	case PanelSettings:
		return "settings"
	case PanelSignIn:
		return "sign in"
	}
	return fmt.Sprintf("Panel(%d)", int(p))
}

// FolderPurpose says what a chosen folder is for.
type FolderPurpose int

const (
	// PurposeBackupDestination: the folder app backups are written to.
	PurposeBackupDestination FolderPurpose = iota + 1
)

// Effect asks the frontend to do one thing. Only the fields its Kind names
// are set.
type Effect struct {
	Kind    EffectKind
	Panel   Panel         // EffectOpenPanel
	Path    string        // EffectRevealInFinder; EffectChooseFolder's starting folder
	Purpose FolderPurpose // EffectChooseFolder
	Title   string        // EffectAlert
	Message string        // EffectAlert
}

func (e Effect) String() string {
	switch e.Kind {
	case EffectOpenPanel:
		return "open " + e.Panel.String()
	case EffectRevealInFinder:
		return "reveal " + e.Path
	case EffectChooseFolder:
		return fmt.Sprintf("choose folder (purpose %d) from %q", e.Purpose, e.Path)
	case EffectOpenLoginItemsSettings:
		return "open login items settings"
	case EffectAlert:
		return "alert: " + e.Title + ": " + e.Message
	case EffectQuit:
		return "quit"
	}
	return fmt.Sprintf("Effect(%d)", int(e.Kind))
}
