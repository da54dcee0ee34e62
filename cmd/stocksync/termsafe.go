package main

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"
)

// termSafe returns s fit to print on a terminal: text that came from ESP,
// from files or from the user can hold newlines, escape sequences (ESC[31m,
// OSC 8 links, cursor moves), other C0/C1 control characters, Unicode bidi
// overrides and invalid UTF-8, any of which could recolour, move, hide or
// fake what the terminal shows. Newlines, carriage returns and tabs become
// one space each; a whole escape sequence (CSI, OSC, DCS…) and every other
// control or bidi character becomes U+FFFD "�", so the user sees that
// something was there; invalid bytes become U+FFFD too. Everything else,
// including accents, CJK and emoji, is kept. --json output never goes
// through termSafe: it stays exact.
func termSafe(s string) string {
	if isPlainText(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n' || r == '\r' || r == '\t' || r == '\v' || r == '\f':
			b.WriteByte(' ')
		case r == 0x1b: // ESC: skip the whole sequence
			size = escapeLen(s[i:])
			b.WriteRune(utf8.RuneError)
		case r == 0x9b || r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f || r == 0x98: // C1 CSI, OSC, DCS, PM, APC, SOS
			size = c1StringLen(s[i:], r, size)
			b.WriteRune(utf8.RuneError)
		case unsafeRune(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// termSafeAll applies termSafe to each of ss.
func termSafeAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = termSafe(s)
	}
	return out
}

// isPlainText reports whether s needs no change (the common case, checked
// without allocating).
func isPlainText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			for _, r := range s[i:] {
				if r == utf8.RuneError || r < 0x20 || unsafeRune(r) || (r >= 0x80 && r < 0xa0) {
					return false
				}
			}
			return utf8.ValidString(s)
		}
	}
	return true
}

// unsafeRune reports control characters (C0, DEL, C1), the bidi controls
// that reorder what follows on the line (U+061C, U+200E/F, U+202A–U+202E,
// U+2066–U+2069) and the line and paragraph separators. Other invisible
// format characters (zero-width joiners in emoji and Indic scripts, soft
// hyphens, tag characters in flags) are text and are kept.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}

// escapeLen is the length in bytes of the escape sequence at the start of s
// (s[0] is ESC), per ECMA-48: CSI "ESC [" parameters and intermediates up to
// a final byte 0x40–0x7E; OSC, DCS, SOS, PM and APC strings up to BEL or
// "ESC \"; any other "ESC x" is two bytes. An unterminated sequence runs to
// the end of s.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		for i := 2; i < len(s); i++ {
			c := s[i]
			if c >= 0x40 && c <= 0x7e {
				return i + 1
			}
			if c < 0x20 || c >= 0x7f {
				return i // malformed: stop before the odd byte
			}
		}
		return len(s)
	case ']', 'P', 'X', '^', '_':
		return 2 + stringEnd(s[2:])
	}
	if s[1] < 0x20 || s[1] >= 0x80 {
		return 1
	}
	return 2
}

// c1StringLen is like escapeLen for the 8-bit C1 introducers (already
// decoded as r of size bytes).
func c1StringLen(s string, r rune, size int) int {
	if r == 0x9b {
		for i := size; i < len(s); i++ {
			c := s[i]
			if c >= 0x40 && c <= 0x7e {
				return i + 1
			}
			if c < 0x20 || c >= 0x80 {
				return i
			}
		}
		return len(s)
	}
	return size + stringEnd(s[size:])
}

// stringEnd is how many bytes of s belong to a control string: up to and
// including BEL, "ESC \" or the C1 string terminator U+009C.
func stringEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c:
			return i + 2
		}
	}
	return len(s)
}

// safeWriter is the last line of defence behind termSafe: everything the
// commands print on standard output and standard error goes through it, so
// a table or message that forgot termSafe (or a command added later) still
// cannot send an escape sequence or control character to the terminal. It
// keeps newlines, tabs, carriage returns and the one sequence the progress
// line uses (ESC[K, erase to the end of the line), and replaces every other
// C0/C1 control character and DEL with U+FFFD. --json output is unaffected:
// encoding/json never writes those characters raw.
type safeWriter struct{ w io.Writer }

const eraseLine = "\x1b[K"

func (s safeWriter) Write(p []byte) (int, error) {
	if safeBytes(p) {
		return s.w.Write(p)
	}
	var b bytes.Buffer
	b.Grow(len(p) + 8)
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\n' || c == '\t' || c == '\r' || c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		case c == 0x1b && bytes.HasPrefix(p[i:], []byte(eraseLine)):
			b.WriteString(eraseLine)
			i += len(eraseLine) - 1
		case c == 0xc2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] < 0xa0: // a C1 control
			b.WriteRune(utf8.RuneError)
			i++
		case c >= 0x80:
			b.WriteByte(c)
		default:
			b.WriteRune(utf8.RuneError)
		}
	}
	if _, err := s.w.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// safeBytes reports whether p needs no change.
func safeBytes(p []byte) bool {
	for i, c := range p {
		if c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0x7f {
			return false
		}
		if c == 0xc2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] < 0xa0 {
			return false
		}
	}
	return true
}
