//go:build darwin

package darwin

import (
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/macos/foundation"
)

// reveal selects path in a Finder window, like Finder's "Show in Enclosing
// Folder". Main thread only.
func reveal(path string) {
	u := foundation.URL_FileURLWithPath(path)
	appkit.Workspace_SharedWorkspace().ActivateFileViewerSelectingURLs([]foundation.IURL{u})
}
