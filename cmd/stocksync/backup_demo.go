package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

func init() { demoSteps = append(demoSteps, demoBackup) }

// demoBackup shows the backup cycle: a verified snapshot with thumbnails, a
// second one where nothing changed (linked, almost nothing written) and a
// test restore.
func demoBackup(ctx context.Context, w io.Writer, d datadir.Dir, db *store.DB) error {
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
	fmt.Fprintf(w, "Backup: %s in %s files (with thumbnails) to %s, verified, in %s.\n",
		bytesText(first.Size), num(first.Files), dest, took)
	second, took, err := snap()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Second backup, nothing changed: wrote %s, %s unchanged files hard-linked, verified, in %s.\n",
		bytesText(second.Written.BytesWritten), num(second.Written.FilesLinked), took)
	start := time.Now()
	rep, err := backup.TestRestore(ctx, second.Path, backup.TestRestoreOptions{Record: db})
	if err != nil {
		return err
	}
	if err := rep.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "Test restore of the backup: OK in %s (delete %s when done).\n", time.Since(start).Round(time.Millisecond), dest)
	return nil
}
