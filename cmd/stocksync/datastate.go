package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// prepareDataDir repairs what a killed command left in the data folder
// before anything reads it: an interrupted restore is completed and leftover
// temporary files are removed (datadir.Recover). A restore that cannot be
// completed makes the folder unusable (exitDamaged).
func prepareDataDir(d datadir.Dir) error {
	r, err := d.Recover()
	if err != nil {
		return &exitError{code: exitDamaged, msg: fmt.Sprintf("%v. Nothing can be read safely until it is: check that the "+
			"data folder %s is writable and run the command again, or restore a snapshot with `stocksync restore SNAPSHOT`", err, d.Root)}
	}
	if r.Completed != "" {
		fmt.Fprintf(os.Stderr, "stocksync: completed the interrupted %s first\n", r.Completed)
	}
	return nil
}

// openStoreRead opens the database for a command that only reads: it never
// creates the data folder or the database (with no database it gives an
// empty one in memory), and on a read-only folder or database file it opens
// the file read-only. readOnly reports whether nothing can be written.
func (o globalOptions) openStoreRead(ctx context.Context) (d datadir.Dir, db *store.DB, readOnly bool, err error) {
	if d, err = o.dataDir(); err != nil {
		return d, nil, false, err
	}
	if _, serr := os.Stat(d.DB()); errors.Is(serr, fs.ErrNotExist) {
		db, err = store.OpenEmpty(ctx)
		return d, db, true, err
	}
	if err := prepareDataDir(d); err != nil {
		return d, nil, false, err
	}
	if store.CanWrite(d.DB()) == nil {
		db, err = store.Open(ctx, d.DB(), store.Options{BeforeMigrate: beforeMigrate(d)})
		if err == nil || !errors.Is(err, store.ErrReadOnly) {
			return d, db, false, o.damaged(d, err)
		}
	}
	db, err = store.OpenReadOnly(ctx, d.DB())
	return d, db, true, o.damaged(d, err)
}

// damaged turns a database that is not usable (store.CorruptError) into
// exitDamaged, with the facts a user needs: what is wrong with which file,
// and the newest snapshot holding the local-only work with the exact command
// that restores it. Other errors pass through.
func (o globalOptions) damaged(d datadir.Dir, err error) error {
	ce := store.CorruptionOf(d.DB(), err)
	if ce == nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the database %s %s", ce.Path, problemText(ce.Kind()))
	if ce.Kind() != store.ProblemEmpty {
		// SQLite's own findings can run to many lines: the first says enough.
		detail := strings.TrimPrefix(fmt.Sprint(ce.Err), "*** in database main ***")
		detail, _, _ = strings.Cut(strings.TrimSpace(detail), "\n")
		fmt.Fprintf(&b, " (%s)", detail)
	}
	b.WriteString(". It was left untouched; no command but `check`, `restore` and `backup list` will use it.")
	if s, ok := backup.NewestRestorable(d); ok {
		fmt.Fprintf(&b, "\nThe newest snapshot, %s (taken %s), holds %s. Bring it back with:\n  %s",
			s.Name, s.Created.Local().Format("2006-01-02 15:04"), localOnlyLine(s.LocalOnly), o.restoreCommand(d, s.Path))
		fmt.Fprintf(&b, "\n(the file as it is now is kept in a safety snapshot first, and the restore also rescues the pending uploads, "+
			"local file paths and local edits it still holds; see what the snapshot holds with --dry-run)")
	} else {
		fmt.Fprintf(&b, "\nNo snapshot was found. Move %s away and run `stocksync sync` to fetch the server data again; "+
			"the pending uploads, local file paths and local edits in it are lost unless it can be repaired (sqlite3 .recover)", ce.Path)
	}
	return &exitError{code: exitDamaged, msg: b.String()}
}

func problemText(p store.Problem) string {
	switch p {
	case store.ProblemEmpty:
		return "is empty (0 bytes): its data was lost"
	case store.ProblemNotSQLite:
		return "is not a database"
	case store.ProblemForeign:
		return "is another application's database, not Stocksync's"
	case store.ProblemIntegrity:
		return "has damaged pages"
	}
	return "is damaged"
}

// shellQuote quotes p for a POSIX shell when it needs it.
func shellQuote(p string) string {
	if p != "" && strings.IndexFunc(p, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:@", r))
	}) < 0 {
		return p
	}
	if !isPlainText(p) {
		return ansiCQuote(p)
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}

// ansiCQuote quotes s as $'…' (bash, zsh and POSIX.1-2024 sh), with every
// character a terminal must not get raw written as an escape: \n, \t,
// \xHH, \uXXXX. A printed command then both shows safely and, pasted,
// gives back s exactly (a description's line break or tab, which termSafe
// would have turned into a space).
func ansiCQuote(s string) string {
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}

// restoreCommand is the exact command that restores snap into d, with
// --data-dir when the folder was chosen by that flag.
func (o globalOptions) restoreCommand(d datadir.Dir, snap string) string {
	if o.DataDir != "" {
		return fmt.Sprintf("stocksync --data-dir %s restore %s", shellQuote(d.Root), shellQuote(snap))
	}
	return "stocksync restore " + shellQuote(snap)
}
