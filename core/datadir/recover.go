package datadir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/lockfile"
)

// IntentName is the restore's intent record in the data folder: while it
// exists, a set of files staged beside their final names is being switched
// in, and the next start of any command completes the switch.
const IntentName = "restore-intent.json"

// Swap is one staged file of an intent: From (a temporary name in the data
// folder) replaces To. DropSidecars removes To's SQLite -wal, -shm and
// -journal before the rename (they belong to the file being replaced).
type Swap struct {
	From         string `json:"from"`
	To           string `json:"to"`
	DropSidecars bool   `json:"drop_sidecars,omitempty"`
}

// Intent is the record of a switch in progress.
type Intent struct {
	What    string    `json:"what"` // e.g. "restore of 2026-11-29T10-00-00Z", for messages
	Created time.Time `json:"created"`
	Swaps   []Swap    `json:"swaps"`
}

// Intent is the path of the intent record.
func (d Dir) Intent() string { return filepath.Join(d.Root, IntentName) }

// CrashHook, when set (tests only), is called at named steps of a switch
// and of a restore; the reliability tests kill the process there.
var CrashHook func(step string)

// CrashPoint calls CrashHook, if set, with step.
func CrashPoint(step string) {
	if CrashHook != nil {
		CrashHook(step)
	}
}

// BeginSwitch records in (durably) before any of its swaps happens: from
// this point the switch is decided, and a crash is completed by Recover.
// Every From must already be complete and fsynced.
func (d Dir) BeginSwitch(in Intent) error {
	for _, s := range in.Swaps {
		if filepath.Dir(s.From) != d.Root || filepath.Dir(s.To) != d.Root {
			return fmt.Errorf("switch %s: %s and %s must both be in the data folder", in.What, s.From, s.To)
		}
	}
	b, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(d.Intent(), b, 0o600); err != nil {
		return fmt.Errorf("record the %s: %w", in.What, err)
	}
	CrashPoint("switch:recorded")
	return nil
}

// FinishSwitch performs the swaps of in that have not happened yet (a From
// that no longer exists was already renamed), makes them durable and
// removes the intent record. It is idempotent.
func (d Dir) FinishSwitch(in Intent) error {
	for i, s := range in.Swaps {
		if _, err := os.Lstat(s.From); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if s.DropSidecars {
			for _, side := range []string{"-wal", "-shm", "-journal"} {
				if err := os.Remove(s.To + side); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("complete the %s: remove %s: %w", in.What, s.To+side, err)
				}
			}
		}
		if err := os.Rename(s.From, s.To); err != nil {
			return fmt.Errorf("complete the %s: put %s in place: %w", in.What, s.To, err)
		}
		CrashPoint(fmt.Sprintf("switch:swapped-%d", i+1))
	}
	if err := atomicfile.SyncDir(d.Root); err != nil {
		return fmt.Errorf("complete the %s: %w", in.What, err)
	}
	if err := os.Remove(d.Intent()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("complete the %s: remove %s: %w", in.What, d.Intent(), err)
	}
	return atomicfile.SyncDir(d.Root)
}

// Recovered says what Recover repaired.
type Recovered struct {
	// Completed names an interrupted switch (a restore) that was completed.
	Completed string
	// Removed are leftover temporary files and folders that were deleted.
	Removed []string
}

// ErrInterrupted matches a *InterruptedError.
var ErrInterrupted = errors.New("an interrupted restore could not be completed")

// InterruptedError means an intent record was found and the switch could
// not be completed; nothing in the data folder can be trusted until it is.
type InterruptedError struct {
	Intent string // path of the record
	What   string
	Err    error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("the %s was interrupted and could not be completed (%v; record %s)", e.What, e.Err, e.Intent)
}

func (e *InterruptedError) Unwrap() []error { return []error{ErrInterrupted, e.Err} }

// Recover repairs what a killed process left in the data folder, before
// anything reads it: it completes an interrupted switch (restore) and removes
// leftover temporary files (atomicfile.TempPrefix) in the data folder and in
// snapshots/. Completing a switch, and removing a restore's staged files,
// happens only under the data folder's lock (nothing when another process
// holds it: that may be the restore itself); other leftovers are removed
// without it, when no live process marks them (lockfile.Mark), so a command
// that only cleans up never makes another one find the folder busy. Nothing
// happens when the folder does not exist. An intent that cannot be
// completed is an *InterruptedError.
func (d Dir) Recover() (Recovered, error) {
	var r Recovered
	if st, err := os.Stat(d.Root); err != nil || !st.IsDir() {
		return r, nil
	}
	dirs := []string{d.Root, d.Snapshots()}
	_, ierr := os.Lstat(d.Intent())
	pending := ierr == nil
	if !pending && !hasTemps("restore-", dirs...) {
		r.Removed = removeLeftovers(false, dirs...)
		return r, nil
	}
	lock, err := lockfile.TryAcquire(d.Lock(), "stocksync (completing an interrupted restore)")
	if err != nil {
		if errors.Is(err, lockfile.ErrHeld) {
			return r, nil
		}
		if pending {
			return r, &InterruptedError{Intent: d.Intent(), What: "restore", Err: err}
		}
		r.Removed = removeLeftovers(false, dirs...)
		return r, nil
	}
	defer lock.Release()
	if pending {
		b, err := os.ReadFile(d.Intent())
		var in Intent
		if err == nil {
			err = json.Unmarshal(b, &in)
		}
		if err != nil {
			return r, &InterruptedError{Intent: d.Intent(), What: "restore", Err: err}
		}
		if err := d.FinishSwitch(in); err != nil {
			return r, &InterruptedError{Intent: d.Intent(), What: in.What, Err: err}
		}
		r.Completed = in.What
	}
	r.Removed = removeLeftovers(true, dirs...)
	return r, nil
}

// markedTemps are the temporary names whose writers create them marked
// (lockfile.CreateMarked): they are leftovers as soon as nobody marks them.
var markedTemps = []string{"restore-", "snapshot-", "new-", "delete-", "preview-"}

// unmarkGrace is how long a temporary whose writer does not mark it (an
// atomic settings write) is given to finish.
const unmarkGrace = 2 * time.Minute

// RemoveLeftovers deletes the temporary files and folders
// (atomicfile.TempPrefix) in dirs that no live process is writing, and
// returns their paths.
func RemoveLeftovers(dirs ...string) []string { return removeLeftovers(false, dirs...) }

// removeLeftovers is RemoveLeftovers; a restore's staged files (made only
// under the data folder's lock) are removed only when locked is set.
func removeLeftovers(locked bool, dirs ...string) []string {
	var removed []string
	now := time.Now()
	for _, dir := range dirs {
		removed = append(removed, removeIn(dir, locked, now)...)
	}
	return removed
}

func removeIn(dir string, locked bool, now time.Time) []string {
	entries, _ := os.ReadDir(dir)
	var temps []os.DirEntry
	for _, e := range entries {
		if atomicfile.IsTemp(e.Name()) {
			temps = append(temps, e)
		}
	}
	if len(temps) == 0 {
		return nil
	}
	// No writer is between creating a temporary and marking it meanwhile.
	unlock := lockfile.LockForCleaning(dir)
	defer unlock()
	var removed []string
	for _, e := range temps {
		p := filepath.Join(dir, e.Name())
		st, err := os.Lstat(p)
		if err != nil {
			continue
		}
		// SQLite's -journal, -wal and -shm of a temporary database belong to
		// it (they are not marked themselves): they go with it.
		if base, ok := sqliteBase(p); ok {
			if _, err := os.Lstat(base); err == nil {
				continue
			}
		}
		rest := strings.TrimPrefix(e.Name(), atomicfile.TempPrefix)
		if strings.HasPrefix(rest, "restore-") && !locked {
			continue
		}
		marked := false
		for _, k := range markedTemps {
			marked = marked || strings.HasPrefix(rest, k)
		}
		if !marked && now.Sub(st.ModTime()) < unmarkGrace && st.ModTime().Before(now.Add(time.Minute)) {
			continue
		}
		if lockfile.InUse(p) {
			continue
		}
		if err := os.RemoveAll(p); err == nil {
			removed = append(removed, p)
			if _, ok := sqliteBase(p); !ok {
				for _, side := range []string{"-journal", "-wal", "-shm"} {
					os.Remove(p + side)
				}
			}
		}
	}
	return removed
}

func sqliteBase(p string) (string, bool) {
	for _, side := range []string{"-journal", "-wal", "-shm"} {
		if base, ok := strings.CutSuffix(p, side); ok {
			return base, true
		}
	}
	return "", false
}

func hasTemps(kind string, dirs ...string) bool {
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), atomicfile.TempPrefix+kind) {
				return true
			}
		}
	}
	return false
}

// Exists reports whether the data folder exists (without creating it).
func (d Dir) Exists() bool {
	st, err := os.Stat(d.Root)
	return err == nil && st.IsDir()
}

// EmptyValueError means a setting that names a folder was given as an empty
// or whitespace-only value, which must never silently mean the default.
type EmptyValueError struct{ Name string }

func (e *EmptyValueError) Error() string {
	return fmt.Sprintf("%s is empty: give a folder, or leave it unset to use the default", e.Name)
}

// expandHome turns "~" and "~/x" into the home folder (the shell does this
// for arguments, but not inside environment variables or config files).
// "~user" forms are refused rather than taken as a folder literally named "~user".
func expandHome(p, home, name string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		if strings.HasPrefix(p, "~") {
			return "", fmt.Errorf("%s %q: only ~ and ~/… are understood (write the full path)", name, p)
		}
		return p, nil
	}
	if home == "" {
		return "", fmt.Errorf("%s %q: no home folder to expand ~ to; write the full path", name, p)
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~")), nil
}

// Contains reports whether p is dir or inside it, by identity rather than
// spelling: symbolic links in p are resolved and each folder on the way up
// is compared with dir by device and inode (a link, a bind mount or a
// differently spelled path to the data folder is caught). When dir cannot be
// examined, the cleaned absolute paths are compared.
func Contains(dir, p string) bool {
	absDir, err1 := filepath.Abs(dir)
	absP, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return false
	}
	if lexicallyInside(absP, absDir) {
		return true
	}
	dst, err := os.Stat(absDir)
	if err != nil {
		return false
	}
	for cur := realPath(absP); ; {
		if st, err := os.Stat(cur); err == nil && os.SameFile(st, dst) {
			return true
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return false
		}
		cur = parent
	}
}

// realPath resolves the symbolic links of the longest existing prefix of
// the absolute path p and appends the rest.
func realPath(p string) string {
	rest := ""
	for cur := p; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

func lexicallyInside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && (rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))))
}
