package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// TestRestoreOptions tune TestRestore.
type TestRestoreOptions struct {
	// TempDir is where the trial data folder is made; "" means os.TempDir().
	TempDir string
	Now     func() time.Time
	// Record gets a KindTestRestore run, failures included, except when
	// the snapshot is not there (a mistaken path) or ctx was cancelled.
	Record Recorder
	// Progress, if set, follows the verification (PhaseFiles,
	// PhaseIntegrity), then PhaseRestore; see Progress.
	Progress func(Progress)
}

// TestRestoreReport is the outcome of TestRestore.
type TestRestoreReport struct {
	Snapshot  string    `json:"snapshot"`
	CheckedAt time.Time `json:"checked_at"`
	OK        bool      `json:"ok"`
	Verify    Report    `json:"verify"`
	// SchemaFrom → SchemaTo: opening the copy upgraded it, as a real restore would.
	SchemaFrom int              `json:"schema_from"`
	SchemaTo   int              `json:"schema_to"`
	Tables     map[string]int64 `json:"tables,omitempty"` // rows after opening with the store
	Findings   []Finding        `json:"findings"`
}

// Err is nil when the trial restore worked.
func (r *TestRestoreReport) Err() error {
	if r.OK {
		return nil
	}
	for _, f := range append(r.Verify.Errors(), r.Findings...) {
		if f.Severity == SeverityError {
			return fmt.Errorf("test restore of %s failed: %s", r.Snapshot, f.Message)
		}
	}
	return fmt.Errorf("test restore of %s failed", r.Snapshot)
}

// TestRestore proves a snapshot can be restored without touching the data
// folder: it verifies the snapshot, restores it into a temporary data
// folder, opens that with the store (upgrading its schema as a real restore
// would), compares row counts and local-only rows with the manifest, reads
// the settings, and removes the folder.
func TestRestore(ctx context.Context, snap string, opt TestRestoreOptions) (TestRestoreReport, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	started := now()
	if err := isFolder(snap, "test restore"); err != nil {
		return TestRestoreReport{Snapshot: snap, CheckedAt: started.UTC(), Verify: Report{Snapshot: snap, Findings: []Finding{}}, Findings: []Finding{}}, err
	}
	rep, err := testRestore(ctx, snap, opt, now, newMeter(KindTestRestore, opt.Progress))
	rep.Snapshot, rep.CheckedAt = snap, started.UTC()
	if err == nil {
		rep.OK = rep.Verify.OK
		for _, f := range rep.Findings {
			if f.Severity == SeverityError {
				rep.OK = false
			}
		}
	}
	run := store.BackupRun{Kind: KindTestRestore, Path: snap, StartedAt: started, OK: err == nil && rep.OK, Detail: "ok"}
	switch {
	case err != nil:
		run.Detail = err.Error()
	case !rep.OK:
		run.Detail = problems(append(rep.Verify.Errors(), rep.Findings...))
	}
	if rerr := record(ctx, opt.Record, run); rerr != nil {
		rerr = fmt.Errorf("record the test restore in the backup history: %w", rerr)
		if err != nil {
			return rep, errors.Join(err, rerr)
		}
		return rep, rerr
	}
	return rep, err
}

func testRestore(ctx context.Context, snap string, opt TestRestoreOptions, now func() time.Time, mt *meter) (TestRestoreReport, error) {
	rep := TestRestoreReport{Findings: []Finding{}}
	var err error
	if rep.Verify, err = verifyRun(ctx, snap, VerifyOptions{Mark: true, Now: now}, mt); err != nil {
		return rep, err
	}
	mt.phase(PhaseRestore, 0, 0)
	if !rep.Verify.OK {
		return rep, nil
	}
	m, err := ReadManifest(snap)
	if err != nil {
		return rep, err
	}
	add := func(check, file, table, format string, args ...any) {
		rep.Findings = append(rep.Findings, Finding{Severity: SeverityError, Check: check, File: file, Table: table, Message: fmt.Sprintf(format, args...)})
	}
	if m.Raw {
		add(CheckDatabase, DBName, "", "the snapshot holds a raw copy of a damaged database, which cannot be restored")
		return rep, nil
	}
	tmp, err := os.MkdirTemp(opt.TempDir, "stocksync-test-restore-")
	if err != nil {
		return rep, fmt.Errorf("test restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	dir := datadir.Dir{Root: tmp}
	if err := dir.Ensure(); err != nil {
		return rep, err
	}
	stage, mark, err := stageDB(dir, snap, &m)
	if err != nil {
		return rep, err
	}
	defer mark.Release()
	if err := os.Rename(stage, dir.DB()); err != nil {
		return rep, fmt.Errorf("test restore: %w", err)
	}
	if e, ok := m.File(ConfigName); ok {
		data, err := readChecked(snap, e)
		if err != nil {
			return rep, err
		}
		if err := os.WriteFile(dir.Config(), data, 0o600); err != nil {
			return rep, fmt.Errorf("test restore: %w", err)
		}
		if _, err := config.Load(dir.Config()); err != nil {
			add(CheckConfig, ConfigName, "", "the settings in the snapshot cannot be used: %v", err)
		}
	}
	rep.SchemaFrom = m.SchemaVersion
	db, err := store.Open(ctx, dir.DB(), store.Options{})
	if err != nil {
		add(CheckDatabase, DBName, "", "the restored database cannot be opened: %v", rootCause(err))
		return rep, nil
	}
	defer db.Close()
	rep.SchemaTo = db.SchemaVersion()
	if rep.Tables, err = db.TableCounts(ctx); err != nil {
		add(CheckDatabase, DBName, "", "the restored database cannot be read: %v", rootCause(err))
		return rep, nil
	}
	digest, err := db.LocalOnlyDigest(ctx)
	if err != nil {
		add(CheckDatabase, DBName, "", "the restored local-only rows cannot be read: %v", rootCause(err))
		return rep, nil
	}
	upgraded := rep.SchemaTo != rep.SchemaFrom
	var tables []string
	for t := range m.Tables {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		if got, want := rep.Tables[t], m.Tables[t]; got != want {
			add(CheckRows, DBName, t, "after restoring, table %s has %d rows, the snapshot %d", t, got, want)
		}
	}
	// An upgrade may add columns, changing digests but not rows; the counts
	// above still hold.
	if !upgraded {
		for _, t := range store.LocalOnlyTables {
			if want, ok := m.LocalOnly[t]; ok && digest[t] != want {
				add(CheckLocalOnly, DBName, t, "after restoring, the rows of local-only table %s differ from the snapshot", t)
			}
		}
	}
	return rep, nil
}
