package main

import (
	"runtime"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/reminder"
)

// The CLI words numbers and times exactly as the menu-bar app does, and
// names the machine it runs on ("this computer" on Linux, not "this Mac").
func init() { reminder.ThisComputer = reminder.MachineName(runtime.GOOS) }

// num formats n with thousands separators: 12345 → "12,345".
func num(n int) string { return reminder.Count(n) }

// ago says how long before now t was: "just now", "5 minutes ago", "yesterday".
func ago(now, t time.Time) string { return reminder.AgoShort(now, t) }

// plural is "1 minute" or "1,234 minutes", "1 batch" or "2 batches": the
// regular English plural of word (add -es after s, x, z, ch and sh).
func plural(n int, word string) string { return reminder.Plural(n, word, pluralOf(word)) }

func pluralOf(word string) string {
	for _, end := range []string{"s", "x", "z", "ch", "sh"} {
		if strings.HasSuffix(word, end) {
			return word + "es"
		}
	}
	return word + "s"
}
