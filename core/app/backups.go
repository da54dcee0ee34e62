package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/store"
)

// BackUpNow writes a snapshot to the backup folder. Without a folder it
// opens the Backups panel and asks for one.
func (c *Controller) BackUpNow() { c.startBackup(OpBackUp) }

// Verify checks the newest snapshot in the backup folder.
func (c *Controller) Verify() { c.startBackup(OpVerify) }

// TestRestore restores the newest snapshot into a scratch folder and checks it.
func (c *Controller) TestRestore() { c.startBackup(OpTestRestore) }

func (c *Controller) startBackup(op Operation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := &c.f.backup
	switch {
	case b.busy != OpNone:
		return
	case c.f.cfg.Backup.Destination == "":
		c.emitLocked(Effect{Kind: EffectOpenPanel, Panel: PanelBackups})
		c.chooseDestinationLocked()
		return
	}
	b.busy, b.result, b.resultOK = op, "", false
	bc := c.f.cfg.Backup
	c.goLocked(func(ctx context.Context) { c.runBackup(ctx, op, bc) })
	c.publishLocked()
}

// runBackup runs op with package backup and records the run in the
// database with the app's wording (package backup is given no Recorder, so
// nothing is recorded twice).
func (c *Controller) runBackup(ctx context.Context, op Operation, bc config.Backup) {
	started := c.clock.Now()
	run := store.BackupRun{StartedAt: started, Path: bc.Destination}
	var result string
	var err error
	switch op {
	case OpBackUp:
		run.Kind = backup.KindSnapshot
		var info backup.Info
		info, err = backup.Snapshot(ctx, backup.SnapshotOptions{
			DataDir: c.dir, DB: c.db, Dest: bc.Destination, WithThumbnails: bc.IncludeThumbnails, Now: c.clock.Now,
		})
		if err == nil {
			run.Path, run.OK = info.Path, true
			result = snapshotResult(info, c.prune(bc))
		}
	case OpVerify:
		run.Kind = backup.KindVerify
		var snap string
		if snap, err = newestSnapshot(bc.Destination); err == nil {
			run.Path = snap
			var rep backup.Report
			if rep, err = backup.Verify(ctx, snap, backup.VerifyOptions{Mark: true, Now: c.clock.Now}); err == nil {
				problems := messages(rep.Errors())
				run.OK, run.Detail, result = rep.OK, strings.Join(problems, "; "), verifyResult(rep.OK, problems)
			}
		}
	case OpTestRestore:
		run.Kind = backup.KindTestRestore
		var snap string
		if snap, err = newestSnapshot(bc.Destination); err == nil {
			run.Path = snap
			var rep backup.TestRestoreReport
			rep, err = backup.TestRestore(ctx, snap, backup.TestRestoreOptions{TempDir: c.deps.ScratchDir, Now: c.clock.Now})
			if err == nil {
				problems := restoreProblems(rep)
				run.OK, run.Detail = rep.OK, strings.Join(problems, "; ")
				result = restoreResult(rep.OK, rep.Verify.FilesChecked, problems)
			}
		}
	}
	if err != nil {
		result = opFailed(op, err)
		run.OK, run.Detail = false, err.Error()
	}
	var recErr error
	if ctx.Err() == nil {
		recErr = c.db.RecordBackupRun(context.WithoutCancel(ctx), run)
	}
	switch {
	case err != nil && ctx.Err() == nil:
		c.log.backup.Error(op.String()+" failed", "dest", bc.Destination, "err", err)
	case err == nil && !run.OK:
		c.log.backup.Warn(op.String()+" found problems", "path", run.Path, "problems", run.Detail)
	case err == nil:
		c.log.backup.Info(op.String()+" done", "path", run.Path)
	}
	if recErr != nil {
		c.log.backup.Error("record the backup run", "err", recErr)
	}
	c.refreshDBFacts(context.WithoutCancel(ctx))
	c.update(func() {
		b := &c.f.backup
		b.busy = OpNone
		b.result, b.resultOK = result, run.OK
		if recErr != nil {
			b.result += " " + recordFailed(recErr)
		}
	})
}

// ChooseDestination asks the frontend for a backup folder; it answers with
// SetDestination.
func (c *Controller) ChooseDestination() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chooseDestinationLocked()
}

func (c *Controller) chooseDestinationLocked() {
	start := c.f.cfg.Backup.Destination
	if start == "" {
		start = c.deps.Home
	}
	c.emitLocked(Effect{Kind: EffectChooseFolder, Purpose: PurposeBackupDestination, Path: start})
}

// SetDestination makes path the backup folder. It must be an existing
// folder outside the data folder. The outcome shows in the Backups panel.
func (c *Controller) SetDestination(path string) {
	var cfg config.Config
	err := c.checkDestination(path)
	if err == nil {
		cfg, err = c.saveConfig(func(cfg *config.Config) { cfg.Backup.Destination = filepath.Clean(path) })
	}
	c.update(func() {
		b := &c.f.backup
		if err != nil {
			b.result, b.resultOK = destinationRefused(path, err), false
			return
		}
		c.f.cfg, c.f.cfgErr = cfg, nil
		b.result, b.resultOK = destinationSet(filepath.Clean(path)), true
	})
}

func (c *Controller) checkDestination(path string) error {
	if path == "" || !filepath.IsAbs(path) {
		return errors.New("choose a folder with a full path")
	}
	if isUnder(path, c.dir.Root) {
		return errors.New(textDestinationInside)
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.IsDir() {
		return errors.New(textDestinationGone)
	}
	return nil
}

// saveConfig changes the settings file and returns the new settings; the
// caller stores them in the facts. A damaged settings file is not
// overwritten: the change fails instead.
func (c *Controller) saveConfig(fn func(*config.Config)) (config.Config, error) {
	cfg, err := config.Update(c.dir.Config(), func(cfg *config.Config) error { fn(cfg); return nil })
	if err != nil {
		return config.Config{}, fmt.Errorf("save settings: %w", err)
	}
	return cfg, nil
}

// updateConfig is saveConfig that also publishes the new settings.
func (c *Controller) updateConfig(fn func(*config.Config)) error {
	cfg, err := c.saveConfig(fn)
	if err != nil {
		return err
	}
	c.update(func() { c.f.cfg, c.f.cfgErr = cfg, nil })
	return nil
}

// IncludeInTimeMachine removes the exclusions that keep the data folder out
// of Time Machine backups.
func (c *Controller) IncludeInTimeMachine() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f.tmIncluding {
		return
	}
	c.f.tmIncluding, c.f.tmResult = true, ""
	c.goLocked(func(ctx context.Context) {
		_, err := c.deps.TimeMachine.Include(ctx, c.dir.Root)
		if err != nil {
			c.log.tm.Warn("include the data folder in Time Machine", "path", c.dir.Root, "err", err)
		} else if xerr := c.deps.TimeMachine.ExcludeCache(ctx, c.dir.Thumbnails()); xerr != nil {
			// Best effort: thumbnails would only cost backup space.
			c.log.tm.Warn("keep thumbnails out of Time Machine", "path", c.dir.Thumbnails(), "err", xerr)
		}
		c.refreshTimeMachine(ctx)
		c.update(func() {
			c.f.tmIncluding = false
			c.f.tmResult = textTMNowIncluded
			if err != nil {
				c.f.tmResult = tmIncludeFailed(err)
			}
		})
		c.checkReminders(ctx)
	})
	c.publishLocked()
}

// prune lets the retention policy remove old snapshots in bc's folder
// (keeping bc.Keep and the daily and weekly ones). It returns a warning for
// the result text, "" when all went well: the new snapshot is fine either
// way.
func (c *Controller) prune(bc config.Backup) string {
	if bc.Keep <= 0 {
		return ""
	}
	if _, err := backup.Prune(bc.Destination, backup.DefaultPolicy(bc.Keep), c.clock.Now()); err != nil {
		c.log.backup.Warn("remove old snapshots", "dest", bc.Destination, "err", err)
		return pruneFailed(err)
	}
	return ""
}

// newestSnapshot is the newest snapshot in dest whose manifest can be read.
func newestSnapshot(dest string) (string, error) {
	snaps, err := backup.List(dest)
	if err != nil {
		return "", err
	}
	for _, s := range snaps {
		if s.Problem == "" {
			return s.Path, nil
		}
	}
	return "", errNoSnapshot
}

var errNoSnapshot = errors.New(textNoReadableSnapshot)

// restoreProblems are the errors a test restore found: the verification's
// and its own.
func restoreProblems(rep backup.TestRestoreReport) []string {
	problems := messages(rep.Verify.Errors())
	for _, f := range rep.Findings {
		if f.Severity == backup.SeverityError {
			problems = append(problems, f.Message)
		}
	}
	return problems
}

func messages(fs []backup.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Message)
	}
	return out
}
