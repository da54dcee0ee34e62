package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Issue 12: at 40 columns the bar wrapped and every redraw stacked a new
// line. Every width gets one line that fits.
func TestProgressFitsTheWindow(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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

// A progress line without a bar (backup's) is clipped to the width too, so
// redrawing it at 40 columns never wraps.
func TestFitLineFitsTheWidth(t *testing.T) {
	t.Parallel()
	line := "Copying thumbnails: 1,200 of 4,500 files, 12.3 MB of 45.6 MB"
	for _, c := range []struct {
		cols int
		want string
	}{
		{40, "Copying thumbnails: 1,200 of 4,500 fil…"},
		{0, line},
		{200, line},
		{1, ""},
	} {
		if got := fitLine(line, c.cols); got != c.want {
			t.Errorf("fitLine(%d cols) = %q, want %q", c.cols, got, c.want)
		}
		if n := utf8.RuneCountInString(fitLine(line, c.cols)); c.cols > 0 && n >= c.cols {
			t.Errorf("fitLine(%d cols) is %d columns", c.cols, n)
		}
	}
}
