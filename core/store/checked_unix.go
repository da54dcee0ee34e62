//go:build unix

package store

import "golang.org/x/sys/unix"

// fileState reads the state of path (lstat is not wanted: a linked
// database is the file it points to).
func fileState(path string) (fileIdent, bool) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return fileIdent{}, false
	}
	return fileIdent{Dev: uint64(st.Dev), Inode: uint64(st.Ino), Size: st.Size,
		ModNano: st.Mtim.Nano(), ChgNano: st.Ctim.Nano()}, true
}
