// Package wording turns numbers, counts, sizes and times into the English
// both frontends show: "1,234", "1 file" / "3 files", "1.5 MB", "5 minutes
// ago", "yesterday". It is the one place these words are made, so the menu-bar
// app (core/app's text) and the CLI say the same thing the same way.
//
// Everything here is a pure function of its arguments: no clock is read (the
// caller passes now) and no locale is consulted (the words are English, the
// thousands separator is a comma).
package wording
