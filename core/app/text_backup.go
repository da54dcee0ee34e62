package app

import (
	"strings"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/wording"
)

// progressText says what op is doing: "Backing up… — copying thumbnails:
// 120 of 400 files", "Verifying… — checking files: 3 of 5 files, 1.2 MB of
// 4 MB"; just "Backing up…" before package backup reported anything.
func progressText(op Operation, p backup.Progress) string {
	s := map[Operation]string{OpBackUp: textBackingUp, OpVerify: textVerifying, OpTestRestore: textTestRestoring}[op]
	what, ok := phaseWords[p.Phase]
	if !ok {
		return s
	}
	s += " — " + what
	var counts []string
	if p.FilesTotal > 1 || p.Files > 1 {
		if p.FilesTotal > 0 {
			counts = append(counts, wording.Count(p.Files)+" of "+wording.Plural(p.FilesTotal, "file", "files"))
		} else {
			counts = append(counts, wording.Plural(p.Files, "file", "files"))
		}
	}
	switch {
	case p.BytesTotal > 0:
		counts = append(counts, wording.Bytes(p.Bytes)+" of "+wording.Bytes(p.BytesTotal))
	case p.Bytes > 0:
		counts = append(counts, wording.Bytes(p.Bytes))
	}
	if len(counts) > 0 {
		s += ": " + strings.Join(counts, ", ")
	}
	return s
}

// phaseWords name what each backup.Progress phase does.
var phaseWords = map[string]string{
	backup.PhaseDatabase:   "copying the database",
	backup.PhaseSettings:   "copying the settings",
	backup.PhaseThumbnails: "copying thumbnails",
	backup.PhaseFiles:      "checking files",
	backup.PhaseIntegrity:  "checking the database",
	backup.PhaseRestore:    "opening the restored copy",
}
