package reminder

import (
	"strconv"
	"strings"
	"time"
)

// Ago says how long ago t was, in calendar days of now's time zone: "never"
// for the zero time, "today", "yesterday", "9 days ago", "3 months ago",
// "over a year ago". A t after now (clock skew) reads "today".
func Ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	days := calendarDays(t.In(now.Location()), now)
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "yesterday"
	case days < 60:
		return strconv.Itoa(days) + " days ago"
	case days < 365:
		return strconv.Itoa(min(days/30, 11)) + " months ago"
	case days < 2*365:
		return "over a year ago"
	}
	return "over " + strconv.Itoa(days/365) + " years ago"
}

// AgoShort is Ago to the minute within the last day — "just now",
// "5 minutes ago", "3 hours ago" — and Ago's calendar days before that: the
// wording of "Last sync: …" in the menu and the CLI.
func AgoShort(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return Plural(int(d/time.Minute), "minute", "minutes") + " ago"
	case d < 24*time.Hour:
		return Plural(int(d/time.Hour), "hour", "hours") + " ago"
	}
	return Ago(now, t)
}

// calendarDays counts midnights between from and to, by date so that a
// daylight-saving change does not make a day 23 or 25 hours long.
func calendarDays(from, to time.Time) int {
	y1, m1, d1 := from.Date()
	y2, m2, d2 := to.Date()
	a := time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)
	b := time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// Count formats n with thousands separators: 1234567 → "1,234,567".
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

// Plural returns "1 edit", "2 edits", "1,234 pending uploads".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Count(n) + " " + many
}

// joinList joins "a", "a and b", "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
