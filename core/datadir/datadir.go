package datadir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// EnvDataDir overrides the data folder, below the --data-dir flag.
const EnvDataDir = "STOCKSYNC_DATA_DIR"

// Names inside the data folder.
const (
	DBName         = "stocksync.db"
	ConfigName     = "config.json"
	ThumbnailsName = "thumbnails"
	SnapshotsName  = "snapshots"
	LockName       = "sync.lock"
	SocketName     = "stocksync.sock"
)

// Env is the part of the process environment the paths depend on; tests pass
// their own so every platform's answer can be checked on Linux.
type Env struct {
	GOOS   string
	Home   string
	Getenv func(string) string
	// LookupEnv, if set, tells a variable set to "" from an unset one (an
	// empty STOCKSYNC_DATA_DIR is an error, not the default).
	LookupEnv func(string) (string, bool)
}

// CurrentEnv is the environment of this process.
func CurrentEnv() (Env, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return Env{}, fmt.Errorf("find home folder: %w (set %s to choose a data folder)", err, EnvDataDir)
	}
	return Env{GOOS: runtime.GOOS, Home: home, Getenv: os.Getenv, LookupEnv: os.LookupEnv}, nil
}

// Resolve picks the data folder: the flag if set, then $STOCKSYNC_DATA_DIR,
// then the platform default. The result is absolute and cleaned. A leading
// "~" or "~/" is the home folder (shells do not expand it inside variables).
// A whitespace-only flag, or a variable that is set but empty or
// whitespace-only, is an *EmptyValueError: it never silently means the
// default.
func Resolve(flag string, env Env) (string, error) {
	dir, name := flag, "--data-dir"
	if flag != "" && strings.TrimSpace(flag) == "" {
		return "", &EmptyValueError{Name: name}
	}
	if dir == "" {
		var set bool
		if env.LookupEnv != nil {
			dir, set = env.LookupEnv(EnvDataDir)
		} else if env.Getenv != nil {
			dir = env.Getenv(EnvDataDir)
			set = dir != ""
		}
		if set && strings.TrimSpace(dir) == "" {
			return "", &EmptyValueError{Name: EnvDataDir}
		}
		name = EnvDataDir
	}
	if dir == "" {
		dir = defaultData(env)
	}
	if dir == "" {
		return "", errors.New("cannot decide where to keep data: no home folder; pass --data-dir")
	}
	dir, err := expandHome(dir, env.Home, name)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data folder %q: %w", dir, err)
	}
	return abs, nil
}

func defaultData(env Env) string {
	if env.GOOS == "darwin" {
		if env.Home == "" {
			return ""
		}
		return filepath.Join(env.Home, "Library", "Application Support", "Stocksync")
	}
	if env.GOOS == "windows" {
		return windowsAppData(env, "Stocksync")
	}
	if x := env.Getenv("XDG_DATA_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "stocksync")
	}
	if env.Home == "" {
		return ""
	}
	return filepath.Join(env.Home, ".local", "share", "stocksync")
}

// windowsAppData is a folder in the user's local (not roaming: a portfolio
// database does not belong in a roaming profile) application data,
// %LOCALAPPDATA%, or under the home folder's AppData\Local without it.
func windowsAppData(env Env, elem ...string) string {
	base := env.Getenv("LOCALAPPDATA")
	if base == "" {
		if env.Home == "" {
			return ""
		}
		base = filepath.Join(env.Home, "AppData", "Local")
	}
	return filepath.Join(append([]string{base}, elem...)...)
}

// LogDir is where log files go.
func LogDir(env Env) string {
	if env.GOOS == "darwin" {
		return filepath.Join(env.Home, "Library", "Logs", "Stocksync")
	}
	if env.GOOS == "windows" {
		return windowsAppData(env, "Stocksync", "Logs")
	}
	if x := env.Getenv("XDG_STATE_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "stocksync")
	}
	return filepath.Join(env.Home, ".local", "state", "stocksync")
}

// Dir is a data folder and the names inside it.
type Dir struct{ Root string }

func (d Dir) DB() string         { return filepath.Join(d.Root, DBName) }
func (d Dir) Config() string     { return filepath.Join(d.Root, ConfigName) }
func (d Dir) Thumbnails() string { return filepath.Join(d.Root, ThumbnailsName) }
func (d Dir) Snapshots() string  { return filepath.Join(d.Root, SnapshotsName) }
func (d Dir) Lock() string       { return filepath.Join(d.Root, LockName) }
func (d Dir) Socket() string     { return filepath.Join(d.Root, SocketName) }

// Ensure creates the data folder (0700: it holds unpublished work) and its
// subfolders. An existing folder with looser permissions is tightened.
func (d Dir) Ensure() error {
	if err := d.Problem(); err != nil {
		return err
	}
	for _, p := range []string{d.Root, d.Thumbnails(), d.Snapshots()} {
		if err := os.MkdirAll(p, 0o700); err != nil {
			return fmt.Errorf("create data folder %s: %w", p, err)
		}
	}
	st, err := os.Stat(d.Root)
	if err != nil {
		return fmt.Errorf("data folder %s: %w", d.Root, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("data folder %s is not a folder: move the file away or pass another --data-dir", d.Root)
	}
	if OpenToOthers(st) {
		if err := os.Chmod(d.Root, 0o700); err != nil {
			return fmt.Errorf("restrict data folder %s to your user: %w", d.Root, err)
		}
	}
	return nil
}

// RootProblem says what stops the data folder itself from being used, as an
// error that names the path and what to do; nil when it is a folder, or
// does not exist yet (it is made when first needed). It finds: the folder
// is a file; it is a link whose target is not there (a disconnected drive:
// "nothing synced yet" would be wrong); it cannot be read.
func (d Dir) RootProblem() error {
	lst, err := os.Lstat(d.Root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the data folder %s (%v): check its permissions, or pass another --data-dir", d.Root, rootErr(err))
	}
	st, err := os.Stat(d.Root)
	if lst.Mode()&fs.ModeSymlink != 0 && errors.Is(err, fs.ErrNotExist) {
		target, _ := os.Readlink(d.Root)
		return fmt.Errorf("the data folder %s is a link to %s, which is not there (is its drive connected?): connect it, "+
			"or pass another --data-dir", d.Root, target)
	}
	if err != nil {
		return fmt.Errorf("cannot read the data folder %s (%v): check its permissions, or pass another --data-dir", d.Root, rootErr(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("the data folder %s is a file, not a folder: move it away (mv %q %q) or pass another --data-dir",
			d.Root, d.Root, d.Root+".moved")
	}
	return nil
}

// Problem is RootProblem, then what is wrong inside the folder: thumbnails/
// or snapshots/ is a file; the database, settings or lock file is a folder.
// Commands that write (sync, add, backup…) call it before anything else, so
// each such fault gets one clear message instead of an operating-system
// error from whichever step hits it first (`check` reports the same).
func (d Dir) Problem() error {
	if err := d.RootProblem(); err != nil {
		return err
	}
	for _, sub := range []struct{ path, what string }{{d.Thumbnails(), "thumbnail cache"}, {d.Snapshots(), "safety snapshot folder"}} {
		if st, err := os.Stat(sub.path); err == nil && !st.IsDir() {
			return fmt.Errorf("the %s %s is a file, not a folder: move it away (mv %q %q); the next command makes the folder again",
				sub.what, sub.path, sub.path, sub.path+".moved")
		}
	}
	for _, f := range []struct{ path, what string }{{d.DB(), "database"}, {d.Config(), "settings file"}, {d.Lock(), "lock file"}} {
		if st, err := os.Stat(f.path); err == nil && st.IsDir() {
			return fmt.Errorf("the %s %s is a folder, not a file: move it away (mv %q %q)", f.what, f.path, f.path, f.path+".moved")
		}
	}
	return nil
}

// rootErr is the innermost error: "not a directory" rather than "lstat
// /x/y: not a directory" when the message already names the path.
func rootErr(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
