package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Issue 12: at 40 columns the bar wrapped and every redraw stacked a new
// line. Every width gets one line that fits.
func TestProgressFitsTheWindow(t *testing.T) {
	for _, cols := range []int{0, 4, 10, 20, 40, 60, 80, 200} {
		for _, done := range []int{0, 1, 135, 271} {
			line := renderProgress("Syncing files", done, 271, cols)
			width := cols
			if width == 0 {
				width = 80
			}
			if n := utf8.RuneCountInString(line); n > width-1 || strings.ContainsAny(line, "\r\n") {
				t.Errorf("cols %d done %d: %q is %d columns", cols, done, line, n)
			}
			if cols >= 40 && !strings.Contains(line, num(done)+"/271") {
				t.Errorf("cols %d: %q lacks the count", cols, line)
			}
		}
	}
	if line := renderProgress("Syncing files", 271, 271, 80); !strings.Contains(line, "100%") || strings.Contains(line, "░") {
		t.Errorf("finished bar %q", line)
	}
}

func TestProgressFinishClearsTheLine(t *testing.T) {
	var out strings.Builder
	b := &progressBar{w: &out, total: 3, desc: "Thumbnails", width: func() int { return 40 }}
	b.Describe("Thumbnails\x1b[31m (slow)")
	b.Set(3)
	if !strings.Contains(out.String(), "Thumbnails� (slow)") {
		t.Errorf("Describe: %q", out.String())
	}
	b.Finish()
	b.Finish()
	s := out.String()
	if !strings.HasSuffix(s, "\r\x1b[K") || strings.Count(s, "\r\x1b[K") != 1 || strings.Contains(s, "\n") {
		t.Errorf("output %q", s)
	}
}
