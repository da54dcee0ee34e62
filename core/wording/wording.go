package wording

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Count formats n with a comma every three digits: 1234567 → "1,234,567",
// -1234 → "-1,234".
func Count(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Plural is n (as Count) and the word for n things: "1 edit", "0 edits",
// "1,234 pending uploads". one and many are the word's singular and plural
// ("file was", "files were" work too).
func Plural(n int, one, many string) string { return Count(n) + " " + Noun(n, one, many) }

// Noun is the word alone for n things: one when n is 1, else many
// (Noun(5000, "file", "files") → "files", for "1,234 of 5,000 files").
func Noun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// PluralOf is the regular English plural of word: -es after s, x, z, ch and
// sh ("batch" → "batches"), else -s ("file" → "files"). Irregular words
// ("entry") need Plural's explicit many.
func PluralOf(word string) string {
	for _, end := range []string{"s", "x", "z", "ch", "sh"} {
		if strings.HasSuffix(word, end) {
			return word + "es"
		}
	}
	return word + "s"
}

// List joins items as an English list: "a", "a and b", "a, b and c"; no
// items give "".
func List(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Bytes is a size in binary units, labelled as macOS's Finder and most users
// say them: from 1 MB (2^20 bytes) on to one decimal ("1.5 MB", "2048.0 MB":
// no GB step), from 1 KB (2^10) on rounded to a whole KB ("12 KB"), below that
// exactly ("512 bytes", "1 bytes").
func Bytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Percent is a fraction (0 to 1) as a whole percentage, rounded down so that
// work not yet finished never reads "100%": 0.129 → "12%", 0.999 → "99%".
func Percent(fraction float64) string { return fmt.Sprintf("%.0f%%", math.Floor(fraction*100)) }
