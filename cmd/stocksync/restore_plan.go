package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/store"
)

// localOnlyWords names the local-only tables for people.
var localOnlyWords = map[string]string{
	"pending_uploads": "pending uploads",
	"local_paths":     "local file paths",
	"local_edits":     "local edits",
}

// printRestorePlan says what `restore --dry-run` found and, with
// --local-only, exactly what the merge would do (core/backup works it out
// by running the merge on a copy of the data).
func printRestorePlan(w io.Writer, r backup.RestoreResult, localOnly bool) {
	s := r.Snapshot
	fmt.Fprintf(w, "Snapshot %s (taken %s) can be restored; nothing was changed.\n", termSafe(s.Name), s.Created.Local().Format("2006-01-02 15:04"))
	fmt.Fprintf(w, "  It holds %s.\n", localOnlyLine(s.LocalOnly))
	if !localOnly {
		fmt.Fprintln(w, "  The database would be replaced by the snapshot's (the current one is kept in a safety snapshot first).")
		if r.Config.InSnapshot && !missingFile(r.Missing, backup.ConfigName) {
			fmt.Fprintln(w, "  The settings would be replaced by the snapshot's.")
		}
		printMissing(w, r.Missing)
		return
	}
	fmt.Fprintln(w, "  --local-only would merge into the current database (server data is left alone; the current data is kept in a safety snapshot first):")
	for _, t := range store.LocalOnlyTables {
		c := r.LocalOnly[t]
		fmt.Fprintf(w, "    %-17s %s added, %s replaced, %s already here\n",
			localOnlyWords[t]+":", num(c.Added), num(c.Updated), num(c.Unchanged))
	}
	fmt.Fprintln(w, "    (replaced: the snapshot's version is newer than the one here)")
	printChanges(w, r.Changes)
	c := r.Config
	switch {
	case c.Restored && c.DamagedKept != "":
		base, _, _ := strings.Cut(c.DamagedKept, ".damaged-")
		fmt.Fprintf(w, "  The settings would be restored (the current file cannot be read; it would be kept as %s.damaged-…).\n", termSafe(base))
	case c.Restored:
		fmt.Fprintln(w, "  The settings would be restored (there is no settings file now).")
	case len(c.Differences) > 0:
		fmt.Fprintln(w, "  Your current settings would be kept; the snapshot's differ:")
		for _, d := range c.Differences {
			fmt.Fprintf(w, "    %s\n", termSafe(d))
		}
	case c.Note != "":
		fmt.Fprintf(w, "  Settings: %s.\n", termSafe(c.Note))
	default:
		fmt.Fprintln(w, "  Your current settings would be kept (the snapshot's are the same).")
	}
	printMissing(w, r.Missing)
}

// printChanges names the rows the merge would add or replace (at most 20).
func printChanges(w io.Writer, cs []backup.LocalOnlyChange) {
	const most = 20
	for i, c := range cs {
		if i == most {
			fmt.Fprintf(w, "    … and %s more (`--json` lists them all)\n", num(len(cs)-most))
			return
		}
		verb := "would come back"
		if c.Replaces {
			verb = "would be replaced"
		}
		switch c.Table {
		case "pending_uploads":
			fmt.Fprintf(w, "    pending upload %s %s\n", shownPath(c.Key), verb)
		case "local_paths":
			if c.Replaces {
				fmt.Fprintf(w, "    local file path of file %s would change from %s to %s\n", termSafe(c.Key), termSafe(c.Now), termSafe(c.Then))
			} else {
				fmt.Fprintf(w, "    local file path of file %s %s\n", termSafe(c.Key), verb)
			}
		default:
			fmt.Fprintf(w, "    local edit of file %s %s\n", termSafe(c.Key), verb)
		}
	}
}
