package filemeta

import (
	"strings"
	"unicode/utf8"
)

// cleanText makes embedded text safe to store and show: valid UTF-8, no
// control characters but tab and line breaks, no surrounding space. Writers
// pad IIM values with NULs and XMP with newlines, so both go. C1 controls
// (U+0080–U+009F; U+009B is a terminal's one-character CSI) go too, but
// NEL (U+0085), a line break in EBCDIC-born text, becomes one.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == 0x85:
			return '\n'
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r >= 0x7f && r < 0xa0:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// oneLine is cleanText for a title: ESP's headline is one line, so line
// breaks and tabs become spaces.
func oneLine(s string) string {
	return cleanText(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' || r == 0x85 {
			return ' '
		}
		return r
	}, s))
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = cleanText(s); s != "" {
			return s
		}
	}
	return ""
}

// CleanKeywords trims each keyword, makes line breaks and tabs in it
// spaces, drops empty ones and drops later
// duplicates that differ only in case, keeping the first spelling. It never
// returns nil, so an empty list prints as [] in JSON.
func CleanKeywords(in []string) []string {
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, k := range in {
		k = oneLine(k) // ESP takes a keyword as one token
		if k == "" {
			continue
		}
		key := strings.ToLower(k)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, k)
	}
	return out
}

// SplitKeywords turns a typed list such as "maple, leaf; autumn" into
// cleaned keywords. Commas and semicolons both separate, as in Lightroom's
// and Bridge's keyword fields, and so do line breaks (a list pasted one
// keyword a line).
func SplitKeywords(s string) []string {
	return CleanKeywords(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }))
}

// windows1252 holds the characters Windows-1252 puts at 0x80–0x9F, where
// Latin-1 has invisible C1 controls. Photoshop on Windows writes IIM in
// Windows-1252, and no real caption contains C1 controls, so decoding with
// the superset is right for both. Zero marks the five undefined bytes.
var windows1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// latin1 decodes Latin-1 (Windows-1252) bytes to UTF-8.
func latin1(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xa0 && windows1252[c-0x80] != 0:
			sb.WriteRune(windows1252[c-0x80])
		case c < 0xa0:
			sb.WriteRune(utf8.RuneError)
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}
