//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/macos/foundation"
	"github.com/progrium/darwinkit/objc"
)

// usersPane is System Preferences → Users & Groups, where macOS 12 keeps
// the login items.
const usersPane = "x-apple.systempreferences:com.apple.preferences.users"

// openLoginItemsSettings opens System Settings → General → Login Items,
// where only the user can allow Stocksync to start at login. Main thread
// only.
func openLoginItemsSettings() {
	// +[SMAppService openSystemSettingsLoginItems] exists from macOS 13,
	// like the pane itself.
	if cls := objc.GetClass("SMAppService"); cls.Ptr() != nil &&
		objc.ObjectFrom(cls.Ptr()).RespondsToSelector(objc.Sel("openSystemSettingsLoginItems")) {
		objc.Call[objc.Void](cls, objc.Sel("openSystemSettingsLoginItems"))
		return
	}
	appkit.Workspace_SharedWorkspace().OpenURL(foundation.URL_URLWithString(usersPane))
}
