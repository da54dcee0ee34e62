package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fixtureModules fills the module cache with the fixture module's
// requirements once. `go test` on Linux never builds darwinkit or systray, so
// on a fresh machine they are not in the cache until something downloads them.
var fixtureModules = sync.OnceValue(func() error {
	cmd := exec.Command("go", "mod", "download")
	cmd.Dir = filepath.Join("testdata", "fixture")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod download in testdata/fixture: %v\n%s", err, out)
	}
	return nil
})

// runIn runs the checker in a fixture module, offline.
func runIn(t *testing.T, dir string, args ...string) (code int, errLines []string, summary string) {
	t.Helper()
	if err := fixtureModules(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOPROXY", "off") // the fixtures need only the module cache
	var stdout, stderr bytes.Buffer
	code = run(context.Background(), filepath.Join("testdata", dir), args, &stdout, &stderr)
	for _, l := range strings.Split(stderr.String(), "\n") {
		// go list's hints continue a message on indented lines.
		if l != "" && !strings.HasPrefix(l, "\t") {
			errLines = append(errLines, l)
		}
	}
	return code, errLines, strings.TrimSpace(stdout.String())
}

func TestFixtureModule(t *testing.T) {
	code, lines, summary := runIn(t, "fixture", "./...")
	if code != exitFindings {
		t.Errorf("exit code = %d, want %d; summary %q", code, exitFindings, summary)
	}
	// Each line is "file:line:col: message"; message prefixes keep the test
	// independent of go/types' wording after the part that matters.
	want := []string{
		"badarg/window_darwin.go:15:13: cannot use count (variable of type int) as string value in argument to w.SetTitle",
		"badmethod/window_darwin.go:15:4: w.MakeKeyAndOrderFrontt undefined",
		`badtest/double_darwin_test.go:8:19: cannot use "2" (untyped string constant) as int value`,
		"missing/x_darwin.go:6:8: could not import github.com/progrium/darwinkit/macos/nosuchkit",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d error lines, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d:\n got %s\nwant %s…", i, lines[i], want[i])
		}
	}
	// good/ (appkit, systray, a dependency with type errors), cgo/ (import
	// "C") and notdarwin/ (a broken !darwin file) must not appear at all.
	for _, l := range lines {
		for _, clean := range []string{"good/", "cgo/", "notdarwin/", "brokendep"} {
			if strings.Contains(l, clean) {
				t.Errorf("unexpected finding in %s: %s", clean, l)
			}
		}
	}
	for _, part := range []string{
		"darwincheck: 4 type errors: ",
		"darwin/arm64 7 packages (",
		"darwin/amd64 7 packages (",
		"1 dependency errors ignored",
	} {
		if !strings.Contains(summary, part) {
			t.Errorf("summary %q does not contain %q", summary, part)
		}
	}
}

func TestCleanPackagesPass(t *testing.T) {
	tests := []struct {
		dir  string
		args []string
	}{
		// good/ is proven clean by TestFixtureModule; appkit is slow under -race.
		{"fixture", []string{"-arch", "arm64", "./cgo", "./notdarwin"}},
		{"fixture", []string{"-arch", "amd64", "-tests=false", "./badtest"}},
		{"plain", nil}, // no darwin-only code at all, default ./... and both archs
	}
	for _, tt := range tests {
		t.Run(tt.dir+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			code, lines, summary := runIn(t, tt.dir, tt.args...)
			if code != exitOK || len(lines) != 0 {
				t.Errorf("exit code %d, errors %q; want 0 and none", code, lines)
			}
			if !regexp.MustCompile(`^darwincheck: ok: darwin/\w+ \d+ packages`).MatchString(summary) {
				t.Errorf("summary = %q", summary)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := [][]string{
		{"-arch", "386"},
		{"-arch", ","},
		{"-nosuchflag"},
	}
	for _, args := range tests {
		code, _, _ := runIn(t, "plain", args...)
		if code != exitCantCheck {
			t.Errorf("run(%q) = %d, want %d", args, code, exitCantCheck)
		}
	}
	code, lines, _ := runIn(t, "no-such-folder")
	if code != exitCantCheck || len(lines) == 0 || !strings.HasPrefix(lines[0], "darwincheck: go list for darwin/") {
		t.Errorf("missing folder: code %d, lines %q", code, lines)
	}
}

func TestParseArchs(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"arm64,amd64", []string{"arm64", "amd64"}, false},
		{" amd64 ", []string{"amd64"}, false},
		{"arm64,arm64,", []string{"arm64"}, false},
		{"", nil, true},
		{"arm64,ppc64", nil, true},
	}
	for _, tt := range tests {
		got, err := parseArchs(tt.in)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("parseArchs(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestReport(t *testing.T) {
	dir := filepath.FromSlash("/m")
	at := func(file string, line, col int, msg string) finding {
		f := finding{Msg: msg}
		f.Pos.Filename, f.Pos.Line, f.Pos.Column = filepath.FromSlash(file), line, col
		return f
	}
	results := []archResult{
		{Arch: "arm64", Findings: []finding{
			at("/m/b/x_darwin.go", 3, 1, "both"),
			at("/m/a/y_darwin.go", 9, 2, "arm only"),
			at("/m/a/y_darwin.go", 2, 0, "no column"),
		}},
		{Arch: "amd64", Findings: []finding{
			at("/m/b/x_darwin.go", 3, 1, "both"),
			at("/m/a/y_darwin.go", 2, 0, "no column"),
			at("/elsewhere/z.go", 1, 1, "outside"),
		}},
	}
	got := report(results, dir)
	want := []string{
		filepath.FromSlash("/elsewhere/z.go") + ":1:1: outside (darwin/amd64 only)",
		filepath.FromSlash("a/y_darwin.go") + ":2: no column",
		filepath.FromSlash("a/y_darwin.go") + ":9:2: arm only (darwin/arm64 only)",
		filepath.FromSlash("b/x_darwin.go") + ":3:1: both",
	}
	if !slices.Equal(got, want) {
		t.Errorf("report =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParsePosition(t *testing.T) {
	dir := filepath.FromSlash("/m/pkg")
	tests := []struct {
		in        string
		file      string
		line, col int
	}{
		{"x_darwin.go:6:8", "/m/pkg/x_darwin.go", 6, 8},
		{"/abs/y.go:12", "/abs/y.go", 12, 0},
		{"noposition", "/m/pkg/noposition", 0, 0},
	}
	for _, tt := range tests {
		got := parsePosition(tt.in, dir)
		if got.Filename != filepath.FromSlash(tt.file) || got.Line != tt.line || got.Column != tt.col {
			t.Errorf("parsePosition(%q) = %s:%d:%d, want %s:%d:%d", tt.in, got.Filename, got.Line, got.Column, tt.file, tt.line, tt.col)
		}
	}
}

// BenchmarkFixtureArm64 measures one architecture of a module importing
// appkit and systray; the goal is well under 60 s on two cores.
func BenchmarkFixtureArm64(b *testing.B) {
	if err := fixtureModules(); err != nil {
		b.Fatal(err)
	}
	b.Setenv("GOPROXY", "off")
	for b.Loop() {
		res, err := checkArch(context.Background(), filepath.Join("testdata", "fixture"), "arm64", true, []string{"./..."})
		if err != nil || res.Checked == 0 {
			b.Fatalf("checkArch: %d packages, %v", res.Checked, err)
		}
	}
}
