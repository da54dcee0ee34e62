package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	os.Exit(run(context.Background(), ".", os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK        = 0
	exitFindings  = 1 // the module does not type-check for darwin
	exitCantCheck = 2 // bad usage, or go list failed
)

// run is main without the process: dir is where go list runs, args exclude the
// program name. Type errors go to stderr, the summary line to stdout.
func run(ctx context.Context, dir string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("darwincheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	archFlag := fs.String("arch", "arm64,amd64", "comma-separated GOARCH values to check for GOOS=darwin")
	tests := fs.Bool("tests", true, "also type-check _test.go files")
	fs.StringVar(&dir, "C", dir, "run in this folder (the module to check)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: darwincheck [-C dir] [-arch arm64,amd64] [-tests=true] [packages]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitCantCheck
	}
	archs, err := parseArchs(*archFlag)
	if err != nil {
		fmt.Fprintf(stderr, "darwincheck: %v\n", err)
		return exitCantCheck
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		fmt.Fprintf(stderr, "darwincheck: %v\n", err)
		return exitCantCheck
	}

	start := time.Now()
	var results []archResult
	for _, arch := range archs {
		res, err := checkArch(ctx, absDir, arch, *tests, patterns)
		if err != nil {
			fmt.Fprintf(stderr, "darwincheck: %v\n", err)
			return exitCantCheck
		}
		results = append(results, res)
	}

	lines := report(results, absDir)
	for _, l := range lines {
		fmt.Fprintln(stderr, l)
	}
	var parts []string
	for _, r := range results {
		parts = append(parts, fmt.Sprintf("darwin/%s %d packages (%d with dependencies, %d dependency errors ignored)",
			r.Arch, r.Checked, r.Total, r.DepErrors))
	}
	verdict := "ok"
	if len(lines) > 0 {
		verdict = fmt.Sprintf("%d type errors", len(lines))
	}
	fmt.Fprintf(stdout, "darwincheck: %s: %s in %.1fs\n", verdict, strings.Join(parts, ", "), time.Since(start).Seconds())
	if len(lines) > 0 {
		return exitFindings
	}
	return exitOK
}

// parseArchs validates the -arch list: darwin ships on these two only.
func parseArchs(s string) ([]string, error) {
	var archs []string
	for _, a := range strings.Split(s, ",") {
		a = strings.TrimSpace(a)
		switch a {
		case "arm64", "amd64":
			if !slices.Contains(archs, a) {
				archs = append(archs, a)
			}
		case "":
		default:
			return nil, fmt.Errorf("-arch %q: macOS runs on arm64 and amd64 only", a)
		}
	}
	if len(archs) == 0 {
		return nil, fmt.Errorf("-arch is empty: give arm64, amd64 or both")
	}
	return archs, nil
}

// report merges the findings of every architecture into sorted
// "file:line:col: message" lines, file relative to dir where possible. A
// finding seen for only some architectures names them.
func report(results []archResult, dir string) []string {
	type key struct {
		file      string
		line, col int
		msg       string
	}
	archsOf := make(map[key][]string)
	var keys []key
	for _, r := range results {
		for _, f := range r.Findings {
			k := key{f.Pos.Filename, f.Pos.Line, f.Pos.Column, f.Msg}
			if _, ok := archsOf[k]; !ok {
				keys = append(keys, k)
			}
			if !slices.Contains(archsOf[k], r.Arch) {
				archsOf[k] = append(archsOf[k], r.Arch)
			}
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(a.file, b.file); c != 0 {
			return c
		}
		if a.line != b.line {
			return a.line - b.line
		}
		if a.col != b.col {
			return a.col - b.col
		}
		return strings.Compare(a.msg, b.msg)
	})
	lines := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k.file
		if rel, err := filepath.Rel(dir, name); err == nil && !strings.HasPrefix(rel, "..") {
			name = rel
		}
		pos := name
		if k.line > 0 {
			pos = fmt.Sprintf("%s:%d", pos, k.line)
			if k.col > 0 {
				pos = fmt.Sprintf("%s:%d", pos, k.col)
			}
		}
		line := pos + ": " + k.msg
		if len(archsOf[k]) < len(results) {
			line += " (darwin/" + strings.Join(archsOf[k], ", darwin/") + " only)"
		}
		lines = append(lines, line)
	}
	return lines
}
