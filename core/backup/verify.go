package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/store"
)

// Severity says whether a finding makes a snapshot unusable.
type Severity string

const (
	SeverityError Severity = "error" // the snapshot cannot be trusted
	SeverityHint  Severity = "hint"  // worth knowing, not a fault
)

// Checks a finding can come from.
const (
	CheckManifest  = "manifest"   // manifest.json missing, damaged or inconsistent
	CheckMissing   = "missing"    // a file the manifest lists is gone
	CheckSize      = "size"       // a file's size differs (truncated?)
	CheckHash      = "hash"       // a file's content differs
	CheckExtra     = "extra"      // a file the manifest does not list
	CheckDatabase  = "database"   // the database cannot be opened or is in the wrong mode
	CheckIntegrity = "integrity"  // PRAGMA integrity_check found damage
	CheckRows      = "rows"       // a table's row count differs from the manifest
	CheckLocalOnly = "local-only" // a local-only table's rows differ from the manifest
	CheckSchema    = "schema"     // schema version differs
	CheckConfig    = "config"     // the settings file cannot be read
	CheckRecord    = "record"     // the result could not be remembered
)

// Finding is one problem or remark, naming the file or table concerned.
type Finding struct {
	Severity Severity `json:"severity"`
	Check    string   `json:"check"`
	File     string   `json:"file,omitempty"`
	Table    string   `json:"table,omitempty"`
	Message  string   `json:"message"`
}

func (f Finding) String() string { return string(f.Severity) + ": " + f.Message }

// Report is the outcome of Verify.
type Report struct {
	Snapshot     string           `json:"snapshot"`
	Created      time.Time        `json:"created,omitzero"`
	CheckedAt    time.Time        `json:"checked_at"`
	OK           bool             `json:"ok"`
	FilesChecked int              `json:"files_checked"`
	BytesChecked int64            `json:"bytes_checked"`
	Tables       map[string]int64 `json:"tables,omitempty"` // rows found in the copy
	Findings     []Finding        `json:"findings"`
}

// Errors returns the findings of severity error.
func (r *Report) Errors() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			out = append(out, f)
		}
	}
	return out
}

// Err is nil when the snapshot is sound, else a *VerifyError.
func (r *Report) Err() error {
	if r.OK {
		return nil
	}
	return &VerifyError{Report: *r}
}

func (r *Report) add(sev Severity, check, file, table, format string, args ...any) {
	r.Findings = append(r.Findings, Finding{Severity: sev, Check: check, File: file, Table: table, Message: fmt.Sprintf(format, args...)})
}

// VerifyError means a snapshot failed verification.
type VerifyError struct{ Report Report }

func (e *VerifyError) Error() string {
	errs := e.Report.Errors()
	msg := fmt.Sprintf("snapshot %s failed verification", e.Report.Snapshot)
	if len(errs) > 0 {
		msg += ": " + errs[0].Message
		switch len(errs) {
		case 1:
		case 2:
			msg += " (and 1 more problem)"
		default:
			msg += fmt.Sprintf(" (and %d more problems)", len(errs)-1)
		}
	}
	return msg
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Mark remembers the outcome in the snapshot folder (verified.json),
	// which retention and List read. A snapshot on read-only media cannot be
	// marked; that is a hint, not a failure.
	Mark   bool
	Now    func() time.Time
	Record Recorder // gets a KindVerify run
	// Progress, if set, is told how many of the snapshot's files and bytes
	// were read back (PhaseFiles), then PhaseIntegrity; see Progress.
	Progress func(Progress)
}

// ignored are files a snapshot folder may hold besides its manifest's list.
func ignored(rel string) bool {
	base := filepath.Base(rel)
	return rel == ManifestName || rel == VerifiedName || atomicfile.IsTemp(base) || base == ".DS_Store"
}

// Verify checks the snapshot folder at dir: the manifest is readable, every
// file it lists exists with the recorded size and SHA-256, the database
// passes PRAGMA integrity_check, and its row counts and local-only rows equal
// the manifest's. The database is opened read-only and never changed.
// Problems are findings in the report; the error is for a snapshot that
// cannot be examined at all (not there, or ctx cancelled). opt.Record gets
// the outcome, failures included, except when dir is not there (a mistaken
// path) or ctx was cancelled.
func Verify(ctx context.Context, dir string, opt VerifyOptions) (Report, error) {
	return verifyRun(ctx, dir, opt, newMeter(KindVerify, opt.Progress))
}

func verifyRun(ctx context.Context, dir string, opt VerifyOptions, mt *meter) (Report, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	started := now()
	r := Report{Snapshot: dir, CheckedAt: started.UTC(), Findings: []Finding{}}
	if err := isFolder(dir, "verify"); err != nil {
		return r, err
	}
	r, err := verifyMark(ctx, dir, opt.Mark, started, mt)
	run := store.BackupRun{Kind: KindVerify, Path: dir, StartedAt: started, OK: err == nil && r.OK, Detail: "ok"}
	switch {
	case err != nil:
		run.Detail = err.Error()
	case !r.OK:
		run.Detail = problems(r.Errors())
	}
	if rerr := record(ctx, opt.Record, run); rerr != nil {
		rerr = fmt.Errorf("record the verification in the backup history: %w", rerr)
		if err != nil {
			return r, errors.Join(err, rerr)
		}
		return r, rerr
	}
	return r, err
}

// isFolder checks that snapshot dir is an existing folder. A path that is
// not is a mistake in the request, not an outcome for the backup history.
func isFolder(dir, what string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("%s snapshot %s: %w", what, dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s snapshot %s: not a snapshot folder", what, dir)
	}
	return nil
}

func verifyMark(ctx context.Context, dir string, mark bool, started time.Time, mt *meter) (Report, error) {
	r := Report{Snapshot: dir, CheckedAt: started.UTC(), Findings: []Finding{}}
	if err := verify(ctx, dir, &r, mt); err != nil {
		return r, err
	}
	r.OK = len(r.Errors()) == 0
	if mark {
		if err := markVerified(dir, r.OK, started); err != nil {
			r.add(SeverityHint, CheckRecord, VerifiedName, "", "could not note the result in the snapshot folder (%v); read-only media cannot be marked", err)
		}
	}
	return r, nil
}

func verify(ctx context.Context, dir string, r *Report, mt *meter) error {
	m, merr := ReadManifest(dir)
	if merr != nil {
		r.add(SeverityError, CheckManifest, ManifestName, "", "%v", merr)
		// Still say what state the database is in: it may be all that is left.
		if _, err := os.Stat(filepath.Join(dir, DBName)); err == nil {
			mt.phase(PhaseIntegrity, 0, 0)
			return checkDB(ctx, dir, nil, r)
		}
		return nil
	}
	r.Created = m.Created
	if m.ThumbsProblem != "" {
		r.add(SeverityError, CheckManifest, ThumbsManifestName, "", "%s", m.ThumbsProblem)
	}
	// The database's integrity check runs in SQLite on one core while the
	// files are hashed on the others; its findings follow the files' as
	// they always did.
	var db Report
	dbDone := make(chan error, 1)
	checkingDB := false
	if _, listed := m.File(DBName); listed && !m.Raw {
		if _, err := os.Stat(filepath.Join(dir, DBName)); err == nil { // else reported as missing
			checkingDB = true
			go func() { dbDone <- checkDB(ctx, dir, &m, &db) }()
		}
	}
	ferr := checkFiles(ctx, dir, &m, r, mt)
	if checkingDB {
		mt.phase(PhaseIntegrity, 0, 0)
		if err := <-dbDone; ferr == nil {
			ferr = err
		}
	}
	if ferr != nil {
		return ferr
	}
	if _, ok := m.File(DBName); !ok {
		r.add(SeverityError, CheckManifest, ManifestName, "", "the manifest lists no database (%s)", DBName)
		return nil
	}
	if m.Raw {
		r.add(SeverityHint, CheckDatabase, DBName, "", "%s is a raw copy of a database that could not be read when the snapshot was taken; it is kept for recovery and cannot be restored as it is", DBName)
		return nil
	}
	if checkingDB {
		r.Tables = db.Tables
		r.Findings = append(r.Findings, db.Findings...)
	}
	return nil
}

// fileCheck is what checking one listed file found.
type fileCheck struct {
	findings []Finding
	checked  bool  // it exists and could be examined
	bytes    int64 // read while hashing
}

func (c *fileCheck) add(check, file, format string, args ...any) {
	c.findings = append(c.findings, Finding{Severity: SeverityError, Check: check, File: file, Message: fmt.Sprintf(format, args...)})
}

// checkFiles compares every file with the manifest (several at once) and
// looks for extras. Findings come in the manifest's order.
func checkFiles(ctx context.Context, dir string, m *Manifest, r *Report, mt *meter) error {
	var total int64
	for _, f := range m.Files {
		total += f.Size
	}
	mt.phase(PhaseFiles, len(m.Files), total)
	results := make([]fileCheck, len(m.Files))
	err := forEach(ctx, len(m.Files), func(ctx context.Context, i int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		results[i] = checkFile(dir, m.Files[i], mt)
		mt.add(1, 0)
		return nil
	})
	if err != nil {
		return err
	}
	mt.flush()
	listed := make(map[string]bool, len(m.Files))
	for i, f := range m.Files {
		listed[f.Path] = true
		res := &results[i]
		r.Findings = append(r.Findings, res.findings...)
		if res.checked {
			r.FilesChecked++
		}
		r.BytesChecked += res.bytes
	}
	// WalkDir does not follow a symlink at its root: walk what a snapshot
	// reached through a symlink (or a symlinked backup folder) points to.
	root := dir
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		root = real
	}
	var extra []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, rerr := relSlash(root, p)
		if rerr == nil && !listed[rel] && !ignored(rel) {
			extra = append(extra, rel)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(extra)
	unlisted := 0 // thumbnails that thumbnails.json would list, were it usable
	for _, e := range extra {
		if m.ThumbsProblem != "" && isThumb(e) {
			unlisted++
			continue
		}
		r.add(SeverityHint, CheckExtra, e, "", "%s is not part of the snapshot (added later?); it is ignored", e)
	}
	if unlisted > 0 {
		r.add(SeverityHint, CheckExtra, ThumbsDir, "", "%d files in %s were not checked and are not restored: %s cannot be used",
			unlisted, ThumbsDir, ThumbsManifestName)
	}
	return nil
}

// checkFile compares one file with its manifest entry: there, same size,
// same SHA-256.
func checkFile(dir string, f FileEntry, mt *meter) fileCheck {
	var c fileCheck
	if !filepath.IsLocal(filepath.FromSlash(f.Path)) {
		c.add(CheckManifest, f.Path, "the manifest lists %q, which is outside the snapshot folder", f.Path)
		return c
	}
	p := filepath.Join(dir, filepath.FromSlash(f.Path))
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		c.add(CheckMissing, f.Path, "%s is missing", f.Path)
		return c
	}
	if err != nil {
		c.add(CheckMissing, f.Path, "%s cannot be read: %v", f.Path, err)
		return c
	}
	c.checked = true
	if st.Size() != f.Size {
		what := "larger"
		if st.Size() < f.Size {
			what = "smaller: truncated?"
		}
		c.add(CheckSize, f.Path, "%s is %d bytes, the manifest says %d (%s)", f.Path, st.Size(), f.Size, what)
		return c
	}
	sum, n, err := hashFileCounting(p, func(n int64) { mt.add(0, n) })
	c.bytes = n
	if err != nil {
		c.add(CheckHash, f.Path, "%s cannot be read: %v", f.Path, err)
		return c
	}
	if sum != f.SHA256 {
		c.add(CheckHash, f.Path, "%s is damaged: its content differs from when the snapshot was taken (SHA-256 %s, expected %s)", f.Path, short(sum), short(f.SHA256))
	}
	return c
}

// checkDB opens the database copy read-only. m is nil when the manifest
// could not be read.
func checkDB(ctx context.Context, dir string, m *Manifest, r *Report) error {
	in, err := store.Inspect(ctx, filepath.Join(dir, DBName), true)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r.add(SeverityError, CheckDatabase, DBName, "", "%s cannot be read as a database: %v", DBName, rootCause(err))
		return nil
	}
	r.Tables = in.Counts
	for i, msg := range in.Integrity {
		if i == 10 {
			r.add(SeverityError, CheckIntegrity, DBName, "", "%s: %d more integrity problems", DBName, len(in.Integrity)-10)
			break
		}
		r.add(SeverityError, CheckIntegrity, DBName, tableIn(msg), "%s is damaged: %s", DBName, msg)
	}
	if in.JournalMode == "wal" {
		r.add(SeverityError, CheckDatabase, DBName, "", "%s is in WAL mode, so it is not a self-contained copy", DBName)
	}
	if m == nil {
		return nil
	}
	if in.SchemaVersion != m.SchemaVersion {
		r.add(SeverityError, CheckSchema, DBName, "", "%s has schema version %d, the manifest says %d", DBName, in.SchemaVersion, m.SchemaVersion)
	}
	var tables []string
	for t := range m.Tables {
		tables = append(tables, t)
	}
	for t := range in.Counts {
		if _, ok := m.Tables[t]; !ok {
			tables = append(tables, t)
		}
	}
	sort.Strings(tables)
	for _, t := range tables {
		want, inManifest := m.Tables[t]
		got, inDB := in.Counts[t]
		switch {
		case !inDB:
			r.add(SeverityError, CheckRows, DBName, t, "table %s is missing from %s (the manifest counts %d rows)", t, DBName, want)
		case !inManifest:
			r.add(SeverityError, CheckRows, DBName, t, "table %s is in %s but not in the manifest", t, DBName)
		case got != want:
			r.add(SeverityError, CheckRows, DBName, t, "table %s has %d rows, the manifest says %d", t, got, want)
		}
	}
	for _, t := range store.LocalOnlyTables {
		want, ok := m.LocalOnly[t]
		if !ok {
			continue
		}
		if got := in.LocalOnly[t]; got != want {
			r.add(SeverityError, CheckLocalOnly, DBName, t, "the rows of local-only table %s differ from when the snapshot was taken", t)
		}
	}
	return nil
}

// tableIn picks a table name out of an integrity_check message such as
// "row 5 missing from index contributions_batch" or "Tree 7 page 9 ...":
// best effort, for the Table field.
func tableIn(msg string) string {
	for _, marker := range []string{"from index ", "in index ", "table "} {
		if i := strings.Index(msg, marker); i >= 0 {
			rest := msg[i+len(marker):]
			if j := strings.IndexAny(rest, " :,"); j >= 0 {
				rest = rest[:j]
			}
			return rest
		}
	}
	return ""
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12] + "…"
	}
	return sum
}

// rootCause strips the store's advice (aimed at the live database) from an
// error about a snapshot copy.
func rootCause(err error) error {
	var ce *store.CorruptError
	if errors.As(err, &ce) {
		return ce.Err
	}
	return err
}
