package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// progressBar is one line of progress on a terminal, redrawn in place:
// "Syncing files  45% [██████░░░░░░░░] 120/271". It always fits the
// terminal's current width (the bar shrinks, then goes, then the text is
// clipped), so it never wraps and stacks on a narrow window, and Finish
// erases it so whatever is printed next starts on a clean line. Safe for
// concurrent use (downloaders report from several goroutines).
type progressBar struct {
	mu       sync.Mutex
	w        io.Writer
	width    func() int // columns; 0 when unknown
	desc     string
	total    int
	done     int
	drawn    bool
	last     time.Time
	lastLine string
}

// newProgressBar draws on w, sized to the terminal f (usually os.Stderr).
// desc is shown as given (termSafe is applied).
func newProgressBar(w io.Writer, f *os.File, total int, desc string) *progressBar {
	return &progressBar{w: w, total: total, desc: termSafe(desc), width: func() int { return terminalCols(f) }}
}

// Set moves the bar to n of total, redrawing at most ten times a second
// (and always when n reaches total).
func (b *progressBar) Set(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = min(max(n, 0), b.total)
	if now := time.Now(); b.done == b.total || now.Sub(b.last) >= 100*time.Millisecond {
		b.last = now
		b.draw()
	}
}

// Describe changes the text before the bar ("Syncing files (ESP allows 2.0
// requests/s)"); it shows from the next redraw. desc is made terminal-safe.
func (b *progressBar) Describe(desc string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.desc = termSafe(desc)
}

// Clear erases the bar's line so a message can be printed on a clean line;
// the next Set draws the bar again below it.
func (b *progressBar) Clear() { b.Finish() }

// Finish erases the bar's line.
func (b *progressBar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.drawn = false
		b.lastLine = ""
	}
}

func (b *progressBar) draw() {
	line := renderProgress(b.desc, b.done, b.total, b.width())
	if line == b.lastLine {
		return
	}
	b.lastLine = line
	b.drawn = true
	fmt.Fprint(b.w, "\r"+line+"\x1b[K")
}

// renderProgress lays out one progress line in fewer than cols columns (80
// when cols is 0 or unknown): description, percentage, a bar of up to 30
// cells and the count, dropping the bar and then the description when the
// window is narrow, and clipping as a last resort.
func renderProgress(desc string, done, total, cols int) string {
	if cols <= 0 {
		cols = 80
	}
	avail := cols - 1 // the last column makes some terminals wrap
	pct := 0
	if total > 0 {
		pct = done * 100 / total
	}
	count := fmt.Sprintf("%s/%s", num(done), num(total))
	head := fmt.Sprintf("%s %3d%%", desc, pct)
	tail := " " + count
	if barCells := avail - utf8.RuneCountInString(head) - len(tail) - 3; barCells >= 5 {
		barCells = min(barCells, 30)
		filled := 0
		if total > 0 {
			filled = done * barCells / total
		}
		return head + " [" + strings.Repeat("█", filled) + strings.Repeat("░", barCells-filled) + "]" + tail
	}
	for _, line := range []string{head + tail, fmt.Sprintf("%3d%% %s", pct, count), fmt.Sprintf("%3d%%", pct)} {
		if utf8.RuneCountInString(line) <= avail {
			return line
		}
	}
	return ""
}

// terminalCols is the width of the terminal f in columns, 0 when f is not a
// terminal or its size is unknown.
func terminalCols(f *os.File) int {
	if cols, _, err := term.GetSize(int(f.Fd())); err == nil {
		return cols
	}
	return 0
}

// fitLine clips a one-line progress text to fewer than cols columns (80
// when cols is 0 or unknown), ending it with "…" when cut, so a line redrawn
// with "\r" never wraps and leaves stale lines on a narrow window. Every
// progress line that is not a progressBar (backup's copyProgress) goes
// through it: fitLine(progressLine(s), terminalCols(os.Stderr)).
func fitLine(line string, cols int) string {
	if cols <= 0 {
		cols = 80
	}
	avail := cols - 1 // the last column makes some terminals wrap
	if utf8.RuneCountInString(line) <= avail {
		return line
	}
	if avail <= 1 {
		return ""
	}
	r := []rune(line)
	return string(r[:avail-1]) + "…"
}
