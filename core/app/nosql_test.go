package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sqlText matches the start of an SQL statement in a string literal.
var sqlText = regexp.MustCompile(`(?is)^\s*(SELECT\s.+\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|PRAGMA\s|WITH\s+\w+\s+AS\s*\()`)

// SQL lives in core/store only: the controller reads through its methods.
func TestNoSQLInTheController(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
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
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && sqlText.MatchString(strings.Trim(lit.Value, "`\"")) {
				t.Errorf("%s: SQL outside core/store: %s", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
	for _, q := range []string{"SELECT id, status FROM contributions WHERE removed_at = ''",
		"SELECT id, started_at\n\t\tFROM sync_runs WHERE outcome != 'running'", "PRAGMA integrity_check"} {
		if !sqlText.MatchString(q) {
			t.Errorf("the pattern misses %q", q)
		}
	}
}
