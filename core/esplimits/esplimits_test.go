package esplimits

import (
	"strings"
	"testing"
)

func TestHeadline(t *testing.T) {
	for in, want := range map[string]string{
		"Fog over the river at dawn":     "",
		"Café in Zürich – 東京 🍁":          "",
		strings.Repeat("é", 255):         "",
		strings.Repeat("é", 256):         "256 characters: ESP takes at most 255",
		strings.Repeat("x", 120<<10):     "122880 characters",
		"":                               "empty",
		"   ":                            "empty",
		"two\nlines":                     "control character (U+000A at character 4)",
		"\x1b[31mred":                    "U+001B at character 1",
		"bad \xff byte":                  "not valid UTF-8 (at character 5)",
		"a real \uFFFD replacement char": "",
	} {
		err := Headline(in)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("Headline(%.30q) = %v, want %q", in, err, want)
		}
	}
}

func TestCaption(t *testing.T) {
	if err := Caption("First line.\nSecond line.\tTabbed."); err != nil {
		t.Errorf("line breaks: %v", err)
	}
	if err := Caption(""); err != nil {
		t.Errorf("an empty description is allowed: %v", err)
	}
	if err := Caption(strings.Repeat("a", 2001)); err == nil || !strings.Contains(err.Error(), "at most 2000") {
		t.Errorf("2001 characters: %v", err)
	}
	if err := Caption("bell\x07"); err == nil {
		t.Error("a bell character was accepted")
	}
}

func TestKeywords(t *testing.T) {
	kw := make([]string, 50)
	for i := range kw {
		kw[i] = "k"
	}
	if err := Keywords(kw); err != nil {
		t.Errorf("50 keywords: %v", err)
	}
	if err := Keywords(append(kw, "one more")); err == nil || !strings.Contains(err.Error(), "51 keywords: ESP takes at most 50") {
		t.Errorf("51 keywords: %v", err)
	}
	if err := Keywords([]string{"fog", "ri\x1bver"}); err == nil || !strings.Contains(err.Error(), "keyword 2") {
		t.Errorf("control character: %v", err)
	}
	if err := Keywords(nil); err != nil {
		t.Errorf("no keywords: %v", err)
	}
}
