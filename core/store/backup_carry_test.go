package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCarryBackupRuns(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live, err := Open(ctx, filepath.Join(dir, "live.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	for i, r := range []BackupRun{
		{Kind: "snapshot", Path: "/x/fb/stocksync-1", StartedAt: at, OK: true},
		{Kind: "snapshot", Path: "/x/fb/stocksync-2", StartedAt: at.Add(time.Hour), OK: true},
		{Kind: "verify", Path: "/x/fb/stocksync-2", StartedAt: at.Add(2 * time.Hour), OK: true},
		{Kind: "snapshot", Path: "/y/stocksync-3", StartedAt: at.Add(3 * time.Hour), OK: false, Detail: "disk full"},
	} {
		if err := live.RecordBackupRun(ctx, r); err != nil {
			t.Fatal(i, err)
		}
	}
	// Read while the live database is open in WAL mode, as a restore's
	// safety snapshot leaves it (closed, but with the same file).
	staged, err := Open(ctx, filepath.Join(dir, "staged.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer staged.Close()
	for round, want := range []int64{4, 0} {
		n, err := staged.CarryBackupRuns(ctx, live.path)
		if err != nil || n != want {
			t.Fatalf("round %d: carried %d, %v; want %d", round, n, err, want)
		}
	}
	got, err := staged.LastBackupRun(ctx, "snapshot", true)
	if err != nil || got.Path != "/x/fb/stocksync-2" || !got.StartedAt.Equal(at.Add(time.Hour)) {
		t.Errorf("last snapshot %+v, %v", got, err)
	}
	live.Close()

	dirs, err := BackupFolders(ctx, filepath.Join(dir, "live.db"), "snapshot")
	if err != nil || strings.Join(dirs, ",") != "/x/fb" {
		t.Errorf("BackupFolders = %v, %v; want [/x/fb] (failed runs do not count)", dirs, err)
	}
	if dirs, err := BackupFolders(ctx, filepath.Join(dir, "none.db"), "snapshot"); err != nil || dirs != nil {
		t.Errorf("BackupFolders of a missing file = %v, %v", dirs, err)
	}

	if _, err := staged.CarryBackupRuns(ctx, filepath.Join(dir, "none.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing source: %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, []byte(strings.Repeat("garbage!", 1000)), 0o600)
	var ce *CorruptError
	if _, err := staged.CarryBackupRuns(ctx, bad); !errors.As(err, &ce) {
		t.Errorf("damaged source: %v, want *CorruptError", err)
	}
	if n, err := staged.CarryBackupRuns(ctx, filepath.Join(dir, "live.db")); err != nil || n != 0 {
		t.Errorf("after a failed carry the database still works: %d, %v", n, err)
	}
}
