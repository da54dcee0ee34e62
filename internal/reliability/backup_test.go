package reliability

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/backup"
)

var (
	backupOnce sync.Once
	backupHas  bool
)

// backupCLI reports whether the binary under test has `stocksync backup
// --to`. Until it does, the snapshot parts of the campaign are pending.
func backupCLI(t testing.TB) bool {
	backupOnce.Do(func() {
		out, err := runPlain(binPath, "backup", "--help")
		backupHas = err == nil && strings.Contains(out, "--to")
	})
	return backupHas
}

// checkSnapshots checks a backup destination after trouble: every folder is
// either a temporary one (which the next backup sweeps) or a complete
// snapshot that verifies.
func checkSnapshots(dest string) error {
	entries, err := os.ReadDir(dest)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, en := range entries {
		if atomicfile.IsTemp(en.Name()) {
			continue
		}
		rep, err := backup.Verify(context.Background(), dest+"/"+en.Name(), backup.VerifyOptions{})
		if err != nil {
			return fmt.Errorf("snapshot %s: %w", en.Name(), err)
		}
		if !rep.OK {
			return fmt.Errorf("snapshot %s does not verify: %v", en.Name(), rep.Err())
		}
	}
	return nil
}
