package main

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/secrets"
)

// The exit-code table in docs/cli.md lists exactly the codes of
// exitcodes.go, in the same order.
func TestExitCodeTableMatchesDocs(t *testing.T) {
	t.Parallel()
	docs, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(docs), "## Exit status\n")
	if !ok {
		t.Fatal("docs/cli.md has no \"## Exit status\" section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var documented []int
	for _, m := range regexp.MustCompile(`(?m)^\| (\d+) \| \S`).FindAllStringSubmatch(section, -1) {
		n, _ := strconv.Atoi(m[1])
		documented = append(documented, n)
	}
	var defined []int
	for _, c := range exitCodes {
		defined = append(defined, c.Code)
	}
	if !slicesEqual(documented, defined) {
		t.Errorf("docs/cli.md documents exit codes %v, exitcodes.go defines %v", documented, defined)
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Every exit path in the command files uses the named constants: no
// exitError with a number (a variable set from the constants is fine), no os.Exit outside main.go, and every exit*
// name used is one of exitcodes.go's.
func TestExitPathsUseTheConstants(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for name := range exitConstNames(t) {
		known[name] = true
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				if id, ok := x.Type.(*ast.Ident); ok && id.Name == "exitError" {
					for _, el := range x.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok || kv.Key.(*ast.Ident).Name != "code" {
							continue
						}
						_, isLit := kv.Value.(*ast.BasicLit)
						id, isIdent := kv.Value.(*ast.Ident)
						if isLit || isIdent && strings.HasPrefix(id.Name, "exit") && !known[id.Name] {
							t.Errorf("%s: exitError with code %s: use a constant from exitcodes.go", fset.Position(kv.Pos()), exprText(kv.Value))
						}
					}
				}
			case *ast.CallExpr:
				if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Exit" && exprText(sel.X) == "os" && name != "main.go" {
					t.Errorf("%s: os.Exit outside main.go: return an error with an exit code instead", fset.Position(x.Pos()))
				}
			}
			return true
		})
	}
}

// exitConstNames parses exitcodes.go for its constant names.
func exitConstNames(t *testing.T) map[string]bool {
	f, err := parser.ParseFile(token.NewFileSet(), "exitcodes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, sp := range gd.Specs {
				for _, n := range sp.(*ast.ValueSpec).Names {
					names[n.Name] = true
				}
			}
		}
	}
	if len(names) != len(exitCodes) {
		t.Errorf("exitcodes.go has %d constants and %d rows in exitCodes", len(names), len(exitCodes))
	}
	return names
}

func exprText(e ast.Expr) string {
	var b bytes.Buffer
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.BasicLit:
		return x.Value
	default:
		b.WriteString("an expression")
	}
	return b.String()
}

// Each documented exit code is produced by at least one real scenario (the
// real command tree, data folders, the built-in ESP server, real locks).
func TestEveryExitCodeHasAScenario(t *testing.T) {
	scenarios := []struct {
		name string
		want int
		run  func(t *testing.T) (string, int)
	}{
		{"version", exitOK, func(t *testing.T) (string, int) {
			_, errs, code := runCLI(t, "version")
			return errs, code
		}},
		{"sync when ESP's batch list is not JSON", exitFailure, func(t *testing.T) (string, int) {
			_, dir := cliServer(t, espfake.Options{Seed: 21, Batches: 1, ContributionsPerBatch: 1,
				Faults: []espfake.Fault{{Endpoint: esp.EndpointBatchesList, Kind: espfake.FaultMalformedJSON, Probability: 1}}})
			_, errs, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails")
			return errs, code
		}},
		// Credentials ESP refuses are exit 5 as the table says (this was
		// the exit-1 scenario, with exit 1).
		{"sync with a refused password", exitSignedOut, func(t *testing.T) (string, int) {
			_, dir := cliServer(t, espfake.Options{Seed: 21, Batches: 1, ContributionsPerBatch: 1})
			t.Setenv(secrets.EnvPassword, "wrong")
			_, errs, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails")
			return errs, code
		}},
		{"unknown flag", exitUsage, func(t *testing.T) (string, int) {
			_, errs, code := runCLI(t, "status", "--colour")
			return errs, code
		}},
		{"thumbnails during an image-host outage", exitPartial, func(t *testing.T) (string, int) {
			srv, dir := cliServer(t, espfake.Options{Seed: 22, Batches: 1, ContributionsPerBatch: 3})
			if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--json", "--no-thumbnails"); code != 0 {
				t.Fatalf("sync: %d %s", code, errs)
			}
			srv.AddFault(espfake.Fault{Endpoint: esp.EndpointThumbnail, Kind: espfake.FaultUnavailable, Probability: 1})
			_, errs, code := runCLI(t, "--data-dir", dir, "thumbnails", "--wait")
			return errs, code
		}},
		{"sync while another sync holds the folder", exitBusy, func(t *testing.T) (string, int) {
			_, dir := cliServer(t, espfake.Options{Seed: 23, Batches: 1, ContributionsPerBatch: 1})
			l, err := lockfile.TryAcquire(datadir.Dir{Root: dir}.Lock(), "stocksync sync (test)")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Release()
			_, errs, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails")
			return errs, code
		}},
		{"sync without a sign-in", exitSignedOut, func(t *testing.T) (string, int) {
			_, dir := cliServer(t, espfake.Options{Seed: 24, Batches: 1, ContributionsPerBatch: 1})
			for _, v := range []string{secrets.EnvUsername, secrets.EnvPassword, secrets.EnvAPIKey, secrets.EnvAPISecret} {
				t.Setenv(v, "")
				os.Unsetenv(v)
			}
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent") // no Secret Service either
			_, errs, code := runCLI(t, "--data-dir", dir, "sync", "--no-thumbnails")
			return errs, code
		}},
		{"a database that is not a database", exitDamaged, func(t *testing.T) (string, int) {
			dir := filepath.Join(t.TempDir(), "data")
			if err := (datadir.Dir{Root: dir}).Ensure(); err != nil {
				t.Fatal(err)
			}
			junk := bytes.Repeat([]byte("this is not SQLite "), 300)
			if err := os.WriteFile(datadir.Dir{Root: dir}.DB(), junk, 0o600); err != nil {
				t.Fatal(err)
			}
			_, errs, code := runCLI(t, "--data-dir", dir, "list", "pending")
			if after, _ := os.ReadFile(datadir.Dir{Root: dir}.DB()); !bytes.Equal(after, junk) {
				t.Error("the damaged file was changed")
			}
			return errs, code
		}},
		{"sync interrupted", exitInterrupted, func(t *testing.T) (string, int) {
			_, dir := cliServer(t, espfake.Options{Seed: 25, Batches: 2, ContributionsPerBatch: 2})
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, errs, code := runCLIContext(t, ctx, "--data-dir", dir, "sync", "--no-thumbnails")
			return errs, code
		}},
	}
	covered := map[int]bool{}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			errs, code := sc.run(t)
			if code != sc.want {
				t.Errorf("exit %d, want %d; stderr %q", code, sc.want, errs)
			}
			if code != exitOK && !strings.HasPrefix(errs, "stocksync: ") && sc.want != exitPartial {
				t.Errorf("no error message: %q", errs)
			}
		})
		covered[sc.want] = true
	}
	for _, c := range exitCodes {
		if !covered[c.Code] {
			t.Errorf("exit code %d (%s) has no scenario", c.Code, c.Meaning)
		}
	}
}
