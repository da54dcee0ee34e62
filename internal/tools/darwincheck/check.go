package main

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// finding is one problem in a package of the main module.
type finding struct {
	Pos token.Position // Filename is absolute
	Msg string
}

// archResult is the outcome of checking one architecture.
type archResult struct {
	Arch    string
	Checked int // packages of the main module type-checked
	Total   int // packages type-checked, dependencies included
	// DepErrors counts type errors in dependencies, ignored: without a
	// darwin C toolchain, cgo code can produce errors FakeImportC cannot
	// model, and only this module's errors are ours to fix.
	DepErrors int
	Findings  []finding
}

// checkArch type-checks the packages matching patterns, and everything they
// import, as built for darwin/arch in dir.
func checkArch(ctx context.Context, dir, arch string, tests bool, patterns []string) (archResult, error) {
	res := archResult{Arch: arch}
	pkgs, err := goList(ctx, dir, arch, tests, patterns)
	if err != nil {
		return res, err
	}
	sizes := types.SizesFor("gc", arch)
	if sizes == nil {
		return res, fmt.Errorf("unknown GOARCH %q", arch)
	}
	c := &checker{
		fset:  token.NewFileSet(),
		sizes: sizes,
		byID:  make(map[string]*node, len(pkgs)),
	}
	var nodes []*node
	for _, p := range pkgs {
		if p.isTestMain() {
			continue
		}
		n := &node{pkg: p, done: make(chan struct{})}
		c.byID[p.ImportPath] = n
		nodes = append(nodes, n)
	}
	if err := c.run(ctx, nodes); err != nil {
		return res, err
	}
	seen := make(map[finding]bool)
	own := make(map[string]bool)
	for _, n := range nodes {
		res.Total++
		if !n.pkg.inMainModule() {
			res.DepErrors += n.depErrors
			continue
		}
		if n.checked {
			// A package and its test variant count once.
			path, _, _ := strings.Cut(n.pkg.ImportPath, " ")
			own[path] = true
		}
		for _, f := range n.findings {
			if !seen[f] { // a package and its test variant share files
				seen[f] = true
				res.Findings = append(res.Findings, f)
			}
		}
	}
	res.Checked = len(own)
	return res, nil
}

// node is one package on its way through the checker.
type node struct {
	pkg       *listedPackage
	types     *types.Package // nil when it could not be checked at all
	checked   bool
	findings  []finding
	depErrors int
	done      chan struct{} // closed once types and findings are final
}

type checker struct {
	fset  *token.FileSet
	sizes types.Sizes
	byID  map[string]*node // by go list ImportPath, test variants included
}

// run checks all nodes, each after the packages it imports, on as many
// goroutines as there are CPUs: appkit alone is several megabytes of source.
func (c *checker) run(ctx context.Context, nodes []*node) error {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, imp := range n.pkg.Imports {
				if dep := c.byID[imp]; dep != nil {
					<-dep.done
				}
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				close(n.done)
				return
			}
			c.check(n)
			<-sem
			close(n.done)
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// check type-checks one package whose imports are all done.
func (c *checker) check(n *node) {
	p := n.pkg
	own := p.inMainModule()
	if p.Error != nil && own && !noFilesForDarwin(p) {
		n.findings = append(n.findings, listFinding(p))
	}
	if p.ImportPath == "unsafe" {
		n.types = types.Unsafe
		return
	}
	names := append(append([]string(nil), p.GoFiles...), p.CgoFiles...)
	if len(names) == 0 {
		return
	}
	mode := parser.SkipObjectResolution
	if own {
		// Comments carry //go:build lines, which set per-file Go versions.
		mode |= parser.ParseComments
	}
	var files []*ast.File
	for _, name := range names {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(p.Dir, name)
		}
		f, err := parser.ParseFile(c.fset, path, nil, mode)
		if err != nil && own {
			n.findings = append(n.findings, syntaxFindings(err)...)
		}
		if f != nil {
			files = append(files, f)
		}
	}
	conf := types.Config{
		Importer:         importerFunc(func(path string) (*types.Package, error) { return c.importFor(p, path) }),
		Sizes:            c.sizes,
		FakeImportC:      true,
		IgnoreFuncBodies: !own,
		Error: func(err error) {
			if !own {
				// A dependency's API is usable despite the errors its cgo
				// files cause here.
				n.depErrors++
				return
			}
			// Soft errors (unused imports and variables) fail a build too.
			var te types.Error
			if errors.As(err, &te) {
				n.findings = append(n.findings, finding{Pos: te.Fset.Position(te.Pos), Msg: te.Msg})
				return
			}
			n.findings = append(n.findings, finding{Pos: token.Position{Filename: p.Dir}, Msg: err.Error()})
		},
	}
	if own && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	pkgPath := p.ImportPath
	if p.ForTest != "" {
		pkgPath, _, _ = strings.Cut(pkgPath, " ")
	}
	// Errors were reported through conf.Error; the package is still usable.
	tp, _ := conf.Check(pkgPath, c.fset, files, nil)
	n.types = tp
	n.checked = true
}

// importFor resolves an import written in p's source the way go list did.
func (c *checker) importFor(p *listedPackage, path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	id := path
	if mapped, ok := p.ImportMap[path]; ok {
		id = mapped
	}
	dep := c.byID[id]
	if dep == nil {
		return nil, fmt.Errorf("package %s is not in the build list for darwin", path)
	}
	<-dep.done // already closed: run waits for every import first
	if dep.types == nil {
		if dep.pkg.Error != nil {
			return nil, errors.New(dep.pkg.Error.Err)
		}
		return nil, fmt.Errorf("package %s has no Go files for darwin", path)
	}
	return dep.types, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// noFilesForDarwin reports whether go list's error only says the package has no
// files for darwin, which is normal for a package like foo_other.go alone.
func noFilesForDarwin(p *listedPackage) bool {
	return strings.Contains(p.Error.Err, "build constraints exclude all Go files")
}

// listFinding turns a go list error (missing import, bad package clause) into a
// finding at its position, or at the package folder when it has none.
func listFinding(p *listedPackage) finding {
	f := finding{Pos: token.Position{Filename: p.Dir}, Msg: p.Error.Err}
	if pos := p.Error.Pos; pos != "" {
		f.Pos = parsePosition(pos, p.Dir)
		f.Msg = strings.TrimPrefix(f.Msg, pos+": ")
	}
	return f
}

// positionRE matches go list's "file:line" or "file:line:col".
var positionRE = regexp.MustCompile(`^(.*?):(\d+)(?::(\d+))?$`)

// parsePosition parses a go list error position, relative to dir or absolute.
func parsePosition(s, dir string) token.Position {
	pos := token.Position{Filename: s}
	if m := positionRE.FindStringSubmatch(s); m != nil {
		pos.Filename = m[1]
		pos.Line, _ = strconv.Atoi(m[2])
		pos.Column, _ = strconv.Atoi(m[3]) // 0 when absent
	}
	if !filepath.IsAbs(pos.Filename) {
		pos.Filename = filepath.Join(dir, pos.Filename)
	}
	return pos
}

// syntaxFindings lists every syntax error the parser collected.
func syntaxFindings(err error) []finding {
	var list scanner.ErrorList
	if errors.As(err, &list) {
		out := make([]finding, 0, len(list))
		for _, e := range list {
			out = append(out, finding{Pos: e.Pos, Msg: e.Msg})
		}
		return out
	}
	return []finding{{Msg: err.Error()}}
}
