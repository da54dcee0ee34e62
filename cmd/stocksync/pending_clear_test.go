package main

import (
	"strings"
	"testing"
)

// Newcomer item 2: --clear empties fields of a pending upload (a blank
// value stays a usage error), says what they held and how to put it back.
func TestPendingEditClear(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 {
		t.Fatalf("add: exit %d %s", code, stderr)
	}
	before := e.pending(t)[0]
	if len(before.Keywords) == 0 || before.Description == "" {
		t.Fatalf("fixture has no keywords or description: %+v", before)
	}
	for _, bad := range [][]string{
		{"--keywords", ""},
		{"--clear", ""},
		{"--clear", " , "},
		{"--clear", "headline"},
		{"--clear", "keywords", "--keywords", "a"},
		{"--clear", "caption", "--description", "x"},
	} {
		if _, stderr, code := e.run(t, append([]string{"pending", "edit", "1"}, bad...)...); code != exitUsage {
			t.Errorf("pending edit 1 %q: exit %d (want %d), %q", bad, code, exitUsage, stderr)
		}
	}
	if p := e.pending(t)[0]; len(p.Keywords) != len(before.Keywords) || p.Description != before.Description {
		t.Fatalf("a usage error changed the pending upload: %+v", p)
	}
	stdout, stderr, code := e.run(t, "pending", "edit", "1", "--clear", "Caption, keywords")
	if code != 0 {
		t.Fatalf("--clear: exit %d %s", code, stderr)
	}
	p := e.pending(t)[0]
	if p.Description != "" || len(p.Keywords) != 0 || p.Title != before.Title {
		t.Errorf("after --clear: %+v", p)
	}
	want := "To put it back: stocksync --data-dir " + e.data + " pending edit 1 --keywords " + shellQuote(strings.Join(before.Keywords, ", "))
	if !strings.Contains(stdout, "changed: description cleared, keywords cleared") || !strings.Contains(stdout, want) ||
		!strings.Contains(stdout, "The description was: "+before.Description) {
		t.Errorf("--clear output %q, want it to contain %q", stdout, want)
	}
	// Cleared fields are edited: a refresh from the file leaves them empty.
	if _, stderr, code := e.run(t, "add", "--refresh"); code != 0 {
		t.Fatalf("refresh: exit %d %s", code, stderr)
	}
	if p := e.pending(t)[0]; p.Description != "" || len(p.Keywords) != 0 {
		t.Errorf("refresh brought cleared fields back: %+v", p)
	}
	// The printed command puts the keywords back.
	if _, stderr, code := e.run(t, "pending", "edit", "1", "--keywords", strings.Join(before.Keywords, ", ")); code != 0 {
		t.Fatalf("put back: exit %d %s", code, stderr)
	}
	if p := e.pending(t)[0]; strings.Join(p.Keywords, ",") != strings.Join(before.Keywords, ",") {
		t.Errorf("keywords put back %q, want %q", p.Keywords, before.Keywords)
	}
}

// Clearing a field already empty, or setting the value it has, changed
// nothing but said "changed: title cleared".
func TestPendingEditSaysWhenNothingChanged(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 {
		t.Fatalf("add: exit %d %s", code, stderr)
	}
	if out, stderr, code := e.run(t, "pending", "edit", "1", "--clear", "title"); code != 0 || !strings.Contains(out, "changed: title cleared.") {
		t.Fatalf("first clear: exit %d %q %s", code, out, stderr)
	}
	out, _, code := e.run(t, "pending", "edit", "1", "--clear", "title")
	if code != 0 || !strings.Contains(out, "nothing changed (title already empty)") || strings.Contains(out, "changed: title") {
		t.Errorf("second clear: exit %d %q", code, out)
	}
	out, _, code = e.run(t, "pending", "edit", "1", "--title", "Mine", "--clear", "keywords")
	if code != 0 || !strings.Contains(out, "changed: title, keywords cleared.") {
		t.Errorf("title and keywords: exit %d %q", code, out)
	}
	out, _, code = e.run(t, "pending", "edit", "1", "--title", "Mine", "--clear", "keywords")
	if code != 0 || !strings.Contains(out, "nothing changed (title already so, keywords already empty)") {
		t.Errorf("the same again: exit %d %q", code, out)
	}
}
