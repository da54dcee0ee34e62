package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// runCLICols runs the CLI as if standard output were a terminal cols wide.
func runCLICols(t *testing.T, cols int, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCmd(&globalOptions{columns: func() int { return cols }})
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), errb.String(), finish(&errb, err, false)
}

// Newcomer item 3: list tables wrapped on a terminal (long headlines broke
// the columns). Fitted to the width, the widest text column cut with "…",
// IDs never cut; piped, every row is whole.
func TestListFitsTerminalWidth(t *testing.T) {
	t.Parallel()
	d := datadir.Dir{Root: t.TempDir()}
	ctx := context.Background()
	db, err := store.Open(ctx, d.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	long := "Fog over the river at dawn, seen from the old stone bridge, with a heron standing in the shallows " + strings.Repeat("and more mist ", 8)
	path := "/Users/ann/Pictures/2026/November/river-walk/" + strings.Repeat("fog-", 10) + "0142.jpg"
	for i, title := range []string{long, "短い題名の写真、川の霧と朝日、橋の上から見た風景、鷺が浅瀬に立っている様子"} {
		p := store.PendingUpload{Path: path + string(rune('a'+i)), Title: title, Keywords: []string{"fog"}}
		if _, err := db.AddPendingUpload(ctx, p, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for _, cols := range []int{60, 80, 132} {
		out, errs, code := runCLICols(t, cols, "--data-dir", d.Root, "list", "pending")
		if code != 0 {
			t.Fatalf("list pending: exit %d %s", code, errs)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d columns: %d lines, want 3:\n%s", cols, len(lines), out)
		}
		for _, l := range lines {
			if w := cellWidth(l); w >= cols {
				t.Errorf("%d columns: a line %d wide: %q", cols, w, l)
			}
		}
		if !strings.HasPrefix(lines[1], "1  ") || !strings.HasPrefix(lines[2], "2  ") || !strings.Contains(lines[1], "…") ||
			!strings.HasSuffix(lines[1], "1 keyword") {
			t.Errorf("%d columns: IDs or counts cut, or nothing cut:\n%s", cols, out)
		}
		// The columns stay aligned: KEYWORDS starts at the same column.
		at := func(l, s string) int { return cellWidth(l[:strings.LastIndex(l, s)]) }
		if h, r1, r2 := at(lines[0], "KEYWORDS"), at(lines[1], "1 keyword"), at(lines[2], "1 keyword"); h != r1 || r1 != r2 {
			t.Errorf("%d columns: KEYWORDS at %d, %d, %d:\n%s", cols, h, r1, r2, out)
		}
	}
	// Piped (no terminal): whole rows; --json whole too.
	for _, args := range [][]string{{"list", "pending"}, {"list", "pending", "--json"}} {
		out, _, code := runCLI(t, append([]string{"--data-dir", d.Root}, args...)...)
		if code != 0 || !strings.Contains(out, long) || !strings.Contains(out, path+"a") || strings.Contains(out, "…") {
			t.Errorf("%v piped: exit %d, rows cut:\n%s", args, code, out)
		}
	}
}

// A table whose only long column may not be cut (an ID) is printed whole:
// it wraps rather than lose an ID.
func TestTableNeverCutsIDs(t *testing.T) {
	t.Parallel()
	tb := newTable("ID", "TITLE~")
	id := strings.Repeat("8", 50)
	tb.add(id, "short")
	var b bytes.Buffer
	if err := tb.write(&b, 40); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), id) {
		t.Errorf("ID cut:\n%s", b.String())
	}
	if got := clipWidth("日本語の題名", 7); got != "日本語…" || cellWidth(got) > 7 {
		t.Errorf("clipWidth wide: %q (%d columns)", got, cellWidth(got))
	}
}

// Emoji outside U+1F300–U+1F64F and U+1F900–U+1F9FF (🚀 transport, 🫠 the
// newer ones, ⌚ ✅ the emoji-presentation symbols) take two columns on a
// terminal; counted as one, every cell after them was pushed out of its
// column.
func TestCellWidthEmoji(t *testing.T) {
	for s, want := range map[string]int{
		"🚀": 2, "🫠": 2, "⌚": 2, "✅": 2, "⭐": 2, "🟢": 2, "🈚": 2, "東京": 4, "é": 1, "e\u0301": 1,
		"☺": 1, "→": 1, "✓": 1, "a🚀b": 4,
	} {
		if got := cellWidth(s); got != want {
			t.Errorf("cellWidth(%q) = %d, want %d", s, got, want)
		}
	}
	tb := newTable("ID", "TITLE~", "N")
	tb.add("1", "Launch 🚀🫠 at dawn", "3")
	tb.add("22", "plain", "4")
	var b bytes.Buffer
	if err := tb.write(&b, 0); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	at := func(l, s string) int { return cellWidth(l[:strings.LastIndex(l, s)]) }
	if at(lines[1], "3") != at(lines[0], "N") || at(lines[2], "4") != at(lines[0], "N") {
		t.Errorf("the N column is not aligned:\n%s", b.String())
	}
}

// At 20 to 26 columns the columns of a list do not fit side by side even
// cut to 5: each row wrapped over the next lines and no column could be
// read. Each row is then printed as "HEADER  value" lines, none wider than
// the terminal, IDs and counts whole.
func TestTableTooNarrowPrintsRecords(t *testing.T) {
	t.Parallel()
	tb := newTable("ID", "FILE~", "TITLE~", "KEYWORDS")
	tb.add("1", "/Users/ann/Pictures/river/fog-0142.jpg", "Fog over the river at dawn 🚀 東京", "12 keywords")
	tb.add("22", "/Users/ann/b.jpg", "", "0 keywords")
	for _, cols := range []int{22, 26} {
		var b bytes.Buffer
		if err := tb.write(&b, cols); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if w := cellWidth(l); w >= cols {
				t.Errorf("%d columns: a line %d wide: %q", cols, w, l)
			}
		}
		for _, want := range []string{"ID        1\n", "KEYWORDS  12 keywords\n", "\n\nID        22\n", "TITLE\n", "FILE      /Users"} {
			if !strings.Contains(out, want) {
				t.Errorf("%d columns: no %q in\n%s", cols, want, out)
			}
		}
	}
	// Wide enough: the usual one line per row.
	var b bytes.Buffer
	if err := tb.write(&b, 60); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 3 {
		t.Errorf("60 columns: %d lines, want 3:\n%s", n, b.String())
	}
}
