package bundle

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"howett.net/plist"
)

// infoPlistPath is the committed Info.plist, from this package's folder.
var infoPlistPath = filepath.Join("..", "..", "Info.plist")

// infoKeys are the keys Stocksync.app relies on, with the types macOS reads
// them as: LSUIElement as a string instead of a boolean would show a Dock icon.
type infoKeys struct {
	CFBundleIdentifier            string
	CFBundleName                  string
	CFBundleDisplayName           string
	CFBundleExecutable            string
	CFBundlePackageType           string
	CFBundleShortVersionString    string
	CFBundleVersion               string
	CFBundleIconFile              string
	CFBundleInfoDictionaryVersion string
	LSUIElement                   bool
	LSMinimumSystemVersion        string
	NSHighResolutionCapable       bool
	NSHumanReadableCopyright      string
}

func readInfoPlist(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(infoPlistPath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func decodeInfo(t *testing.T, data []byte) (infoKeys, map[string]any) {
	t.Helper()
	var keys infoKeys
	if _, err := plist.Unmarshal(data, &keys); err != nil {
		t.Fatalf("decode Info.plist keys: %v", err)
	}
	var all map[string]any
	if _, err := plist.Unmarshal(data, &all); err != nil {
		t.Fatalf("decode Info.plist: %v", err)
	}
	return keys, all
}

func TestInfoPlist(t *testing.T) {
	data := readInfoPlist(t)
	var probe any
	format, err := plist.Unmarshal(data, &probe)
	if err != nil || format != plist.XMLFormat {
		t.Fatalf("Info.plist: format %d, error %v; want an XML plist", format, err)
	}
	got, all := decodeInfo(t, data)
	want := infoKeys{
		CFBundleIdentifier:            "io.github.stocksync.Stocksync",
		CFBundleName:                  "Stocksync",
		CFBundleDisplayName:           "Stocksync",
		CFBundleExecutable:            "Stocksync", // the Makefile's Contents/MacOS/Stocksync
		CFBundlePackageType:           "APPL",
		CFBundleShortVersionString:    "0.0.0",
		CFBundleVersion:               "0.0.0",
		CFBundleIconFile:              "AppIcon", // resources/AppIcon.icns
		CFBundleInfoDictionaryVersion: "6.0",
		LSUIElement:                   true,
		LSMinimumSystemVersion:        "12.0",
		NSHighResolutionCapable:       true,
		NSHumanReadableCopyright:      got.NSHumanReadableCopyright,
	}
	if got != want {
		t.Errorf("Info.plist =\n%+v\nwant\n%+v", got, want)
	}
	if got.NSHumanReadableCopyright == "" {
		t.Error("NSHumanReadableCopyright is empty")
	}
	// Every key above must really be present, not just decode to its zero value.
	for _, f := range reflect.VisibleFields(reflect.TypeOf(want)) {
		if _, ok := all[f.Name]; !ok {
			t.Errorf("Info.plist has no %s", f.Name)
		}
	}
}

func TestFillVersions(t *testing.T) {
	orig := readInfoPlist(t)
	binary, err := plist.Marshal(mustDecode(t, orig), plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, short, build string
		in                 []byte
	}{
		{"xml", "1.2.3", "1.2.3", orig},
		{"short build number", "10.0.1", "42", orig},
		{"binary plist in", "2.0.0", "2.0", binary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := FillVersions(tt.in, tt.short, tt.build)
			if err != nil {
				t.Fatal(err)
			}
			var probe any
			if format, err := plist.Unmarshal(out, &probe); err != nil || format != plist.XMLFormat {
				t.Fatalf("output: format %d, error %v; want XML", format, err)
			}
			got, all := decodeInfo(t, out)
			if got.CFBundleShortVersionString != tt.short || got.CFBundleVersion != tt.build {
				t.Errorf("versions = %q, %q; want %q, %q", got.CFBundleShortVersionString, got.CFBundleVersion, tt.short, tt.build)
			}
			want := mustDecode(t, orig)
			want[KeyShortVersion], want[KeyVersion] = tt.short, tt.build
			if !maps.EqualFunc(all, want, func(a, b any) bool { return reflect.DeepEqual(a, b) }) {
				t.Errorf("other keys changed:\n got %v\nwant %v", all, want)
			}
		})
	}
}

func mustDecode(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if _, err := plist.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFillVersionsRejects(t *testing.T) {
	orig := readInfoPlist(t)
	tests := []struct {
		name, short, build string
		in                 []byte
		versionErr         bool
	}{
		{"two-part short", "1.2", "1", orig, true},
		{"four-part build", "1.2.3", "1.2.3.4", orig, true},
		{"letters", "1.2.3-dirty", "1.2.3", orig, true},
		{"leading v", "v1.2.3", "1.2.3", orig, true},
		{"empty build", "1.2.3", "", orig, true},
		{"not a plist", "1.2.3", "1", []byte("<html>"), false},
		{"empty input", "1.2.3", "1", nil, false},
		{"array plist", "1.2.3", "1", []byte(`<plist version="1.0"><array><string>x</string></array></plist>`), false},
	}
	for _, tt := range tests {
		_, err := FillVersions(tt.in, tt.short, tt.build)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if got := errors.Is(err, ErrBadVersion); got != tt.versionErr {
			t.Errorf("%s: errors.Is(%v, ErrBadVersion) = %v, want %v", tt.name, err, got, tt.versionErr)
		}
	}
}

func TestFillVersionsFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "Info.plist")
	orig := readInfoPlist(t)
	if err := os.WriteFile(src, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "Contents", "Info.plist")
	if err := os.Mkdir(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := FillVersionsFile(src, dst, "3.4.5", "3.4.5"); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := decodeInfo(t, out); got.CFBundleShortVersionString != "3.4.5" || got.CFBundleVersion != "3.4.5" {
		t.Errorf("written versions = %q, %q", got.CFBundleShortVersionString, got.CFBundleVersion)
	}
	if again, _ := os.ReadFile(src); string(again) != string(orig) {
		t.Error("source Info.plist was modified")
	}

	// A failed fill leaves the previous output alone.
	if err := FillVersionsFile(src, dst, "bad", "1"); !errors.Is(err, ErrBadVersion) {
		t.Errorf("bad version: err = %v, want ErrBadVersion", err)
	}
	if again, _ := os.ReadFile(dst); string(again) != string(out) {
		t.Error("output changed after a failed fill")
	}
	if err := FillVersionsFile(filepath.Join(dir, "missing.plist"), dst, "1.0.0", "1"); err == nil {
		t.Error("missing source: no error")
	}
	if err := FillVersionsFile(src, filepath.Join(dir, "no", "such", "dir", "Info.plist"), "1.0.0", "1"); err == nil {
		t.Error("missing output folder: no error")
	}
}

func TestVersions(t *testing.T) {
	tests := []struct{ in, want string }{
		{"v1.2.3", "1.2.3"},
		{"1.2.3", "1.2.3"},
		{"v1.2.3-4-gabc1234", "1.2.3"},
		{"v1.2.3-4-gabc1234-dirty", "1.2.3"},
		{"v1.2.3-rc.1", "1.2.3"},
		{"v1.2.3+meta", "1.2.3"},
		{"v2.1", "2.1.0"},
		{"v3", "3.0.0"},
		{" v01.02.003\n", "1.2.3"},
		{"dev", "0.0.0"},
		{"", "0.0.0"},
		{"abc1234", "0.0.0"},
		{"1234abc", "0.0.0"},
		{"1234567", "0.0.0"}, // an all-digit commit hash is not a version
		{"1234567-dirty", "0.0.0"},
		{"2.5", "2.5.0"},
		{"abc1234-dirty", "0.0.0"},
		{"v99999999999.0.0", "0.0.0"},
		{"v1.2.3.4", "0.0.0"},
	}
	for _, tt := range tests {
		short, build := Versions(tt.in)
		if short != tt.want || build != tt.want {
			t.Errorf("Versions(%q) = %q, %q; want %q for both", tt.in, short, build, tt.want)
		}
		if _, err := FillVersions(readInfoPlist(t), short, build); err != nil {
			t.Errorf("Versions(%q) gave versions FillVersions rejects: %v", tt.in, err)
		}
	}
}
