package main

import (
	"encoding/json"
	"io"
	"os"

	"golang.org/x/term"
)

// writeJSON prints v as indented JSON: the stable, documented output of
// every --json flag (see docs/cli.md).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
