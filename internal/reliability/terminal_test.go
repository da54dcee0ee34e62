package reliability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// terminalHostile is text that would act on a terminal if printed raw: a
// colour change, a screen clear, a title change, a hyperlink, a fake second
// line, a bidi override and a bell.
const terminalHostile = "\x1b[31mRed\x1b[0m \x1b[2J\x1b]0;owned\x07\x1b]8;;http://evil.example\x07link\x1b]8;;\x07\nFAKE LINE\r\u202eevil\x07"

// rawControl names the first byte of s a terminal would act on: a C0
// control other than newline, tab and carriage return (those are how
// output is laid out), DEL, or a C1 control.
func rawControl(s string) string {
	for i, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return fmt.Sprintf("%U at byte %d", r, i)
		}
	}
	return ""
}

// TestTerminalInjection (issue 12, item 9): titles, descriptions, keywords,
// batch names and review notes from ESP, and file names and titles typed
// by the user, are printed by every human-readable command with no escape
// sequence or control character reaching the terminal, and exactly in
// --json.
func TestTerminalInjection(t *testing.T) {
	e := newEnv(t, envOptions{proxy: true, server: espfake.Options{Seed: 31, Batches: 3, ContributionsPerBatch: 4,
		StatusMix: espfake.StatusMix{Pending: 0.5, Revisable: 0.5}}})
	e.px.setRewrite(func(endpoint string, v any) any {
		walkJSON(v, func(m map[string]any) {
			switch {
			case endpoint == esp.EndpointBatchesList || endpoint == esp.EndpointBatchesGet:
				if _, ok := m["submission_name"]; ok {
					m["submission_name"] = terminalHostile
				}
			case endpoint == esp.EndpointContributionsList || endpoint == esp.EndpointContributionsGet:
				if _, ok := m["submission_batch_id"]; ok {
					m["headline"], m["caption"], m["keywords"] = terminalHostile, terminalHostile, []any{terminalHostile, "fog"}
				}
				if _, ok := m["outcome"]; ok {
					m["notes"] = terminalHostile
				}
			}
		})
		return v
	})
	e.mustRun("sync", "--json", "--no-thumbnails")
	photo := filepath.Join(e.root, "pics", "evil\x1b[31m\nname.jpg")
	os.MkdirAll(filepath.Dir(photo), 0o700)
	if err := os.WriteFile(photo, tinyJPEGBytes(t), 0o600); err != nil {
		t.Fatal(err)
	}

	var problems []string
	commands := [][]string{
		{"list", "batches"}, {"list", "files"}, {"list", "reviews"}, {"list", "edits"}, {"status"}, {"thumbnails"},
		{"add", "--title", "Leaf\x1b[2J", photo, photo + "\x1b]0;gone\x07"}, {"list", "pending"},
		{"edit", "80000001\x1b[31m", "--title", terminalHostile}, {"link", "\x1b[31m", photo},
		{"no-such-command\x1b[31m"}, {"check"}, {"backup", "status"},
	}
	for _, argv := range commands {
		r := e.run(argv...)
		if strings.Contains(r.stderr, "panic:") {
			problems = append(problems, fmt.Sprintf("stocksync %q panicked", argv))
		}
		if c := rawControl(r.stdout + r.stderr); c != "" {
			problems = append(problems, fmt.Sprintf("stocksync %q printed %s raw: %q", argv, c, tail(r.stdout+r.stderr, 200)))
		}
	}
	// --json carries the text exactly.
	r := e.mustRun("list", "files", "--json")
	exact := 0
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c struct {
			Title string `json:"title"`
		}
		if json.Unmarshal(sc.Bytes(), &c) == nil && c.Title == terminalHostile {
			exact++
		}
	}
	if exact != 12 {
		problems = append(problems, fmt.Sprintf("list files --json carried the exact title for %d of 12 files", exact))
	}
	report(t, record{Group: "hostile", Name: fmt.Sprintf("terminal injection: escape sequences, control characters and bidi overrides in ESP's text and the user's, under %d commands; exact in --json", len(commands)),
		OK: len(problems) == 0, Detail: strings.Join(problems, "; "), Counts: map[string]int{"commands": len(commands)}})
	for _, p := range problems {
		t.Error(p)
	}
}

func tinyJPEGBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
