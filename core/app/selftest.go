package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// SelfTestStep is one step of the app's --self-test: its name, whether it
// worked, why not, what it saw, and how long it took (milliseconds).
type SelfTestStep struct {
	Name       string `json:"name"`
	OK         bool   `json:"ok"`
	Skipped    bool   `json:"skipped,omitempty"`
	Error      string `json:"error,omitempty"`
	Detail     string `json:"detail,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// SelfTestReport is what --self-test prints: OK is false when any step
// failed (skipped steps do not fail it).
type SelfTestReport struct {
	OK      bool           `json:"ok"`
	Version string         `json:"version,omitempty"`
	DataDir string         `json:"data_dir,omitempty"`
	Steps   []SelfTestStep `json:"steps"`
}

// ExitCode is the process's exit code for the report: 0 when every step
// worked, 1 otherwise.
func (r SelfTestReport) ExitCode() int {
	if r.OK {
		return 0
	}
	return 1
}

// WriteJSON writes the report as indented JSON and a newline.
func (r SelfTestReport) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// SelfTest records the steps of a self-test run. Safe for concurrent use.
type SelfTest struct {
	// Now is the time source for durations; nil means time.Now.
	Now     func() time.Time
	Version string
	DataDir string

	mu    sync.Mutex
	steps []SelfTestStep
}

// Step runs fn as the step name and records its outcome. A panic in fn is
// recovered and recorded as the step's error (AppKit paths are what the
// self-test exists to find broken). It returns fn's error.
func (t *SelfTest) Step(name string, fn func() (detail string, err error)) (err error) {
	now := t.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	var detail string
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		detail, err = fn()
	}()
	st := SelfTestStep{Name: name, OK: err == nil, Detail: detail, DurationMS: now().Sub(start).Milliseconds()}
	if err != nil {
		st.Error = err.Error()
	}
	t.mu.Lock()
	t.steps = append(t.steps, st)
	t.mu.Unlock()
	return err
}

// Skip records a step that could not run here and why (e.g. notifications
// switched off): it does not fail the report.
func (t *SelfTest) Skip(name, why string) {
	t.mu.Lock()
	t.steps = append(t.steps, SelfTestStep{Name: name, OK: true, Skipped: true, Detail: why})
	t.mu.Unlock()
}

// Report is the report so far; with no step it is not OK.
func (t *SelfTest) Report() SelfTestReport {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := SelfTestReport{OK: len(t.steps) > 0, Version: t.Version, DataDir: t.DataDir, Steps: append([]SelfTestStep(nil), t.steps...)}
	for _, s := range t.steps {
		if !s.OK {
			r.OK = false
		}
	}
	return r
}

// SelfTestFolders are the temporary folders a self-test runs in.
type SelfTestFolders struct {
	Data   datadir.Dir // the data folder: config.json names the demo server
	Backup string      // the backup destination
}

// PrepareSelfTest makes a data folder and a backup folder under root (an
// empty temporary folder) set up for the built-in demo server, with no
// automatic sync (the self-test starts the one it checks) and the backup
// destination chosen.
func PrepareSelfTest(root string) (SelfTestFolders, error) {
	f := SelfTestFolders{Data: datadir.Dir{Root: filepath.Join(root, "data")}, Backup: filepath.Join(root, "backups")}
	if err := f.Data.Ensure(); err != nil {
		return f, err
	}
	if err := os.MkdirAll(f.Backup, 0o700); err != nil {
		return f, err
	}
	cfg := config.Default()
	cfg.Server = config.ServerDemo
	cfg.SyncIntervalMinutes = 0
	cfg.Backup.Destination = f.Backup
	if err := config.Save(f.Data.Config(), cfg); err != nil {
		return f, fmt.Errorf("write the self-test settings: %w", err)
	}
	return f, nil
}

// SelfTestSync runs one sync through SyncNow and waits for its outcome; it
// fails unless a sync finished well after the call and files are in the
// portfolio. SyncNow marks the sync running before it returns, so waiting
// for "not syncing" cannot miss a quick one.
func SelfTestSync(ctx context.Context, c *Controller) (string, error) {
	before, err := c.db.Summary(ctx)
	if err != nil {
		return "", err
	}
	c.SyncNow()
	s, err := c.WaitState(ctx, func(s State) bool { return s.Menu.SyncItem.Enabled })
	if err != nil {
		return "", fmt.Errorf("the sync did not finish: %w", err)
	}
	after, err := c.db.Summary(ctx)
	if err != nil {
		return "", err
	}
	line := s.Menu.LastSyncLine
	switch {
	case after.LastSync == nil || (before.LastSync != nil && after.LastSync.ID == before.LastSync.ID):
		return line, fmt.Errorf("no sync ran: %s", line)
	case after.LastSync.Outcome != store.OutcomeOK || s.Menu.PortfolioLine == "":
		return line, fmt.Errorf("sync: %s", line)
	}
	return line + "; " + s.Menu.PortfolioLine, nil
}

// SelfTestBackup runs Back Up Now and waits for its outcome; it fails
// unless a snapshot was written and recorded after the call.
func SelfTestBackup(ctx context.Context, c *Controller) (string, error) {
	before, err := c.db.LastBackupRun(ctx, backup.KindSnapshot, true)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	c.BackUpNow()
	s, err := c.WaitState(ctx, func(s State) bool { return s.Backups.App.Busy == OpNone })
	if err != nil {
		return "", fmt.Errorf("the backup did not finish: %w", err)
	}
	a := s.Backups.App
	if !a.ResultOK {
		return "", fmt.Errorf("back up: %s", a.ResultText)
	}
	run, err := c.db.LastBackupRun(ctx, backup.KindSnapshot, true)
	if err != nil || run.ID == before.ID {
		return a.ResultText, fmt.Errorf("the backup is not recorded in the database (%v)", err)
	}
	if _, err := os.Stat(run.Path); err != nil {
		return a.ResultText, fmt.Errorf("the recorded snapshot is not there: %w", err)
	}
	return a.ResultText, nil
}
