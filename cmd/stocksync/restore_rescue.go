package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// rescueJSON is what a full restore over a damaged database rescued from it:
// the pending uploads, local file paths and local edits the damaged file
// still held, merged into the restored database (`restore --json`
// "rescued").
type rescueJSON struct {
	From      string            `json:"from"`            // the raw copy of the damaged database (in the safety snapshot)
	LocalOnly store.MergeResult `json:"local_only"`      // per table: added, updated, unchanged
	Error     string            `json:"error,omitempty"` // why nothing could be rescued
}

// restoreJSON is the shape of `restore --json`.
type restoreJSON struct {
	backup.RestoreResult
	Rescued *rescueJSON `json:"rescued,omitempty"`
}

// rescueLocalOnly runs after a full restore that replaced a damaged
// database (its safety snapshot is a raw copy): the local-only tables of the
// damaged file are usually intact, and they hold the work done since the
// snapshot was taken (issue 12: a restore must not drop a pending upload the
// damaged database still held). Its local-only rows are merged into the
// restored database, newest version winning. Nil when there is nothing to
// rescue from.
func rescueLocalOnly(ctx context.Context, d datadir.Dir, res backup.RestoreResult) *rescueJSON {
	if res.Safety == nil || !res.Safety.Raw {
		return nil
	}
	src := filepath.Join(res.Safety.Path, backup.DBName)
	// An empty file, one that is not SQLite or another application's
	// database holds no Stocksync work: nothing to rescue, nothing to say.
	if ro, err := store.OpenReadOnly(ctx, src); err == nil {
		ro.Close()
	} else if ce := store.CorruptionOf(src, err); ce != nil {
		switch ce.Kind() {
		case store.ProblemEmpty, store.ProblemNotSQLite, store.ProblemForeign:
			return nil
		}
	}
	out := &rescueJSON{From: src}
	db, err := store.Open(ctx, d.DB(), store.Options{BeforeMigrate: beforeMigrate(d)})
	if err != nil {
		out.Error = err.Error()
		return out
	}
	defer db.Close()
	merged, err := db.MergeLocalOnly(ctx, src)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.LocalOnly = merged
	return out
}

// printRescue says what rescueLocalOnly did; it returns the exit error when
// the damaged database's local-only rows could not be read.
func printRescue(w io.Writer, r *rescueJSON) error {
	if r == nil {
		return nil
	}
	if r.Error != "" {
		return &exitError{code: exitPartial, msg: fmt.Sprintf("the snapshot was restored, but the pending uploads, local file paths and local "+
			"edits of the damaged database could not be read (%s): whatever it held since the snapshot is only in %s; "+
			"recover it with sqlite3's .recover, or ask for help", termSafe(r.Error), termSafe(r.From))}
	}
	if r.LocalOnly.Total() == 0 {
		fmt.Fprintln(w, "The damaged database held no local-only work the snapshot lacks.")
		return nil
	}
	fmt.Fprintln(w, "Rescued from the damaged database (work done since the snapshot):")
	for _, t := range store.LocalOnlyTables {
		c := r.LocalOnly[t]
		fmt.Fprintf(w, "  %-17s %s added, %s replaced\n", localOnlyWords[t]+":", num(c.Added), num(c.Updated))
	}
	return nil
}
