package datadir

import (
	"os"
	"path/filepath"
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
