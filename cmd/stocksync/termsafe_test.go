package main

import (
	"strings"
	"testing"
)

func TestTermSafe(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Fog over the river":                     "Fog over the river",
		"Café – 東京 🍁":                            "Café – 東京 🍁",
		"line one\nline two":                     "line one line two",
		"a\r\nb\tc":                              "a  b c",
		"\x1b[31mred\x1b[0m":                     "�red�",
		"\x1b[2J\x1b[Hclear":                     "��clear",
		"\x1b]8;;http://x\x07link\x1b]8;;\x1b\\": "�link�",
		"\x1b]0;title":                           "�",
		"bell\x07":                               "bell�",
		"nul\x00":                                "nul�",
		"del\x7f":                                "del�",
		"c1 \u009b31m csi":                       "c1 � csi",
		"bidi \u202eevil":                        "bidi �evil",
		"bad \xff utf8":                          "bad � utf8",
		"esc at end \x1b":                        "esc at end �",
		"\x1bc reset":                            "� reset",
		"family 👩\u200d👩\u200d👧":                 "family 👩\u200d👩\u200d👧",
		"":                                       "",
	} {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzTermSafe(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred", "\x1b]8;;u\x07", "a\nb", "\xff", "\u009b1m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := termSafe(s)
		for _, r := range got {
			if r == 0x1b || r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x202e {
				t.Fatalf("termSafe(%q) = %q keeps %U", s, got, r)
			}
		}
		if termSafe(got) != got {
			t.Fatalf("termSafe is not idempotent on %q", s)
		}
	})
}

func TestSafeWriter(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain table\tcell\n":            "plain table\tcell\n",
		"\rSyncing  45% 1/2\x1b[K":       "\rSyncing  45% 1/2\x1b[K",
		"title \x1b[31mred\x1b[0m\n":     "title �[31mred�[0m\n",
		"bell\x07 nul\x00 del\x7f":       "bell� nul� del�",
		"c1 \u009b31m, é and 東京 stay\n":  "c1 �31m, é and 東京 stay\n",
		"osc \x1b]8;;http://x\x07link\n": "osc �]8;;http://x�link\n",
		"{\"title\": \"\\u001b[31m\"}\n": "{\"title\": \"\\u001b[31m\"}\n",
	} {
		var b strings.Builder
		n, err := safeWriter{&b}.Write([]byte(in))
		if err != nil || n != len(in) || b.String() != want {
			t.Errorf("Write(%q) = %d, %v, wrote %q; want %q", in, n, err, b.String(), want)
		}
	}
}
