package main

// TEMPORARY (TM's branch only): a stand-in for CLI's termSafe
// (cmd/stocksync/termsafe.go on h/cli) so this branch builds. The lead deletes
// this file when merging.

import (
	"strings"
	"unicode"
)

func termSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return unicode.ReplacementChar
		}
		return r
	}, s)
}
