package backup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/store"
)

// Recorder stores the outcome of a backup operation; *store.DB is one.
// Snapshot, Verify, TestRestore, VerifyNewest and TestRestoreNewest record
// their own runs when given one, so every frontend records them alike.
type Recorder interface {
	RecordBackupRun(ctx context.Context, r store.BackupRun) error
}

// record stores run through rec, unless rec is nil or ctx ended: an
// operation that was interrupted (the user cancelled, the app quits) has
// no outcome to remember.
func record(ctx context.Context, rec Recorder, run store.BackupRun) error {
	if rec == nil || ctx.Err() != nil {
		return nil
	}
	return rec.RecordBackupRun(ctx, run)
}

// problems is the Detail recorded for a run that found problems: the
// messages of the errors among them, as the app has always recorded them
// (facts only, no advice for one frontend).
func problems(fs []Finding) string {
	var msgs []string
	for _, f := range fs {
		if f.Severity == SeverityError {
			msgs = append(msgs, f.Message)
		}
	}
	return strings.Join(msgs, "; ")
}

// ErrNoSnapshot means a backup folder holds no snapshot whose manifest can
// be read. Newest wraps it with the folder.
var ErrNoSnapshot = errors.New("no readable snapshot")

// Newest is the newest snapshot in dest whose manifest can be read (raw and
// unverified ones included): what verify and test-restore mean when no
// snapshot is named. Without one the error wraps ErrNoSnapshot; a dest that
// cannot be listed gives List's *DestinationError.
func Newest(dest string) (Info, error) {
	list, err := List(dest)
	if err != nil {
		return Info{}, err
	}
	for _, s := range list {
		if s.Problem == "" {
			return s, nil
		}
	}
	return Info{}, fmt.Errorf("%s: %w", dest, ErrNoSnapshot)
}

// VerifyNewest verifies the Newest snapshot in dest, after removing what
// killed backups left there (CleanLeftovers). When there is none (or
// dest cannot be listed) that error is returned and, through opt.Record,
// recorded as a failed verification of dest.
func VerifyNewest(ctx context.Context, dest string, opt VerifyOptions) (Report, error) {
	CleanLeftovers(dest)
	snap, err := Newest(dest)
	if err != nil {
		return Report{Snapshot: dest, Findings: []Finding{}}, recordNoSnapshot(ctx, opt.Record, KindVerify, dest, opt.Now, err)
	}
	return Verify(ctx, snap.Path, opt)
}

// TestRestoreNewest is TestRestore of the Newest snapshot in dest, cleaned
// and recorded as VerifyNewest is.
func TestRestoreNewest(ctx context.Context, dest string, opt TestRestoreOptions) (TestRestoreReport, error) {
	CleanLeftovers(dest)
	snap, err := Newest(dest)
	if err != nil {
		rep := TestRestoreReport{Snapshot: dest, Verify: Report{Snapshot: dest, Findings: []Finding{}}, Findings: []Finding{}}
		return rep, recordNoSnapshot(ctx, opt.Record, KindTestRestore, dest, opt.Now, err)
	}
	return TestRestore(ctx, snap.Path, opt)
}

func recordNoSnapshot(ctx context.Context, rec Recorder, kind, dest string, now nowFunc, err error) error {
	run := store.BackupRun{Kind: kind, Path: dest, StartedAt: now.now(), Detail: err.Error()}
	if rerr := record(ctx, rec, run); rerr != nil {
		return errors.Join(err, fmt.Errorf("record the failure in the backup history: %w", rerr))
	}
	return err
}

// nowFunc is an options' Now: nil means time.Now.
type nowFunc func() time.Time

func (f nowFunc) now() time.Time {
	if f != nil {
		return f()
	}
	return time.Now()
}
