package wording

import "testing"

func TestCount(t *testing.T) {
	tests := map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234: "1,234", 12345: "12,345",
		123456: "123,456", 1234567: "1,234,567", -1234: "-1,234", -12: "-12"}
	for n, want := range tests {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPluralAndNoun(t *testing.T) {
	for _, tt := range []struct {
		n         int
		one, many string
		plural    string
		noun      string
	}{
		{0, "edit", "edits", "0 edits", "edits"},
		{1, "edit", "edits", "1 edit", "edit"},
		{2, "file was", "files were", "2 files were", "files were"},
		{1234, "pending upload", "pending uploads", "1,234 pending uploads", "pending uploads"},
		{-1, "file", "files", "-1 files", "files"},
	} {
		if got := Plural(tt.n, tt.one, tt.many); got != tt.plural {
			t.Errorf("Plural(%d, %q, %q) = %q, want %q", tt.n, tt.one, tt.many, got, tt.plural)
		}
		if got := Noun(tt.n, tt.one, tt.many); got != tt.noun {
			t.Errorf("Noun(%d, %q, %q) = %q, want %q", tt.n, tt.one, tt.many, got, tt.noun)
		}
	}
}

func TestPluralOf(t *testing.T) {
	for word, want := range map[string]string{"file": "files", "batch": "batches", "status": "statuses",
		"box": "boxes", "buzz": "buzzes", "crash": "crashes", "minute": "minutes", "day": "days"} {
		if got := PluralOf(word); got != want {
			t.Errorf("PluralOf(%q) = %q, want %q", word, got, want)
		}
	}
}

func TestList(t *testing.T) {
	for _, tt := range []struct {
		items []string
		want  string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a and b"},
		{[]string{"a", "b", "c"}, "a, b and c"},
	} {
		if got := List(tt.items); got != tt.want {
			t.Errorf("List(%q) = %q, want %q", tt.items, got, tt.want)
		}
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 512: "512 bytes", 1023: "1023 bytes",
		1024: "1 KB", 1535: "1 KB", 1536: "2 KB", 12 * 1024: "12 KB", 1<<20 - 1: "1024 KB",
		1 << 20: "1.0 MB", 3 << 19: "1.5 MB", 5 << 30: "5120.0 MB",
	} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	for f, want := range map[float64]string{0: "0%", 0.129: "12%", 0.4: "40%", 0.999: "99%", 1: "100%"} {
		if got := Percent(f); got != want {
			t.Errorf("Percent(%v) = %q, want %q", f, got, want)
		}
	}
}
