package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
)

// hostile is text ESP (or a user) could send that a terminal would act on:
// a colour change, a screen clear, a fake second line and a hyperlink.
const hostile = "\x1b[31mRed\x1b[0m title\nFAKE LINE\x1b[2J \x1b]8;;http://evil\x07link\x1b]8;;\x07"

func assertTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\x07") || strings.Contains(out, "\nFAKE LINE") {
		t.Errorf("%s printed control text raw: %q", what, out)
	}
}

// Issue 12 item 9: titles and review notes from ESP holding newlines and
// escape sequences are shown sanitised in tables and exact in --json.
func TestListIsTerminalSafe(t *testing.T) {
	srv, dir := cliServer(t, espfake.Options{Seed: 11, Batches: 2, ContributionsPerBatch: 3, StatusMix: espfake.StatusMix{Pending: 1}})
	b := srv.BatchIDs()[0]
	id := srv.ContributionIDs(b)[0]
	title := hostile
	if err := srv.EditMetadata(b, id, esp.ContributionUpdate{Headline: &title}); err != nil {
		t.Fatal(err)
	}
	other := srv.ContributionIDs(b)[1]
	if err := srv.Submit(b, other); err != nil {
		t.Fatal(err)
	}
	if err := srv.RequestRevision(b, other, []string{"Key\x1b[8mwords"}, hostile); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--json", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync: exit %d: %s", code, errs)
	}
	out, _, code := runCLI(t, "--data-dir", dir, "list", "files")
	if code != 0 || !strings.Contains(out, "Red� title FAKE LINE") {
		t.Errorf("list files: exit %d:\n%s", code, out)
	}
	assertTerminalSafe(t, "list files", out)
	if n := strings.Count(out, "\n"); n != 7 {
		t.Errorf("list files: %d lines, want a header and 6 files:\n%s", n, out)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "list", "reviews")
	assertTerminalSafe(t, "list reviews", out)
	if !strings.Contains(out, other) {
		t.Errorf("list reviews lacks %s:\n%s", other, out)
	}

	// --json keeps the text exactly as ESP sent it.
	out, _, _ = runCLI(t, "--data-dir", dir, "list", "files", "--json")
	found := false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var c store.Contribution
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		if c.ID == id {
			found = c.Headline == hostile
		}
	}
	if !found {
		t.Errorf("list files --json does not carry the exact title:\n%s", out)
	}

	// A title typed by the user: whatever edit decides about it, nothing
	// raw reaches the terminal.
	stdout, stderr, _ := runCLI(t, "--data-dir", dir, "edit", srv.ContributionIDs(b)[2], "--title", hostile)
	assertTerminalSafe(t, "edit", stdout+stderr)
	stdout, stderr, _ = runCLI(t, "--data-dir", dir, "edit", "80\x1b[31m", "--title", "x")
	assertTerminalSafe(t, "edit of an unknown file", stdout+stderr)
}

// Issue 12: empty lists say so; filters that do not apply are usage errors;
// --status matches in any case.
func TestListEmptyFiltersAndCase(t *testing.T) {
	_, dir := cliServer(t, espfake.Options{Seed: 12, Batches: 2, ContributionsPerBatch: 4, StatusMix: espfake.StatusMix{Processed: 1}})
	for _, tc := range []struct{ list, want string }{
		{"pending", "No pending uploads."},
		{"reviews", "No reviews yet"},
		{"edits", "No local edits"},
		{"batches", "No batches yet"},
		{"files", "No files yet"},
	} {
		out, _, code := runCLI(t, "--data-dir", dir, "list", tc.list)
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("list %s on an empty database: exit %d, %q; want %q", tc.list, code, out, tc.want)
		}
		out, _, _ = runCLI(t, "--data-dir", dir, "list", tc.list, "--json")
		if tc.list != "files" && tc.list != "reviews" && strings.TrimSpace(out) != "[]" {
			t.Errorf("list %s --json on an empty database: %q, want []", tc.list, out)
		}
	}
	for _, argv := range [][]string{
		{"list", "batches", "--status", "accepted"},
		{"list", "batches", "--batch", "1"},
		{"list", "pending", "--status", "accepted"},
		{"list", "edits", "--batch", "1"},
	} {
		if _, errs, code := runCLI(t, append([]string{"--data-dir", dir}, argv...)...); code != exitUsage || !strings.Contains(errs, "does not apply") {
			t.Errorf("%q: exit %d, %q; want %d", argv, code, errs, exitUsage)
		}
	}
	if _, errs, code := runCLI(t, "--data-dir", dir, "sync", "--json", "--no-thumbnails"); code != 0 {
		t.Fatalf("sync: exit %d: %s", code, errs)
	}
	count := func(status string) int {
		out, _, code := runCLI(t, "--data-dir", dir, "list", "files", "--status", status, "--json")
		if code != 0 {
			t.Fatalf("--status %q: exit %d", status, code)
		}
		return strings.Count(out, "\n")
	}
	for _, s := range []string{"accepted", "Accepted", "ACCEPTED", "processed", "Processed"} {
		if n := count(s); n != 8 {
			t.Errorf("--status %s: %d files, want 8", s, n)
		}
	}
	if n := count("In review"); n != 0 {
		t.Errorf("--status 'In review': %d files, want 0", n)
	}
	out, _, code := runCLI(t, "--data-dir", dir, "list", "files", "--status", "Rejected")
	if code != 0 || !strings.Contains(out, `No files with status "Rejected".`) {
		t.Errorf("no rejected files: exit %d, %q", code, out)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "list", "files", "--status", "gone")
	if !strings.Contains(out, "States are pending, in_review") {
		t.Errorf("unknown status: %q", out)
	}
}

// Issue 12 item 9: file names with escape sequences were printed raw by add.
func TestAddIsTerminalSafe(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	pics := t.TempDir()
	name := filepath.Join(pics, "evil\x1b[31m\nname.jpg")
	if err := os.WriteFile(name, tinyJPEG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(pics, "gone\x1b]0;owned\x07.jpg")
	// A typed title with an escape sequence is refused, and said safely.
	out, errs, code := runCLI(t, "--data-dir", dir, "add", "--title", "Leaf\x1b[2J", name)
	assertTerminalSafe(t, "add --title", out+errs)
	if code != exitUsage || !strings.Contains(errs, "control character") {
		t.Errorf("add --title with ESC: exit %d, %q; want exit %d naming the control character", code, errs, exitUsage)
	}
	out, errs, _ = runCLI(t, "--data-dir", dir, "add", "--title", "Leaf", name, missing)
	assertTerminalSafe(t, "add", out+errs)
	if !strings.Contains(out, "evil") || !strings.Contains(out, "name.jpg") || !strings.Contains(errs, "gone") {
		t.Errorf("add output:\n%s\n%s", out, errs)
	}
	out, _, _ = runCLI(t, "--data-dir", dir, "list", "pending")
	assertTerminalSafe(t, "list pending", out)
	out, _, _ = runCLI(t, "--data-dir", dir, "list", "pending", "--json")
	var ps []store.PendingUpload
	if err := json.Unmarshal([]byte(out), &ps); err != nil || len(ps) != 1 || ps[0].Path != name {
		t.Errorf("list pending --json: %q, %v", out, err)
	}
}

func tinyJPEG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
