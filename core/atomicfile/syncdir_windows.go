//go:build windows

package atomicfile

import (
	"fmt"
	"os"
)

// SyncDir makes a rename or create inside dir durable. Windows has no fsync
// for a folder (os.Open gives a folder a read-only handle, and
// FlushFileBuffers refuses those); NTFS journals the rename itself. So this
// only checks that dir is still there, as the unix SyncDir's open does.
func SyncDir(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
