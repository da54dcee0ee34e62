package main

import (
	"io"
	"os"
	"strings"
	"unicode"
)

// table is a list printed as aligned columns (two spaces apart, as
// text/tabwriter did). On a terminal it is fitted to the window: while a row
// is wider than the terminal, the widest column that may be cut (text:
// titles, file names, notes — never an ID, a status or a count) loses a
// column, and its cut cells end with "…". Piped (cols 0) every cell is
// printed whole, so `stocksync list files | grep` sees the full text.
// When even cut the columns do not fit side by side (a terminal 20 or 30
// columns wide), each row is printed as "HEADER  value" lines instead
// (writeRecords). Cells must already be terminal-safe (termSafe).
type table struct {
	header []string
	cut    []bool // cut[i]: column i may be shortened to fit
	rows   [][]string
}

// newTable starts a table; a header name ending in "~" marks a column
// that may be cut to fit (the "~" is not printed).
func newTable(header ...string) *table {
	t := &table{}
	for _, h := range header {
		name, cut := strings.CutSuffix(h, "~")
		t.header = append(t.header, name)
		t.cut = append(t.cut, cut)
	}
	return t
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// minCut is the narrowest a cut column gets (its header's width if wider)
// while other text columns can give; lastCut the narrowest at all: past
// that, the row wraps rather than lose all its text.
const (
	minCut  = 12
	lastCut = 5
)

// write prints the table to w, fitted to cols columns (0: not a terminal,
// nothing is cut).
func (t *table) write(w io.Writer, cols int) error {
	n := len(t.header)
	widths := make([]int, n)
	for i, h := range t.header {
		widths[i] = cellWidth(h)
	}
	for _, r := range t.rows {
		for i := 0; i < n && i < len(r); i++ {
			widths[i] = max(widths[i], cellWidth(r[i]))
		}
	}
	if cols > 0 {
		avail := cols - 1 // the last column makes some terminals wrap
		total := func() int {
			s := 2 * (n - 1)
			for _, w := range widths {
				s += w
			}
			return s
		}
		// Cut the widest text column first, down to minCut columns (or
		// its header's width); if that is not enough, further, down to
		// lastCut, headers too.
		for _, floor := range []func(i int) int{
			func(i int) int { return max(minCut, cellWidth(t.header[i])) },
			func(int) int { return lastCut },
		} {
			for total() > avail {
				widest := -1
				for i := range widths {
					if t.cut[i] && widths[i] > floor(i) && (widest < 0 || widths[i] > widths[widest]) {
						widest = i
					}
				}
				if widest < 0 {
					break // nothing more may be cut
				}
				widths[widest]--
			}
		}
		if total() > avail && len(t.rows) > 0 {
			return t.writeRecords(w, avail)
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		b.Reset()
		for i := 0; i < n; i++ {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			c = clipWidth(c, widths[i])
			b.WriteString(c)
			if i < n-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-cellWidth(c)+2))
			}
		}
		b.WriteString("\n")
	}
	line(t.header)
	if _, err := io.WriteString(w, strings.TrimRight(b.String(), " \n")+"\n"); err != nil {
		return err
	}
	for _, r := range t.rows {
		line(r)
		if _, err := io.WriteString(w, strings.TrimRight(b.String(), " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// writeRecords prints the table one row at a time, one "HEADER  value"
// line per column and a blank line between rows (psql's expanded display),
// for a terminal too narrow for the columns side by side even cut to
// lastCut: rows that wrap across columns could not be read. A value that
// may be cut is cut to the width left beside the header; one that may not
// (an ID, a count) is printed whole.
func (t *table) writeRecords(w io.Writer, avail int) error {
	label := 0
	for _, h := range t.header {
		label = max(label, cellWidth(h))
	}
	room := max(avail-label-2, lastCut)
	var b strings.Builder
	for k, r := range t.rows {
		b.Reset()
		if k > 0 {
			b.WriteString("\n")
		}
		for i, h := range t.header {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			if t.cut[i] {
				c = clipWidth(c, room)
			}
			b.WriteString(strings.TrimRight(h+strings.Repeat(" ", label-cellWidth(h)+2)+c, " "))
			b.WriteString("\n")
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// clipWidth cuts s to at most w terminal columns, ending it with "…" when cut.
func clipWidth(s string, w int) string {
	if cellWidth(s) <= w {
		return s
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := runeWidth(r)
		if used+rw > w-1 {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	return b.String() + "…"
}

// cellWidth is the number of terminal columns s takes.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is the terminal columns of r: 0 for combining marks and
// zero-width characters, 2 for East Asian wide and fullwidth characters and
// emoji (Unicode's East_Asian_Width W and F: the CJK blocks, the emoji
// blocks from U+1F300 to U+1FAFF, and the emoji-presentation symbols below
// them such as ⌚ and ✅), else 1.
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) || r == 0x200B:
		return 0
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF && r != 0x303F,
		r >= 0xA960 && r <= 0xA97F, r >= 0xAC00 && r <= 0xD7A3, r >= 0xF900 && r <= 0xFAFF,
		r >= 0xFE10 && r <= 0xFE19, r >= 0xFE30 && r <= 0xFE6F,
		r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x16FE0 && r <= 0x18CFF, r >= 0x1B000 && r <= 0x1B2FF,
		r == 0x1F004, r == 0x1F0CF, r == 0x1F18E, r >= 0x1F191 && r <= 0x1F19A,
		r >= 0x1F200 && r <= 0x1F2FF, r >= 0x1F300 && r <= 0x1F64F, r >= 0x1F680 && r <= 0x1F6FF,
		r >= 0x1F7E0 && r <= 0x1F7EB, r >= 0x1F90C && r <= 0x1F9FF, r >= 0x1FA70 && r <= 0x1FAFF,
		r >= 0x20000 && r <= 0x3FFFD:
		return 2
	case r >= 0x231A && r <= 0x2B55:
		return wideSymbol(r)
	}
	return 1
}

// wideSymbol is the width of a symbol between U+231A and U+2B55: 2 for
// those Unicode gives emoji presentation (East_Asian_Width W), else 1.
func wideSymbol(r rune) int {
	switch {
	case r == 0x231A, r == 0x231B, r >= 0x23E9 && r <= 0x23EC, r == 0x23F0, r == 0x23F3,
		r == 0x25FD, r == 0x25FE, r == 0x2614, r == 0x2615, r >= 0x2648 && r <= 0x2653,
		r == 0x267F, r == 0x2693, r == 0x26A1, r == 0x26AA, r == 0x26AB, r == 0x26BD, r == 0x26BE,
		r == 0x26C4, r == 0x26C5, r == 0x26CE, r == 0x26D4, r == 0x26EA, r == 0x26F2, r == 0x26F3,
		r == 0x26F5, r == 0x26FA, r == 0x26FD, r == 0x2705, r == 0x270A, r == 0x270B, r == 0x2728,
		r == 0x274C, r == 0x274E, r >= 0x2753 && r <= 0x2755, r == 0x2757, r >= 0x2795 && r <= 0x2797,
		r == 0x27B0, r == 0x27BF, r == 0x2B1B, r == 0x2B1C, r == 0x2B50, r == 0x2B55:
		return 2
	}
	return 1
}

// outputCols is the width of the terminal standard output is, or 0 when it
// is not a terminal (a pipe, a file): tables are then printed whole.
func (o globalOptions) outputCols() int {
	if o.columns != nil {
		return o.columns()
	}
	w := o.stdout
	if s, ok := w.(safeWriter); ok {
		w = s.w
	}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		return terminalCols(f)
	}
	return 0
}
