package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// SyncRun records one sync.
type SyncRun struct {
	ID               int64     `json:"id"`
	StartedAt        time.Time `json:"started_at"`
	FinishedAt       time.Time `json:"finished_at,omitzero"`
	Outcome          string    `json:"outcome"` // running, ok, partial, failed, cancelled
	Push             bool      `json:"push"`
	BatchesListed    int       `json:"batches_listed"`
	BatchesSynced    int       `json:"batches_synced"`
	FilesWritten     int       `json:"files_written"`
	ThumbnailsQueued int       `json:"thumbnails_queued"`
	EditsSent        int       `json:"edits_sent"`
	Conflicts        int       `json:"conflicts"`
	Requests         int       `json:"requests"`
	// Problem is why a run stopped or fell short, machine-readable (one
	// of the SyncProblem* kinds, "" when none or not known); Message states
	// the fact in neutral words (no advice: each frontend words Problem).
	Problem SyncProblem `json:"problem,omitempty"`
	Message string      `json:"message,omitempty"`
	Errors  []string    `json:"errors,omitempty"`
}

// SyncProblem is the stable kind of a run's problem, stored with the run.
// The frontends word it (cmd/stocksync's hint.go, core/app's errtext.go).
type SyncProblem string

// The kinds of SyncRun.Problem. Never rename one: old runs keep them.
const (
	SyncProblemSignedOut      SyncProblem = "signed_out"       // esp.ErrSignedOut
	SyncProblemBadCredentials SyncProblem = "bad_credentials"  // esp.ErrBadCredentials
	SyncProblemForbidden      SyncProblem = "forbidden"        // esp.ErrForbidden
	SyncProblemUnavailable    SyncProblem = "esp_unavailable"  // esp.ErrUnavailable
	SyncProblemRateLimited    SyncProblem = "rate_limited"     // esp.ErrRateLimited
	SyncProblemNoProgress     SyncProblem = "no_progress"      // syncer.ErrNoProgress
	SyncProblemDamaged        SyncProblem = "database_damaged" // *CorruptError
	SyncProblemDiskFull       SyncProblem = "disk_full"        // ErrDiskFull
	SyncProblemDataGone       SyncProblem = "data_gone"        // ErrGone
	SyncProblemItemsFailed    SyncProblem = "items_failed"     // some batches or files failed; Errors lists them
)

var syncProblems = map[SyncProblem]bool{
	SyncProblemSignedOut: true, SyncProblemBadCredentials: true, SyncProblemForbidden: true,
	SyncProblemUnavailable: true, SyncProblemRateLimited: true, SyncProblemNoProgress: true,
	SyncProblemDamaged: true, SyncProblemDiskFull: true, SyncProblemDataGone: true, SyncProblemItemsFailed: true,
}

// runMessage is what sync_runs.message holds: "kind: message" when there is
// a kind (schema 4 has no column of its own for it; a later migration can
// move it into one), else the message alone.
func runMessage(p SyncProblem, msg string) string {
	if p == "" {
		return msg
	}
	if msg == "" {
		return string(p)
	}
	return string(p) + ": " + msg
}

// parseRunMessage splits what runMessage stored. A message from before
// kinds were stored ("signed out of ESP: …") has no known kind.
func parseRunMessage(stored string) (SyncProblem, string) {
	head, rest, _ := strings.Cut(stored, ": ")
	if p := SyncProblem(head); syncProblems[p] {
		return p, rest
	}
	return "", stored
}

// Sync outcomes.
const (
	OutcomeRunning   = "running"
	OutcomeOK        = "ok"
	OutcomePartial   = "partial"
	OutcomeFailed    = "failed"
	OutcomeCancelled = "cancelled"
)

// StartSyncRun records the start of a sync and returns its ID.
func (db *DB) StartSyncRun(ctx context.Context, push bool, now time.Time) (int64, error) {
	var id int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		// A run left "running" by a killed process is over: say so.
		if _, err := tx.ExecContext(ctx, `UPDATE sync_runs SET outcome = 'cancelled', message = 'interrupted (the process stopped)'
			WHERE outcome = 'running'`); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sync_runs (started_at, push) VALUES (?, ?)`, fmtTime(now), b2i(push))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// FinishSyncRun stores a run's final numbers.
func (db *DB) FinishSyncRun(ctx context.Context, r SyncRun) error {
	return db.writeRefetchable(ctx, func(tx *sql.Tx) error {
		errs := r.Errors
		if errs == nil {
			errs = []string{}
		}
		_, err := tx.ExecContext(ctx, `UPDATE sync_runs SET finished_at = ?, outcome = ?, batches_listed = ?, batches_synced = ?,
			files_written = ?, thumbnails_queued = ?, edits_sent = ?, conflicts = ?, requests = ?, message = ?, errors = ?
			WHERE id = ?`, fmtTime(r.FinishedAt), r.Outcome, r.BatchesListed, r.BatchesSynced, r.FilesWritten,
			r.ThumbnailsQueued, r.EditsSent, r.Conflicts, r.Requests, runMessage(r.Problem, r.Message), toJSON(errs), r.ID)
		return err
	})
}

// LastSyncRun is the most recent sync, or ErrNotFound.
func (db *DB) LastSyncRun(ctx context.Context) (SyncRun, error) {
	var r SyncRun
	err := db.Read(ctx, func(tx *sql.Tx) (err error) {
		r, err = lastSyncRun(ctx, tx)
		return err
	})
	return r, err
}

func lastSyncRun(ctx context.Context, tx *sql.Tx) (SyncRun, error) {
	var r SyncRun
	var started, finished, errs string
	var push int
	err := tx.QueryRowContext(ctx, `SELECT id, started_at, finished_at, outcome, push, batches_listed, batches_synced,
		files_written, thumbnails_queued, edits_sent, conflicts, requests, message, errors
		FROM sync_runs ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &started, &finished, &r.Outcome, &push, &r.BatchesListed,
		&r.BatchesSynced, &r.FilesWritten, &r.ThumbnailsQueued, &r.EditsSent, &r.Conflicts, &r.Requests, &r.Message, &errs)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, err
	}
	r.StartedAt, r.FinishedAt, r.Push, r.Errors = parseTime(started), parseTime(finished), push == 1, strList(errs)
	r.Problem, r.Message = parseRunMessage(r.Message)
	return r, nil
}

// BackupRun records one backup operation.
type BackupRun struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"` // snapshot, safety, verify, test-restore, restore
	Path      string    `json:"path"`
	StartedAt time.Time `json:"started_at"`
	OK        bool      `json:"ok"`
	Detail    string    `json:"detail,omitempty"`
}

// RecordBackupRun stores a backup operation's result.
func (db *DB) RecordBackupRun(ctx context.Context, r BackupRun) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO backup_runs (kind, path, started_at, ok, detail) VALUES (?, ?, ?, ?, ?)`,
			r.Kind, r.Path, fmtTime(r.StartedAt), b2i(r.OK), r.Detail)
		return err
	})
}

// LastBackupRun is the newest run of kind (ok only if okOnly), or ErrNotFound.
// Newest is the order runs were recorded in, not their start times: a run
// recorded while this computer's clock was ahead must not stay "the last
// backup" after the clock is corrected.
func (db *DB) LastBackupRun(ctx context.Context, kind string, okOnly bool) (BackupRun, error) {
	var r BackupRun
	var started string
	var ok int
	err := db.r.QueryRowContext(ctx, `SELECT id, kind, path, started_at, ok, detail FROM backup_runs
		WHERE kind = ? AND (ok = 1 OR ? = 0) ORDER BY id DESC LIMIT 1`, kind, b2i(okOnly)).
		Scan(&r.ID, &r.Kind, &r.Path, &started, &ok, &r.Detail)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, db.wrapErr("read backup history", err)
	}
	r.StartedAt, r.OK = parseTime(started), ok == 1
	return r, nil
}
