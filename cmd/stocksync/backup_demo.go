package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/stocksync/stocksync/core/backup"
)

// demoBackup, the demo's last steps, shows the backup cycle: a verified snapshot with thumbnails, a
// second one where nothing changed (linked, almost nothing written) and a
// test restore.
func demoBackup(ctx context.Context, r demoRun) error {
	w, d, db := r.w, r.dir, r.db
	dest := d.Root + "-backups"
	if err := os.MkdirAll(dest, 0o700); err != nil {
		return err
	}
	snap := func() (backup.Info, time.Duration, error) {
		start := time.Now()
		info, err := backup.Snapshot(ctx, backup.SnapshotOptions{DataDir: d, DB: db, Dest: dest, WithThumbnails: true, Record: db})
		if err != nil {
			return info, 0, err
		}
		rep, err := backup.Verify(ctx, info.Path, backup.VerifyOptions{Mark: true, Record: db})
		if err != nil {
			return info, 0, err
		}
		return info, time.Since(start).Round(time.Millisecond), rep.Err()
	}
	first, took, err := snap()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "6. Backup: %s in %s files (with thumbnails) to %s, verified, in %s.\n",
		bytesText(first.Size), num(first.Files), dest, took)
	second, took, err := snap()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "7. Second backup, nothing changed: wrote %s, %s unchanged files hard-linked, verified, in %s.\n",
		bytesText(second.Written.BytesWritten), num(second.Written.FilesLinked), took)
	start := time.Now()
	rep, err := backup.TestRestore(ctx, second.Path, backup.TestRestoreOptions{Record: db})
	if err != nil {
		return err
	}
	if err := rep.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "8. Test restore of the backup: OK in %s.\n", time.Since(start).Round(time.Millisecond))
	if !r.temporary {
		fmt.Fprintf(w, "The demo's backups are in %s: delete that folder when you are done.\n", dest)
	}
	return nil
}
