package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sqlText matches a string that begins an SQL statement (SQLite's syntax):
// a query, a change, a schema statement or a pragma. The statement's keyword
// must start the string and its keywords be in capitals, as every statement
// in core/store is written: user-facing text such as "Select a folder from
// the list" or "Update from ESP" is prose, not SQL.
var sqlText = regexp.MustCompile(`(?s)^\s*(` +
	`SELECT\s.+\sFROM\s|` +
	`INSERT\s+(OR\s+\w+\s+)?INTO\s|REPLACE\s+INTO\s|` +
	`UPDATE\s+(OR\s+\w+\s+)?["\w.]+\s+SET\s|` +
	`DELETE\s+FROM\s|` +
	`PRAGMA\s+\w|` +
	`(CREATE|DROP)\s+(TEMP\s+|TEMPORARY\s+|UNIQUE\s+|VIRTUAL\s+)?(TABLE|INDEX|VIEW|TRIGGER)\s|` +
	`ALTER\s+TABLE\s|` +
	`VACUUM(\s|$)|` +
	`WITH\s+(RECURSIVE\s+)?\w+(\s*\([^)]*\))?\s+AS\s*\(` +
	`)`)

// placeholder stands for a non-literal operand of a concatenation.
const placeholder = "?"

// SQL lives in core/store only: every other package reads and writes the
// database through its methods. The test parses every non-test .go file of
// the module outside core/store (whatever its build tags) and looks at its
// string literals, joined where they are concatenated, so a statement split
// over several literals is found too. It fails naming file:line.
func TestNoSQLOutsideStore(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			if rel == "core/store" {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		for _, s := range sqlStrings(f) {
			pos := fset.Position(s.pos)
			pos.Filename = rel
			t.Errorf("%s: SQL outside core/store (add a store method): %.120q", pos, s.text)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The walk must have seen the module, not an empty folder.
	if files < 100 {
		t.Fatalf("looked at %d .go files under %s; want the whole module", files, root)
	}
}

// found is one string literal (or concatenation of literals) that reads as SQL.
type found struct {
	pos  token.Pos
	text string
}

// sqlStrings returns the string literals of f that start an SQL statement.
// A + chain is judged as one string, its non-literal operands replaced by
// placeholder, and reported once at its start; the operands are still
// inspected (a call inside a chain may hold SQL of its own).
func sqlStrings(f *ast.File) []found {
	var out []found
	inner := map[ast.Node]bool{}   // + expressions judged as part of a longer chain
	covered := map[ast.Node]bool{} // literals of a chain already reported
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op != token.ADD || inner[n] {
				return true
			}
			c := chain{}
			text := c.join(n)
			for _, b := range c.adds {
				inner[b] = true
			}
			if len(c.lits) > 0 && sqlText.MatchString(text) {
				out = append(out, found{n.Pos(), text})
				for _, l := range c.lits {
					covered[l] = true
				}
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING || covered[n] {
				return false
			}
			if s, err := strconv.Unquote(n.Value); err == nil && sqlText.MatchString(s) {
				out = append(out, found{n.Pos(), s})
			}
		}
		return true
	})
	return out
}

// chain collects a + chain's string literals and its + expressions.
type chain struct {
	lits []ast.Node
	adds []ast.Node
}

// join is the text of a + chain: its string literals' values in order, with
// placeholder for any other operand.
func (c *chain) join(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.join(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			c.adds = append(c.adds, e)
			return c.join(e.X) + c.join(e.Y)
		}
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			if s, err := strconv.Unquote(e.Value); err == nil {
				c.lits = append(c.lits, e)
				return s
			}
		}
	}
	return placeholder
}

// moduleRoot is the folder of the module's go.mod, found upwards from the
// test's working directory (the package folder).
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/stocksync/stocksync\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod of github.com/stocksync/stocksync not found above the test's folder")
		}
		dir = parent
	}
}

// The matcher finds SQL however it is written in Go source (raw or quoted,
// split over a + chain, inside a call within a chain), at the right line,
// once; and leaves prose and user-facing text alone.
func TestSQLStringsFindsStatements(t *testing.T) {
	const src = `package p

var a = "SELECT id, status FROM contributions WHERE removed_at = ''"
var b = ` + "`" + `
	SELECT id, started_at
	FROM sync_runs WHERE outcome != 'running'` + "`" + `
var c = "SELECT id " +
	"FROM batches WHERE id = " + id
var d = "note: " + f("PRAGMA integrity_check")
var e = "INSERT INTO thumbnails (contribution_id) VALUES (?)"
var g = fmt.Sprintf("PRAGMA integrity_check(%d)", max)
var h = "UPDATE contributions SET title = ?"
var i = "DELETE FROM local_paths WHERE contribution_id = ?"
var j = "CREATE INDEX x ON contributions(batch_id)"
var k = "WITH recent AS (SELECT 1) SELECT * FROM recent"
var l = "VACUUM INTO ?"
var m = "INSERT OR REPLACE INTO settings (k, v) VALUES (?, ?)"

var fine = []string{
	"Select a folder from the list",
	"Update from ESP",
	"select the files to delete from the batch",
	"Create a backup",
	"Deleting from ESP is not possible",
	"with thumbnails as well",
	"SELECT",
	"pragma",
	"the last SELECT failed",
	"Select All",
	"Delete from the backup folder",
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, s := range sqlStrings(f) {
		got = append(got, fset.Position(s.pos).Line)
	}
	want := []int{3, 4, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17}
	if len(got) != len(want) {
		t.Fatalf("found SQL at lines %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("found SQL at lines %v, want %v", got, want)
		}
	}
}
