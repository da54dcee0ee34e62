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

// Finding is one thing check noticed.
type Finding struct {
	Phase    string   `json:"phase"`
	Severity Severity `json:"severity"`
	What     string   `json:"what"`
	Fix      string   `json:"fix,omitempty"`
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

func (c *checker) add(sev Severity, fix, format string, args ...any) {
	c.report.Findings = append(c.report.Findings, Finding{Phase: c.phase, Severity: sev, What: fmt.Sprintf(format, args...), Fix: fix})
	switch sev {
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
			c.add(Error, "connect the drive it is on, or pass another --data-dir",
				"the data folder %s is a link to %s, which is not there", c.dir.Root, target)
			defer func() { c.absent = "the data folder is not there" }()
			return ""
		}
	}
	st, err := os.Stat(c.dir.Root)
	if errors.Is(err, fs.ErrNotExist) {
		// Not a fault: a new user has nothing yet (issue 12: this exited 3).
		c.add(Hint, "run `stocksync sync` to start a new portfolio, or `stocksync restore SNAPSHOT` to bring back a backup",
			"the data folder %s does not exist yet: there is nothing to check", c.dir.Root)
		defer func() { c.absent = "no data folder yet" }()
		return ""
	}
	if err != nil {
		c.add(Error, "check the folder's permissions", "cannot read the data folder %s: %v", c.dir.Root, err)
		return ""
	}
	if !st.IsDir() {
		c.add(Error, "move the file away", "%s is a file, not a folder", c.dir.Root)
		defer func() { c.absent = "the data folder is a file" }()
		return ""
	}
	if datadir.OpenToOthers(st) {
		c.add(Warning, fmt.Sprintf("chmod 700 %q", c.dir.Root), "the data folder can be read by other users (mode %v)", st.Mode().Perm())
	}
	return ""
}

func (c *checker) settings(context.Context) string {
	if _, err := config.Load(c.dir.Config()); err != nil {
		c.add(Error, "fix the file by hand, or `stocksync restore SNAPSHOT --local-only` to bring back the settings from a backup", "%v", err)
	}
	return ""
}

func (c *checker) database(ctx context.Context) string {
	if _, err := os.Stat(c.dir.DB()); errors.Is(err, fs.ErrNotExist) {
		c.add(Hint, "run `stocksync sync`", "there is no database yet")
		return ""
	}
	db, err := store.OpenReadOnly(ctx, c.dir.DB())
	if err != nil {
		c.add(Error, "`stocksync restore SNAPSHOT` (see `stocksync backup list`); server data can also be fetched again with `stocksync sync` after moving the file away",
			"%v", err)
		return ""
	}
	c.db = db
	if v, known := db.SchemaVersion(), store.KnownVersion(); v > known {
		c.add(Error, "install the newer Stocksync that wrote it", "the database has schema version %d; this Stocksync knows up to %d", v, known)
		return ""
	}
	problems, err := db.IntegrityCheck(ctx, 20)
	if err != nil {
		c.add(Error, "`stocksync restore SNAPSHOT`", "integrity check could not run: %v", err)
		return ""
	}
	for _, p := range problems {
		c.add(Error, "`stocksync restore SNAPSHOT`, or `stocksync restore SNAPSHOT --local-only` into a fresh database", "integrity check: %s", p)
	}
	if n, err := db.ForeignKeyViolations(ctx); err == nil && n > 0 {
		c.add(Error, "run `stocksync sync` to fetch the server data again", "%d rows refer to batches or files that do not exist", n)
	}
	return ""
}

func (c *checker) localOnly(ctx context.Context) string {
	if c.db == nil {
		return "no readable database"
	}
	ups, err := c.db.PendingUploads(ctx)
	if err != nil {
		c.add(Error, "", "cannot read pending uploads: %v", err)
		return ""
	}
	for _, u := range ups {
		if _, err := os.Stat(u.Path); err != nil {
			c.add(Warning, "put the file back, or add it again from where it is now", "pending upload %q: the file is missing (%v)", u.Path, errors.Unwrap(err))
		}
	}
	edits, err := c.db.LocalEdits(ctx, store.EditConflict)
	if err != nil {
		c.add(Error, "", "cannot read local edits: %v", err)
		return ""
	}
	for _, e := range edits {
		c.add(Hint, "compare with ESP and edit again with `stocksync edit`", "local edit of file %s is in conflict: %s", e.ContributionID, e.Conflict)
	}
	return ""
}

func (c *checker) thumbnails(ctx context.Context) string {
	if c.db == nil {
		return "no readable database"
	}
	files, err := c.db.ThumbnailFiles(ctx)
	if err != nil {
		c.add(Error, "", "cannot read the thumbnail list: %v", err)
		return ""
	}
	missing := 0
	for f := range files {
		if _, err := os.Stat(filepath.Join(c.dir.Thumbnails(), filepath.FromSlash(f))); err != nil {
			missing++
		}
	}
	if missing > 0 {
		c.add(Warning, "run `stocksync sync`: missing thumbnails are downloaded again", "%d downloaded thumbnails are missing from %s", missing, c.dir.Thumbnails())
	}
	return ""
}

func (c *checker) lastSync(ctx context.Context) string {
	if c.db == nil {
		return "no readable database"
	}
	r, err := c.db.LastSyncRun(ctx)
	if errors.Is(err, store.ErrNotFound) {
		c.add(Hint, "run `stocksync sync`", "no sync has run yet")
		return ""
	}
	if err != nil {
		c.add(Error, "", "cannot read the sync history: %v", err)
		return ""
	}
	switch r.Outcome {
	case store.OutcomeRunning:
		if !lockfile.InUse(c.dir.Lock()) {
			c.add(Hint, "run `stocksync sync`; it continues where the last one stopped",
				"the last sync (%s) stopped before it finished: the process was killed, or the computer shut down",
				r.StartedAt.Local().Format("2006-01-02 15:04"))
		}
	case store.OutcomeFailed, store.OutcomePartial:
		c.add(Warning, "run `stocksync sync` again; it continues where the last one stopped", "the last sync (%s) ended %s: %s",
			r.StartedAt.Local().Format("2006-01-02 15:04"), r.Outcome, r.Message)
	}
	return ""
}
