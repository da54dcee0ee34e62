package main

import (
	"time"

	"github.com/stocksync/stocksync/core/reminder"
)

// The CLI words numbers and times exactly as the menu-bar app does.

// num formats n with thousands separators: 12345 → "12,345".
func num(n int) string { return reminder.Count(n) }

// ago says how long before now t was: "just now", "5 minutes ago", "yesterday".
func ago(now, t time.Time) string { return reminder.AgoShort(now, t) }

// plural is "1 minute" or "1,234 minutes".
func plural(n int, word string) string { return reminder.Plural(n, word, word+"s") }
