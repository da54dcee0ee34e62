package check

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

// Severity ranks a finding.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Hint    Severity = "hint"
)

// Finding is one thing check noticed: the facts, without advice (the
// frontends word what to do from Kind).
type Finding struct {
	Phase    string   `json:"phase"`
	Severity Severity `json:"severity"`
	Kind     Kind     `json:"kind"`
	What     string   `json:"what"` // the facts in a sentence
	// Path is the file or folder concerned, when there is one (see Kind).
	Path string `json:"path,omitempty"`
	// Count is how many rows or files, for the kinds that count (see Kind).
	Count int `json:"count,omitempty"`
}

// Phase is one step of the check.
type Phase struct {
	Name     string        `json:"name"`
	Findings int           `json:"findings"`
	Duration time.Duration `json:"duration_ns"`
	Skipped  string        `json:"skipped,omitempty"`
}

// Report is the whole result.
type Report struct {
	DataDir  string    `json:"data_dir"`
	Phases   []Phase   `json:"phases"`
	Findings []Finding `json:"findings"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
}

// OK reports whether no errors were found (warnings and hints allowed).
func (r Report) OK() bool { return r.Errors == 0 }

type checker struct {
	dir    datadir.Dir
	report Report
	phase  string
	db     *store.DB
	absent string // why there is nothing in the data folder to check ("" when there is)
}

// add notes f (its severity, kind and facts) in the current phase, with
// What from format and args.
func (c *checker) add(f Finding, format string, args ...any) {
	f.Phase, f.What = c.phase, fmt.Sprintf(format, args...)
	c.report.Findings = append(c.report.Findings, f)
	switch f.Severity {
	case Error:
		c.report.Errors++
	case Warning:
		c.report.Warnings++
	}
}

// Run checks the data folder. It never writes to it.
func Run(ctx context.Context, dir datadir.Dir) Report {
	c := &checker{dir: dir, report: Report{DataDir: dir.Root}}
	defer func() {
		if c.db != nil {
			c.db.Close()
		}
	}()
	phases := []struct {
		name string
		fn   func(context.Context) string // returns a reason when the phase was skipped
	}{
		{"data folder", c.folder},
		{"layout", c.layout},
		{"settings", c.settings},
		{"database", c.database},
		{"local-only data", c.localOnly},
		{"thumbnails", c.thumbnails},
		{"last sync", c.lastSync},
		{"backups", c.backups},
	}
	for _, p := range phases {
		c.phase = p.name
		before := len(c.report.Findings)
		start := time.Now()
		var skipped string
		if c.absent != "" {
			skipped = c.absent
		} else {
			skipped = p.fn(ctx)
		}
		c.report.Phases = append(c.report.Phases, Phase{Name: p.name, Findings: len(c.report.Findings) - before,
			Duration: time.Since(start), Skipped: skipped})
	}
	return c.report
}

func (c *checker) folder(context.Context) string {
	if lst, err := os.Lstat(c.dir.Root); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
		if _, err := os.Stat(c.dir.Root); errors.Is(err, fs.ErrNotExist) {
			// A disconnected drive: not "does not exist yet" (a sync would
			// fail, and nothing there could be checked).
			target, _ := os.Readlink(c.dir.Root)
			c.add(Finding{Severity: Error, Kind: KindDataFolderGone, Path: c.dir.Root},
				"the data folder %s is a link to %s, which is not there", c.dir.Root, target)
			defer func() { c.absent = "the data folder is not there" }()
			return ""
		}
	}
	st, err := os.Stat(c.dir.Root)
	if errors.Is(err, fs.ErrNotExist) {
		// Not a fault: a new user has nothing yet (issue 12: this exited 3).
		c.add(Finding{Severity: Hint, Kind: KindNoDataFolder, Path: c.dir.Root},
			"the data folder %s does not exist yet: there is nothing to check", c.dir.Root)
		defer func() { c.absent = "no data folder yet" }()
		return ""
	}
	if err != nil {
		c.add(Finding{Severity: Error, Kind: KindUnreadable, Path: c.dir.Root}, "cannot read the data folder %s: %v", c.dir.Root, err)
		return ""
	}
	if !st.IsDir() {
		c.add(Finding{Severity: Error, Kind: KindDataFolderIsFile, Path: c.dir.Root}, "%s is a file, not a folder", c.dir.Root)
		defer func() { c.absent = "the data folder is a file" }()
		return ""
	}
	if datadir.OpenToOthers(st) {
		c.add(Finding{Severity: Warning, Kind: KindDataFolderOpen, Path: c.dir.Root}, "the data folder can be read by other users (mode %v)", st.Mode().Perm())
	}
	return ""
}

func (c *checker) settings(context.Context) string {
	if _, err := config.Load(c.dir.Config()); err != nil {
		c.add(Finding{Severity: Error, Kind: KindSettingsDamaged, Path: c.dir.Config()}, "%v", err)
	}
	return ""
}

func (c *checker) database(ctx context.Context) string {
	if _, err := os.Stat(c.dir.DB()); errors.Is(err, fs.ErrNotExist) {
		c.add(Finding{Severity: Hint, Kind: KindNoDatabase, Path: c.dir.DB()}, "there is no database yet")
		return ""
	}
	db, err := store.OpenReadOnly(ctx, c.dir.DB())
	if err != nil {
		c.add(Finding{Severity: Error, Kind: KindDatabaseUnreadable, Path: c.dir.DB()}, "%v", err)
		return ""
	}
	c.db = db
	if v, known := db.SchemaVersion(), store.KnownVersion(); v > known {
		c.add(Finding{Severity: Error, Kind: KindSchemaTooNew, Path: c.dir.DB(), Count: v}, "the database has schema version %d; this Stocksync knows up to %d", v, known)
		return ""
	}
	problems, err := db.IntegrityCheck(ctx, 20)
	if err != nil {
		c.add(Finding{Severity: Error, Kind: KindIntegrityUnchecked, Path: c.dir.DB()}, "integrity check could not run: %v", err)
		return ""
	}
	for _, p := range problems {
		c.add(Finding{Severity: Error, Kind: KindIntegrity, Path: c.dir.DB()}, "integrity check: %s", p)
	}
	if n, err := db.ForeignKeyViolations(ctx); err == nil && n > 0 {
		c.add(Finding{Severity: Error, Kind: KindForeignKeys, Path: c.dir.DB(), Count: n}, "%d rows refer to batches or files that do not exist", n)
	}
	return ""
}

func (c *checker) localOnly(ctx context.Context) string {
	if c.db == nil {
		return "no readable database"
	}
	ups, err := c.db.PendingUploads(ctx)
	if err != nil {
		c.add(Finding{Severity: Error, Kind: KindReadFailed}, "cannot read pending uploads: %v", err)
		return ""
	}
	for _, u := range ups {
		if _, err := os.Stat(u.Path); err != nil {
			c.add(Finding{Severity: Warning, Kind: KindPendingFileMissing, Path: u.Path}, "pending upload %q: the file is missing (%v)", u.Path, errors.Unwrap(err))
		}
	}
	edits, err := c.db.LocalEdits(ctx, store.EditConflict)
	if err != nil {
		c.add(Finding{Severity: Error, Kind: KindReadFailed}, "cannot read local edits: %v", err)
		return ""
	}
	for _, e := range edits {
		c.add(Finding{Severity: Hint, Kind: KindEditConflict}, "local edit of file %s is in conflict: %s", e.ContributionID, e.Conflict)
	}
	return ""
}

func (c *checker) thumbnails(ctx context.Context) string {
	if c.db == nil {
		return "no readable database"
	}
	files, err := c.db.ThumbnailFiles(ctx)
	if err != nil {
		c.add(Finding{Severity: Error, Kind: KindReadFailed}, "cannot read the thumbnail list: %v", err)
		return ""
	}
	missing := 0
	for f := range files {
		if _, err := os.Stat(filepath.Join(c.dir.Thumbnails(), filepath.FromSlash(f))); err != nil {
			missing++
		}
	}
	if missing > 0 {
		c.add(Finding{Severity: Warning, Kind: KindThumbnailsMissing, Path: c.dir.Thumbnails(), Count: missing}, "%d downloaded thumbnails are missing from %s", missing, c.dir.Thumbnails())
	}
	return ""
}

func (c *checker) lastSync(ctx context.Context) string {
	if c.db == nil {
		return "no readable database"
	}
	r, err := c.db.LastSyncRun(ctx)
	if errors.Is(err, store.ErrNotFound) {
		c.add(Finding{Severity: Hint, Kind: KindNeverSynced}, "no sync has run yet")
		return ""
	}
	if err != nil {
		c.add(Finding{Severity: Error, Kind: KindReadFailed}, "cannot read the sync history: %v", err)
		return ""
	}
	switch r.Outcome {
	case store.OutcomeRunning:
		if !lockfile.InUse(c.dir.Lock()) {
			c.add(Finding{Severity: Hint, Kind: KindSyncStopped},
				"the last sync (%s) stopped before it finished: the process was killed, or the computer shut down",
				r.StartedAt.Local().Format("2006-01-02 15:04"))
		}
	case store.OutcomeFailed, store.OutcomePartial:
		c.add(Finding{Severity: Warning, Kind: KindSyncFailed}, "the last sync (%s) ended %s: %s",
			r.StartedAt.Local().Format("2006-01-02 15:04"), r.Outcome, r.Message)
	}
	return ""
}
