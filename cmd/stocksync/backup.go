package main

// Backup commands. Exit status (docs/cli.md): 0 ok; 1 error (nothing written,
// or the destination could not be used); 3 a snapshot failed verification, a
// test restore found problems, or pruning after a good backup failed; 4
// refused because a sync is running or the database is open in another
// process (restore).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
)

// beforeMigrate is what every command that opens the database for writing
// passes as store.Options.BeforeMigrate: a safety snapshot of d before a
// schema upgrade (backup.BeforeMigrate).
func beforeMigrate(d datadir.Dir) func(context.Context, int, int) error {
	return backup.BeforeMigrate(d, nil)
}

// backupJSON is the documented shape of `stocksync backup --json`.
type backupJSON struct {
	Snapshot backup.Info         `json:"snapshot"`
	Verify   backup.Report       `json:"verify"`
	Prune    *backup.PruneResult `json:"prune,omitempty"`
}

// backupOptions are the flags of `stocksync backup`.
type backupOptions struct {
	to                        string
	toSet                     bool // --to was given (set by RunE), so an empty value is a mistake
	withThumbs, withThumbsSet bool
	asJSON                    bool
}

// AddFlags adds backup's flags to f.
func (o *backupOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.to, "to", "", "back up into DIR instead of the configured destination")
	f.BoolVar(&o.withThumbs, "with-thumbnails", false, "include the thumbnail cache (default: the include_thumbnails setting)")
	f.BoolVar(&o.asJSON, "json", false, "print machine-readable JSON (shape documented in docs/cli.md)")
}

func newBackupCmd(gopts *globalOptions) *cobra.Command {
	var opts backupOptions
	cmd := &cobra.Command{
		Use:   "backup [--to DIR] [--with-thumbnails]",
		Short: "Take a verified snapshot of your local data into the backup folder",
		Long: `Takes a snapshot of the data folder into the backup destination (set it once with
"stocksync backup destination DIR", or pass --to DIR): a consistent copy of the
database, the settings and a manifest, in a new folder named after the time. The
snapshot is then verified, and older snapshots are pruned: the newest N (the
"keep" setting, 10 by default) are kept, plus one per day for a week and one per
week for two months, and never the only verified one.

Thumbnails are left out by default (they can be downloaded again); with
--with-thumbnails (or "include_thumbnails" in the settings) they are included,
and unchanged ones are hard-linked from the previous snapshot. On a terminal the
files and bytes copied and verified so far are shown as it goes.

--to DIR is made if it does not exist and its parent (the drive) does, as with
"backup destination DIR"; a folder inside the data folder, or the data folder
reached through a link, is refused. Backing up only reads the data folder, so it
works when the disk has turned read-only (the backup is then not recorded in the
folder's history).

Exit status: 0 ok, 1 error, 2 usage, 3 the new snapshot failed verification (or it
is fine but pruning older snapshots failed), 6 the database is damaged or not
Stocksync's (restore it instead).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			opts.toSet, opts.withThumbsSet = f.Changed("to"), f.Changed("with-thumbnails")
			return runBackup(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	cmd.AddCommand(newBackupListCmd(gopts), newBackupVerifyCmd(gopts), newBackupTestRestoreCmd(gopts), newBackupStatusCmd(gopts),
		newBackupScheduleCmd(gopts), newBackupDestinationCmd(gopts), newBackupDeleteCmd(gopts))
	return cmd
}

// runBackup takes a snapshot into the destination, verifies it and prunes.
func runBackup(ctx context.Context, o backupOptions, gopts globalOptions, _ []string) error {
	if o.toSet && strings.TrimSpace(o.to) == "" {
		return &exitError{code: exitUsage, msg: "--to is empty: give the folder to back up into"}
	}
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	if _, err := os.Stat(d.DB()); err != nil {
		return fmt.Errorf("nothing to back up in %s yet (no database: %v); run `stocksync sync` first", d.Root, errors.Unwrap(err))
	}
	// Backing up only reads the data folder: it works when the disk
	// has turned read-only, exactly when a backup matters most.
	_, db, readOnly, err := gopts.openStoreRead(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var rec backup.Recorder = db
	if readOnly {
		rec = nil
		fmt.Fprintf(gopts.stderr, "note: the data folder %s is read-only: this backup is not recorded in its history\n", d.Root)
	}
	// Damaged settings must not stop a backup of the work that exists
	// only here: with --to it goes ahead (the file is copied as it
	// is, nothing is pruned since the keep setting is unknown).
	cfg, cerr := loadConfig(d)
	if cerr != nil {
		if o.to == "" {
			return fmt.Errorf("%w; without them the backup folder is unknown: back up with `stocksync backup --to DIR`", cerr)
		}
		cfg = config.Default()
		fmt.Fprintf(gopts.stderr, "note: the settings cannot be read, so this backup uses the default settings and prunes nothing (%v)\n", cerr)
	}
	dest, err := backupDestination(d, cfg, o.to)
	if err != nil {
		return err
	}
	// The rule `backup destination DIR` applies holds for --to and a
	// hand-edited config.json too.
	if isInsideDir(d.Root, dest) {
		return fmt.Errorf("backup destination %s holds the data folder %s: choose a folder beside it, not above it", dest, d.Root)
	}
	if o.to != "" {
		// Like `backup destination DIR`: the folder is made if its
		// parent (the drive) is there.
		if err := prepareDestination(dest); err != nil {
			return err
		}
	}
	thumbs := cfg.Backup.IncludeThumbnails
	if o.withThumbsSet {
		thumbs = o.withThumbs
	}
	prog := newCopyProgress(gopts.stderr, !o.asJSON && isTerminal(os.Stderr))
	res, err := backup.BackUp(ctx, backup.BackUpOptions{Keep: cfg.Backup.Keep, Prune: cerr == nil, SnapshotOptions: backup.SnapshotOptions{
		DataDir: d, DB: db, Dest: dest, WithThumbnails: thumbs, Record: rec, Progress: prog.update}})
	prog.done()
	if err != nil {
		return err
	}
	out, rep, perr := backupJSON{Snapshot: res.Snapshot, Verify: res.Verify, Prune: res.Prune}, res.Verify, res.PruneErr
	w := gopts.stdout
	if o.asJSON {
		if err := writeJSON(w, out); err != nil {
			return err
		}
	} else {
		printBackup(w, out)
	}
	if !rep.OK {
		return &exitError{code: exitPartial, msg: rep.Err().Error() + ". Check the backup drive; the snapshot was kept so you can look at it"}
	}
	if perr != nil {
		// The backup is done; only the clean-up is not: done in part.
		return &exitError{code: exitPartial, msg: fmt.Sprintf("the snapshot is fine, but pruning old snapshots failed: %v", perr)}
	}
	return nil
}

func printBackup(w io.Writer, r backupJSON) {
	s := r.Snapshot
	what := []string{"database"}
	if s.Settings {
		what = append(what, "settings")
	}
	if s.ThumbnailsIncluded {
		what = append(what, "thumbnails")
	}
	fmt.Fprintf(w, "Backed up to %s\n", s.Path)
	fmt.Fprintf(w, "  %s in %s (%s)", bytesText(s.Size), plural(s.Files, "file"), strings.Join(what, ", "))
	if st := s.Written; st != nil {
		fmt.Fprintf(w, "; wrote %s", bytesText(st.BytesWritten))
		if st.FilesLinked > 0 {
			fmt.Fprintf(w, ", %s unchanged files linked from the previous snapshot", num(st.FilesLinked))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  Only on %s, now in the backup: %s\n", reminder.ThisComputer, localOnlyLine(s.LocalOnly))
	if r.Verify.OK {
		fmt.Fprintf(w, "  Verified: %s, %s read back and checked\n", plural(r.Verify.FilesChecked, "file"), bytesText(r.Verify.BytesChecked))
	} else {
		printBackupFindings(w, r.Verify.Findings)
	}
	if p := r.Prune; p != nil {
		fmt.Fprintf(w, "  %s kept", plural(len(p.Kept), "snapshot"))
		if len(p.Deleted) > 0 {
			fmt.Fprintf(w, ", %s older deleted", num(len(p.Deleted)))
		}
		fmt.Fprintln(w)
	}
}

func localOnlyLine(m map[string]int64) string {
	return fmt.Sprintf("%s, %s, %s", plural(int(m["pending_uploads"]), "pending upload"),
		plural(int(m["local_edits"]), "local edit"), plural(int(m["local_paths"]), "local file path"))
}

func printBackupFindings(w io.Writer, fs []backup.Finding) {
	for _, f := range fs {
		fmt.Fprintf(w, "  %s: %s\n", f.Severity, f.Message)
	}
}

// errNoDestination: neither --to nor a configured destination.
var errNoDestination = errors.New("no backup destination is set: choose a folder on an external drive, a NAS or a cloud drive with " +
	"`stocksync backup destination DIR`, or pass --to DIR")

// destination is --to, else the configured folder, as an absolute path.
func backupDestination(d datadir.Dir, cfg config.Config, to string) (string, error) {
	dest := to
	if dest == "" {
		dest = cfg.Backup.Destination
	}
	if dest == "" {
		return "", errNoDestination
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return "", fmt.Errorf("backup destination %q: %w", dest, err)
	}
	if isInsideDir(abs, d.Root) {
		return "", fmt.Errorf("backup destination %s is inside the data folder %s: a backup must live elsewhere (another drive, a NAS or a cloud drive)", abs, d.Root)
	}
	return abs, nil
}

// isInsideDir reports whether p is dir or inside it, by identity (real
// paths, device and inode), so a link to the data folder is caught.
func isInsideDir(p, dir string) bool { return datadir.Contains(dir, p) }

// openExistingStore opens the database only if there is one: read-mostly
// commands (verify, list) must work without a database and never create one.
// A database that cannot be opened is reported to stderr and skipped, so a
// snapshot can still be verified when the live database is the problem.
func openExistingStore(ctx context.Context, errw io.Writer, d datadir.Dir) *store.DB {
	if _, err := os.Stat(d.DB()); err != nil {
		return nil
	}
	if err := prepareDataDir(d); err != nil {
		fmt.Fprintf(errw, "note: not recorded in the backup history: %v\n", err)
		return nil
	}
	db, err := store.Open(ctx, d.DB(), store.Options{BeforeMigrate: beforeMigrate(d)})
	if err != nil {
		fmt.Fprintf(errw, "note: not recorded in the backup history: %v\n", err)
		return nil
	}
	return db
}

// recorder is db as a backup.Recorder, or nil.
func backupRecorder(db *store.DB) backup.Recorder {
	if db == nil {
		return nil
	}
	return db
}

// resolveSnapshot finds the snapshot named by arg: a path, or a name in the
// backup destination or the data folder's safety snapshots. "" means the
// newest snapshot in the destination.
// snapshotTarget resolves the SNAPSHOT argument of verify and test-restore,
// and opens the database (if there is one) to record the result in.
// to is --to DIR: the folder to look in instead of the configured destination.
func snapshotTarget(ctx context.Context, gopts globalOptions, args []string, to string) (string, *store.DB, error) {
	// Without SNAPSHOT the newest is meant; an empty one is a mistake.
	if len(args) > 0 && strings.TrimSpace(args[0]) == "" {
		return "", nil, &exitError{code: exitUsage, msg: "the snapshot name is empty: give a name from `stocksync backup list`, a path, or nothing for the newest"}
	}
	d, err := gopts.dataDir()
	if err != nil {
		return "", nil, err
	}
	// A snapshot given by path needs no settings: damaged settings must not
	// stop checking the snapshot that can bring them back.
	arg := snapshotArg(args)
	cfg, err := loadConfig(d)
	if err != nil && !isPathArg(arg) && to == "" {
		return "", nil, fmt.Errorf("%w; without them the backup folder is unknown: give the snapshot's path, or pass --to DIR", err)
	}
	snap, err := resolveSnapshotIn(d, cfg, arg, to)
	if err != nil {
		return "", nil, err
	}
	backup.CleanLeftovers(filepath.Dir(snap)) // what killed backups left beside it
	return snap, openExistingStore(ctx, gopts.stderr, d), nil
}

// isPathArg reports whether a SNAPSHOT argument is a path rather than a
// snapshot's name.
func isPathArg(arg string) bool {
	return strings.ContainsRune(arg, filepath.Separator) || arg == "." || arg == ".."
}

func resolveSnapshot(d datadir.Dir, cfg config.Config, arg string) (string, error) {
	return resolveSnapshotIn(d, cfg, arg, "")
}

// resolveSnapshotIn is resolveSnapshot with --to: a name is looked for in to
// (else the configured destination), then in the folders that recorded
// backups went to (`backup --to DIR` leaves no other trace), then in the
// safety snapshots and the current folder.
func resolveSnapshotIn(d datadir.Dir, cfg config.Config, arg, to string) (string, error) {
	recorded := recordedBackupFolders(d)
	if arg == "" {
		dest, err := backupDestination(d, cfg, to)
		if err != nil {
			if len(recorded) > 0 && to == "" && cfg.Backup.Destination == "" {
				return "", fmt.Errorf("%w (the last backup went to %s: pass --to %s)", err, recorded[0], recorded[0])
			}
			return "", err
		}
		s, err := backup.Newest(dest)
		if errors.Is(err, backup.ErrNoSnapshot) {
			return "", fmt.Errorf("no snapshot in %s yet: take one with `stocksync backup`", dest)
		}
		return s.Path, err
	}
	if isPathArg(arg) {
		return filepath.Abs(arg)
	}
	nf := &snapshotNotFoundError{name: arg, safety: d.Snapshots()}
	seen := map[string]bool{}
	var where []string
	add := func(dir string) bool {
		if seen[dir] {
			return false
		}
		seen[dir] = true
		where = append(where, dir)
		return true
	}
	if dest, err := backupDestination(d, cfg, to); err == nil {
		add(dest)
		nf.dest = dest
	}
	for _, dir := range recorded {
		if add(dir) {
			nf.recorded = append(nf.recorded, dir)
		}
	}
	add(d.Snapshots())
	add(".")
	for _, dir := range where {
		p := filepath.Join(dir, arg)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return filepath.Abs(p)
		}
	}
	return "", nf
}

// snapshotNotFoundError says a snapshot name was found in none of the
// folders searched, naming each.
type snapshotNotFoundError struct {
	name     string
	dest     string   // the configured destination (or --to); "" when unknown or unset
	recorded []string // folders recorded backups went to, other than dest
	safety   string   // the data folder's snapshots/
}

// searched names the folders searched, in order.
func (e *snapshotNotFoundError) searched() []string {
	var out []string
	if e.dest != "" {
		out = append(out, e.dest)
	}
	return append(append(out, e.recorded...), e.safety)
}

func (e *snapshotNotFoundError) Error() string {
	return fmt.Sprintf("no snapshot %q in %s: pass its path, or see `stocksync backup list`", e.name, strings.Join(e.searched(), " or "))
}

// withDamagedSettings words e when the settings could not be read (cerr),
// so the configured destination was unknown: it names the folders that
// were searched (those recorded in the backup history, the safety
// snapshots, the current folder) and says the configured one could not be.
func (e *snapshotNotFoundError) withDamagedSettings(cerr error) error {
	where := e.safety + " (safety snapshots) and the current folder"
	if len(e.recorded) > 0 {
		where = strings.Join(e.recorded, ", ") + " (where the backup history says backups went), " + where
	}
	return fmt.Errorf("no snapshot %q in %s; the settings cannot be read (%v), so the backup destination set there "+
		"is unknown and was searched only if it is one of those: pass the snapshot's full path, or fix the settings "+
		"(`stocksync config get` names the problem)", e.name, where, cerr)
}

// recordedBackupFolders are the folders the recorded backups went to, newest
// first, from the database's backup history (read-only; none when there is
// no database or it cannot be read).
func recordedBackupFolders(d datadir.Dir) []string {
	dirs, err := store.BackupFolders(context.Background(), d.DB(), backup.KindSnapshot)
	if err != nil {
		return nil
	}
	var out []string
	for _, dir := range dirs {
		if abs, err := filepath.Abs(dir); err == nil && !datadir.Contains(d.Root, abs) {
			out = append(out, abs)
		}
	}
	return out
}

// copyProgress shows, on a terminal, what a backup is doing (backup.Progress:
// the phase, files and bytes so far), on one line that is rewritten at most
// four times a second; a new phase shows at once.
type copyProgress struct {
	w     io.Writer
	on    bool
	last  time.Time
	phase string
	shown bool
}

func newCopyProgress(w io.Writer, on bool) *copyProgress { return &copyProgress{w: w, on: on} }

func (p *copyProgress) update(s backup.Progress) {
	if !p.on || (s.Phase == p.phase && time.Since(p.last) < 250*time.Millisecond) {
		return
	}
	p.last, p.phase, p.shown = time.Now(), s.Phase, true
	// \r and clear-to-end: one line, whatever the width was before.
	fmt.Fprintf(p.w, "\r\x1b[K%s", fitLine(progressLine(s), terminalCols(os.Stderr)))
}

// progressLine words a backup.Progress.
func progressLine(s backup.Progress) string {
	counted := func(what string) string {
		files := plural(s.Files, "file")
		if s.FilesTotal > 0 {
			files = num(s.Files) + " of " + plural(s.FilesTotal, "file")
		}
		bytes := bytesText(s.Bytes)
		if s.BytesTotal > 0 {
			bytes += " of " + bytesText(s.BytesTotal)
		}
		return what + ": " + files + ", " + bytes
	}
	switch s.Phase {
	case backup.PhaseDatabase:
		return "Copying the database…"
	case backup.PhaseSettings:
		return "Copying the settings…"
	case backup.PhaseThumbnails:
		return counted("Copying thumbnails")
	case backup.PhaseFiles:
		return counted("Verifying")
	case backup.PhaseIntegrity:
		return "Verifying: checking the database's integrity…"
	case backup.PhaseRestore:
		return "Restoring into a temporary folder…"
	}
	return s.Phase + "…"
}

func (p *copyProgress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown, p.phase = false, ""
	}
}
