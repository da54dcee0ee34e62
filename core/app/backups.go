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
	b.busy, b.progress, b.result, b.resultOK = op, backup.Progress{}, "", false
	bc := c.f.cfg.Backup
	c.goLocked(func(ctx context.Context) { c.runBackup(ctx, op, bc) })
	c.publishLocked()
}

// runBackup runs op with package backup, which records the run in the
// database (Record: c.db) and reports its progress into the facts.
func (c *Controller) runBackup(ctx context.Context, op Operation, bc config.Backup) {
	progress := func(p backup.Progress) { c.update(func() { c.f.backup.progress = p }) }
	var (
		result, path, problems string
		ok                     bool
		err                    error
	)
	switch op {
	case OpBackUp:
		var res backup.BackUpResult
		res, err = backup.BackUp(ctx, backup.BackUpOptions{Keep: bc.Keep, Prune: bc.Keep > 0, SnapshotOptions: backup.SnapshotOptions{
			DataDir: c.dir, DB: c.db, Dest: bc.Destination, WithThumbnails: bc.IncludeThumbnails, Now: c.clock.Now,
			Record: c.db, Progress: progress,
		}})
		if err == nil {
			path = res.Snapshot.Path
			if !res.Verify.OK {
				problems = strings.Join(messages(res.Verify.Errors()), "; ")
				result = opFailed(op, res.Verify.Err())
				break
			}
			ok = true
			warning := ""
			if res.PruneErr != nil {
				c.log.backup.Warn("remove old snapshots", "dest", bc.Destination, "err", res.PruneErr)
				warning = pruneFailed(res.PruneErr)
			}
			result = snapshotResult(res.Snapshot, warning)
		}
	case OpVerify:
		var rep backup.Report
		rep, err = backup.VerifyNewest(ctx, bc.Destination, backup.VerifyOptions{Mark: true, Now: c.clock.Now, Record: c.db, Progress: progress})
		if err == nil {
			list := messages(rep.Errors())
			path, ok, problems, result = rep.Snapshot, rep.OK, strings.Join(list, "; "), verifyResult(rep.OK, list)
		}
	case OpTestRestore:
		var rep backup.TestRestoreReport
		rep, err = backup.TestRestoreNewest(ctx, bc.Destination, backup.TestRestoreOptions{TempDir: c.deps.ScratchDir, Now: c.clock.Now, Record: c.db, Progress: progress})
		if err == nil {
			list := restoreProblems(rep)
			path, ok, problems = rep.Snapshot, rep.OK, strings.Join(list, "; ")
			result = restoreResult(rep.OK, rep.Verify.FilesChecked, list)
		}
	}
	switch {
	case err != nil && ctx.Err() == nil:
		if errors.Is(err, backup.ErrNoSnapshot) {
			err = errors.New(textNoReadableSnapshot)
		}
		c.log.backup.Error(op.String()+" failed", "dest", bc.Destination, "err", err)
	case err == nil && !ok:
		c.log.backup.Warn(op.String()+" found problems", "path", path, "problems", problems)
	case err == nil:
		c.log.backup.Info(op.String()+" done", "path", path)
	}
	if err != nil {
		result = opFailed(op, err)
	}
	c.refreshDBFacts(context.WithoutCancel(ctx))
	c.update(func() {
		b := &c.f.backup
		b.busy, b.progress = OpNone, backup.Progress{}
		b.result, b.resultOK = result, ok
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
