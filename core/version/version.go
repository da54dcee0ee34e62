// Package version holds the build's version, set by the Makefile with
// -ldflags "-X github.com/stocksync/stocksync/core/version.Version=…".
package version

import "runtime/debug"

// Version is the release version; "dev" for builds outside the Makefile.
var Version = "dev"

// Commit is the VCS revision, when the build recorded one.
func Commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}
