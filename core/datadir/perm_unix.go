//go:build unix

package datadir

import "io/fs"

// OpenToOthers reports whether the folder st describes can be read or
// entered by users other than its owner (any group or other permission bit).
func OpenToOthers(st fs.FileInfo) bool { return st.Mode().Perm()&0o077 != 0 }
