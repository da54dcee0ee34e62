package app

import (
	"errors"
	"fmt"
	"github.com/stocksync/stocksync/core/wording"
	"strings"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// StartupAlert is what the app shows, instead of starting, when its data
// cannot be used safely: an interrupted restore that could not be completed
// (*datadir.InterruptedError from datadir.Dir.Recover) or a database that is
// not usable (*store.CorruptError from store.Open). The app then neither
// creates, migrates nor writes the database; it only offers to quit.
type StartupAlert struct {
	Title string
	Body  string
	// Snapshot is the snapshot to restore from: the newest one, in the
	// backup folder or the data folder's safety snapshots, whose manifest
	// is readable and that is not a raw copy of a damaged database
	// (verified ones first). Zero (Path "") when there is none.
	Snapshot backup.Info
}

// StartupProblem decides the alert for err, returned by d.Recover or by
// store.Open on d.DB(). ok is false for any other error (the caller shows
// its own "could not start" with the error's text). The snapshot's date is
// in local time.
func StartupProblem(d datadir.Dir, err error) (a StartupAlert, ok bool) {
	var ie *datadir.InterruptedError
	if errors.As(err, &ie) {
		a.Title = "Stocksync cannot finish an interrupted restore"
		a.Body = fmt.Sprintf("A restore of the Stocksync data was interrupted and could not be completed (%s). "+
			"Until it is, nothing in the data folder can be used safely, so Stocksync has not started and changed nothing.\n\n"+
			"Check that the folder %s is on a connected disk with free space and that you can write to it, then open Stocksync again: "+
			"it completes the restore first.", firstLine(ie.Err), d.Root)
		return a, true
	}
	ce := store.CorruptionOf(d.DB(), err)
	if ce == nil {
		return a, false
	}
	a.Title = "The Stocksync database cannot be used"
	var b strings.Builder
	fmt.Fprintf(&b, "The database file %s %s", ce.Path, databaseProblem(ce.Kind()))
	if ce.Kind() != store.ProblemEmpty && ce.Err != nil {
		fmt.Fprintf(&b, " (SQLite: %s)", firstLine(ce.Err))
	}
	b.WriteString(". Stocksync left it untouched and has not started, so nothing more is lost.\n\n")
	if s, found := backup.NewestRestorable(d); found {
		a.Snapshot = s
		fmt.Fprintf(&b, "The newest backup, %s (%s), holds %s. To bring it back, run in Terminal:\n\n    stocksync restore %s\n\n"+
			"The damaged file is kept in a safety snapshot first. Then open Stocksync again.",
			s.Name, s.Created.Local().Format("Jan 2, 2006 at 15:04"), localOnlyText(s.LocalOnly), quotePath(s.Path))
	} else {
		fmt.Fprintf(&b, "No backup of it was found. Move the file out of the folder and open Stocksync again to fetch your portfolio "+
			"from ESP anew; the pending uploads, local file paths and local edits in it are lost unless the file can be repaired.")
	}
	a.Body = b.String()
	return a, true
}

// databaseProblem words store.Problem for the alert.
func databaseProblem(p store.Problem) string {
	switch p {
	case store.ProblemEmpty:
		return "is empty (0 bytes): its data was lost"
	case store.ProblemNotSQLite:
		return "is not a database"
	case store.ProblemForeign:
		return "belongs to another application, not Stocksync"
	case store.ProblemIntegrity:
		return "has damaged pages"
	}
	return "is damaged"
}

// localOnlyText words a snapshot's manifest counts (backup.Info.LocalOnly).
func localOnlyText(m map[string]int64) string {
	return wording.Plural(int(m["pending_uploads"]), "pending upload", "pending uploads") + ", " +
		wording.Plural(int(m["local_edits"]), "local edit", "local edits") + " and " +
		wording.Plural(int(m["local_paths"]), "local file path", "local file paths")
}

func firstLine(err error) string {
	s := strings.TrimPrefix(fmt.Sprint(err), "*** in database main ***")
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// quotePath quotes p for Terminal's shell when it needs it.
func quotePath(p string) string {
	if p != "" && strings.IndexFunc(p, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:@", r))
	}) < 0 {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}
