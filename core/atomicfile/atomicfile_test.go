package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFileReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	if err := WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new content"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "new content" {
		t.Fatalf("got %q, want %q", got, "new content")
	}
	st, _ := os.Stat(p)
	want := os.FileMode(0o600)
	if runtime.GOOS == "windows" {
		want = 0o666 // Windows keeps only a read-only bit; 0600 is writable
	}
	if st.Mode().Perm() != want {
		t.Fatalf("perm = %v, want %v", st.Mode().Perm(), want)
	}
	assertNoTemps(t, dir)
}

func TestWriteFailureLeavesTargetUntouched(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	if err := WriteFile(p, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, 0o600, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "keep me" {
		t.Fatalf("target changed to %q", got)
	}
	assertNoTemps(t, dir)
}

func TestWriteIntoMissingFolderFails(t *testing.T) {
	p := filepath.Join(t.TempDir(), "missing", "x")
	if err := WriteFile(p, []byte("x"), 0o600); err == nil {
		t.Fatal("want error for missing folder")
	}
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{
		"/a/b/" + TempPrefix + "x-123": true,
		"stocksync.db":                 false,
		".stocksync-tmp":               false,
	} {
		if got := IsTemp(name); got != want {
			t.Errorf("IsTemp(%q) = %v, want %v", name, got, want)
		}
	}
}

func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if IsTemp(e.Name()) {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
