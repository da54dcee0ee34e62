package main

import (
	"strings"
	"unicode"
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

// unsafeRune reports control characters (C0, DEL, C1), bidi controls that
// reorder what follows, and other invisible format characters that could hide
// text (Unicode category Cf, except the zero-width joiner emoji need).
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x200d: // zero-width joiner: part of many emoji
		return false
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	}
	return unicode.Is(unicode.Cf, r)
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
