package main

import (
	"os/exec"
	"strings"
	"testing"
)

// A printed command (the put-back of `pending edit --clear`, `unlink`'s
// `link`, a restore) quoted a value holding a line break or tab as
// '…', which termSafe then printed with a space instead: pasted, it set a
// different value. Such values are quoted $'…' with escapes: safe on the
// terminal, and a shell gives back the exact value.
func TestShellQuoteRoundTrips(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	for _, s := range []string{
		"plain", "/Users/ann/My Pictures/a.jpg", "it's", "Line one\nLine two\ttabbed", "back\\slash 'q' \r end",
		"esc \x1b[31mred", "bidi \u202eevil", "東京 🚀", "bad \xff byte", "del\x7f",
	} {
		q := shellQuote(s)
		if termSafe(q) != q {
			t.Errorf("shellQuote(%q) = %q is not terminal-safe", s, q)
		}
		if strings.ContainsAny(q, "\n\t") {
			t.Errorf("shellQuote(%q) = %q spans lines or holds a tab", s, q)
		}
		out, err := exec.Command(bash, "-c", "printf %s "+q).Output()
		if err != nil || string(out) != s {
			t.Errorf("bash gives %q for shellQuote(%q) = %s (%v)", out, s, q, err)
		}
	}
}
