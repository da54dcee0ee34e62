package datadir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envOf(goos, home string, vars map[string]string) Env {
	return Env{GOOS: goos, Home: home, Getenv: func(k string) string { return vars[k] }}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		flag string
		env  Env
		want string
	}{
		{"mac default", "", envOf("darwin", "/Users/ann", nil), "/Users/ann/Library/Application Support/Stocksync"},
		{"linux default", "", envOf("linux", "/home/ann", nil), "/home/ann/.local/share/stocksync"},
		{"linux xdg", "", envOf("linux", "/home/ann", map[string]string{"XDG_DATA_HOME": "/data"}), "/data/stocksync"},
		{"relative xdg ignored", "", envOf("linux", "/home/ann", map[string]string{"XDG_DATA_HOME": "rel"}), "/home/ann/.local/share/stocksync"},
		{"windows default", "", envOf("windows", "/u/ann", map[string]string{"LOCALAPPDATA": "/u/ann/AppData/Local"}), "/u/ann/AppData/Local/Stocksync"},
		{"windows no LOCALAPPDATA", "", envOf("windows", "/u/ann", nil), "/u/ann/AppData/Local/Stocksync"},
		{"env override", "", envOf("darwin", "/Users/ann", map[string]string{EnvDataDir: "/x/y"}), "/x/y"},
		{"flag beats env", "/flag", envOf("linux", "/home/ann", map[string]string{EnvDataDir: "/x/y"}), "/flag"},
		{"cleaned", "/a/../b/", envOf("linux", "/h", nil), "/b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.flag, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := Resolve("", envOf("linux", "", nil)); err == nil {
		t.Error("no home and no override: want error")
	}
}

func TestLogDir(t *testing.T) {
	if got, want := LogDir(envOf("darwin", "/Users/ann", nil)), "/Users/ann/Library/Logs/Stocksync"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := LogDir(envOf("linux", "/home/ann", nil)), "/home/ann/.local/state/stocksync"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := LogDir(envOf("linux", "/home/ann", map[string]string{"XDG_STATE_HOME": "/st"})), "/st/stocksync"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := LogDir(envOf("windows", "/u/ann", map[string]string{"LOCALAPPDATA": "/la"})), "/la/Stocksync/Logs"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEnsure(t *testing.T) {
	root := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	d := Dir{Root: root}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(root)
	if OpenToOthers(st) {
		t.Errorf("perm = %v, want the folder closed to others (0700)", st.Mode().Perm())
	}
	for _, p := range []string{d.Thumbnails(), d.Snapshots()} {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			t.Errorf("%s not created: %v", p, err)
		}
	}
}

func TestEnsureRefusesFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, []byte("x"), 0o600)
	if err := (Dir{Root: f}).Ensure(); err == nil {
		t.Fatal("want error when the data folder is a file")
	}
}

// Each way a data folder can be unusable as it stands has one message that
// names the path and what to do; before, sync said "mkdir …: file exists"
// for a link to an unmounted drive and "mkdir …: not a directory" for a
// thumbnails/ that is a file.
func TestProblem(t *testing.T) {
	mk := func(t *testing.T) Dir {
		d := Dir{Root: filepath.Join(t.TempDir(), "data")}
		if err := d.Ensure(); err != nil {
			t.Fatal(err)
		}
		return d
	}
	if err := mk(t).Problem(); err != nil {
		t.Errorf("a healthy folder: %v", err)
	}
	if err := (Dir{Root: filepath.Join(t.TempDir(), "new")}).Problem(); err != nil {
		t.Errorf("a folder not made yet: %v", err)
	}
	link := filepath.Join(t.TempDir(), "data")
	os.Symlink("/nonexistent-volume/Stocksync", link)
	for name, tc := range map[string]struct {
		d    Dir
		root bool // RootProblem finds it too
		want string
	}{
		"dangling link": {Dir{Root: link}, true, "is a link to /nonexistent-volume/Stocksync, which is not there (is its drive connected?)"},
		"file":          {func() Dir { f := filepath.Join(t.TempDir(), "f"); os.WriteFile(f, nil, 0o600); return Dir{Root: f} }(), true, "is a file, not a folder: move it away"},
		"thumbnails file": {func() Dir {
			d := mk(t)
			os.Remove(d.Thumbnails())
			os.WriteFile(d.Thumbnails(), nil, 0o600)
			return d
		}(), false, "the thumbnail cache " + "%s is a file, not a folder"},
		"database folder": {func() Dir { d := mk(t); os.Mkdir(d.DB(), 0o700); return d }(), false, "the database %s is a folder, not a file"},
		"config folder":   {func() Dir { d := mk(t); os.Mkdir(d.Config(), 0o700); return d }(), false, "the settings file %s is a folder"},
	} {
		want := tc.want
		if strings.Contains(want, "%s") {
			p := map[string]string{"thumbnails file": tc.d.Thumbnails(), "database folder": tc.d.DB(), "config folder": tc.d.Config()}[name]
			want = strings.Replace(want, "%s", p, 1)
		}
		if err := tc.d.Problem(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Problem() = %v, want %q", name, err, want)
		}
		if err := tc.d.RootProblem(); (err != nil) != tc.root {
			t.Errorf("%s: RootProblem() = %v", name, err)
		}
		if err := tc.d.Ensure(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Ensure() = %v, want %q", name, err, want)
		}
	}
}
