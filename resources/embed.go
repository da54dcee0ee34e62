package resources

import _ "embed"

// Status-bar template icons, 32×32 px PNG, black with alpha: pass them to
// systray.SetTemplateIcon(icon, icon) so macOS tints them for the menu bar.
var (
	// StatusIcon is shown while everything is in sync.
	//go:embed StatusIcon.png
	StatusIcon []byte

	// StatusIconSyncing is shown while a sync is running.
	//go:embed StatusIconSyncing.png
	StatusIconSyncing []byte

	// StatusIconAlert is shown when something needs the user's attention.
	//go:embed StatusIconAlert.png
	StatusIconAlert []byte
)
