package main

import (
	"runtime"
	"sync"
	"time"

	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/wording"
)

// The CLI words numbers and times exactly as the menu-bar app does.

// machineNameOnce guards the one write of reminder.ThisComputer.
var machineNameOnce sync.Once

// setMachineName makes the CLI name the machine it runs on ("this computer"
// on Linux, not "this Mac") in its own text and in the reminder text it
// prints (reminder.ThisComputer). newRootCmd calls it; the value depends
// only on the platform, so it is set once per process.
func setMachineName() {
	machineNameOnce.Do(func() { reminder.ThisComputer = reminder.MachineName(runtime.GOOS) })
}

// num formats n with thousands separators: 12345 → "12,345".
func num(n int) string { return wording.Count(n) }

// ago says how long before now t was: "just now", "5 minutes ago", "yesterday".
func ago(now, t time.Time) string { return wording.AgoShort(now, t) }

// plural is "1 minute" or "1,234 minutes", "1 batch" or "2 batches": the
// regular English plural of word (wording.PluralOf).
func plural(n int, word string) string { return wording.Plural(n, word, wording.PluralOf(word)) }

// bytesText is a size: "512 bytes", "12 KB", "1.5 MB" (wording.Bytes).
func bytesText(n int64) string { return wording.Bytes(n) }
