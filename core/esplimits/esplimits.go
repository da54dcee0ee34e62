package esplimits

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ESP's limits on a metadata update (docs/esp-api.md), in characters
// (Unicode code points) and keywords.
const (
	MaxHeadline = 255  // ESP headline (the title)
	MaxCaption  = 2000 // ESP caption (the description)
	MaxKeywords = 50   // keywords per file
)

// Headline checks a title (ESP `headline`): not empty, at most MaxHeadline
// characters, valid UTF-8, one line without control characters.
func Headline(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("the title is empty: ESP needs a title")
	}
	if err := text("title", s, false); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(s); n > MaxHeadline {
		return fmt.Errorf("the title has %d characters: ESP takes at most %d", n, MaxHeadline)
	}
	return nil
}

// Caption checks a description (ESP `caption`): at most MaxCaption
// characters, valid UTF-8, no control characters other than line breaks.
func Caption(s string) error {
	if err := text("description", s, true); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(s); n > MaxCaption {
		return fmt.Errorf("the description has %d characters: ESP takes at most %d", n, MaxCaption)
	}
	return nil
}

// Keywords checks a keyword list (ESP `keywords`): at most MaxKeywords,
// each a non-empty single line of valid UTF-8 without control characters.
func Keywords(kw []string) error {
	if len(kw) > MaxKeywords {
		return fmt.Errorf("%d keywords: ESP takes at most %d per file", len(kw), MaxKeywords)
	}
	for i, k := range kw {
		if strings.TrimSpace(k) == "" {
			return fmt.Errorf("keyword %d is empty", i+1)
		}
		if err := text(fmt.Sprintf("keyword %d", i+1), k, false); err != nil {
			return err
		}
	}
	return nil
}

// text refuses invalid UTF-8 and control characters (line breaks only when
// multiline), naming where the first one is.
func text(what, s string, multiline bool) error {
	pos := 0
	for i, r := range s {
		pos++
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return fmt.Errorf("the %s is not valid UTF-8 (at character %d): retype it, or check the terminal's encoding", what, pos)
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r):
			return fmt.Errorf("the %s holds a control character (%U at character %d): ESP does not take line breaks, tabs or escape sequences there", what, r, pos)
		}
	}
	return nil
}
