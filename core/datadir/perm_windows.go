//go:build windows

package datadir

import "io/fs"

// OpenToOthers is false on Windows: who may read a folder is in its access
// control list, which the permission bits Go reports (always rwx for all on a
// folder) do not show, and a folder in the user's profile (%LOCALAPPDATA%)
// is private to the user unless someone shared it on purpose.
func OpenToOthers(fs.FileInfo) bool { return false }
