package wording

import (
	"math"
	"strconv"
	"time"
)

// Ago says how long before now t was, in calendar days of now's time zone:
// "never" for the zero time, "today", "yesterday", "9 days ago" (up to 59),
// "3 months ago" (30-day months, up to 11), "over a year ago", "over 3 years
// ago". A t after now (clock skew) reads "today".
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

// AgoShort is Ago to the minute within the last 24 hours — "just now" (under
// a minute, or t after now), "5 minutes ago", "3 hours ago" — and Ago's
// calendar days before that: the wording of "Last sync: …" in the menu and
// the CLI.
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

// Duration is a rough length of time, for estimates such as "about 35
// minutes left": "a minute" (under 30 seconds), "1 minute", "N minutes" up
// to 89, then whole hours ("2 hours"), each rounded to the nearest. Hours are
// counted from the rounded minutes, so 89.5 minutes read "2 hours", never
// "1 hours".
func Duration(d time.Duration) string {
	switch m := int(math.Round(d.Minutes())); {
	case m < 1:
		return "a minute"
	case m == 1:
		return "1 minute"
	case m < 90:
		return strconv.Itoa(m) + " minutes"
	default:
		return strconv.Itoa((m+30)/60) + " hours"
	}
}
