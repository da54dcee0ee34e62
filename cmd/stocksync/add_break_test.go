package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// A file moved or renamed after add: --refresh failed on its old path with
// "no such file" forever, and adding the new path said "same content as
// pending upload 1 (old path)", so the pending upload could never be read
// again. Now refresh says what to do, and adding the new path moves the
// pending upload there, keeping its ID and edits.
func TestAddFollowsAMovedFile(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	old := e.photo("maple.jpg")
	if _, stderr, code := e.run(t, "add", old); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := e.run(t, "pending", "edit", "1", "--title", "Mine"); code != 0 {
		t.Fatal(stderr)
	}
	if err := os.Mkdir(e.photo("sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(e.photos, "sub", "renamed.jpg")
	if err := os.Rename(old, moved); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := e.run(t, "add", "--refresh")
	want := "stocksync: cannot refresh " + old + " (pending upload 1): the file is no longer there. If it moved, " +
		"`stocksync add NEW-PATH` points the pending upload at it; `stocksync pending remove 1` takes it off the list\n"
	if code != 1 || stderr != want {
		t.Errorf("refresh of a moved file: exit %d, stderr\n got %q\nwant %q", code, stderr, want)
	}
	stdout, stderr, code := e.run(t, "add", moved)
	if code != 0 || stderr != "" ||
		stdout != "moved "+moved+" — pending upload 1 was "+old+", which is no longer there\n1 moved.\n" {
		t.Errorf("add at the new path: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	p := e.pending(t)
	if len(p) != 1 || p[0].ID != 1 || p[0].Path != moved || p[0].Title != "Mine" || !reflect.DeepEqual(p[0].Keywords, addMapleKeywords) {
		t.Fatalf("pending %+v", p)
	}
	if stdout, stderr, code := e.run(t, "add", "--refresh"); code != 0 || stdout != "unchanged "+moved+" — pending upload 1\n1 unchanged.\n" {
		t.Errorf("refresh after the move: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// A copy of a file that is still there is not a move.
	b, _ := os.ReadFile(moved)
	cp := e.photo("copy.jpg")
	if err := os.WriteFile(cp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, _ := e.run(t, "add", cp); !strings.Contains(stderr, "has the same content as pending upload 1") {
		t.Errorf("copy: stderr %q", stderr)
	}
}

// --refresh with --title was accepted and the title silently ignored.
func TestAddRefreshTakesNoOverrides(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 {
		t.Fatal(stderr)
	}
	for _, flag := range []string{"--title", "--description", "--keywords"} {
		_, stderr, code := e.run(t, "add", "--refresh", flag, "x", e.photo("maple.jpg"))
		if code != exitUsage || !strings.Contains(stderr, "--refresh re-reads what the files say, so it takes no --title, --description or --keywords") {
			t.Errorf("%s: exit %d, stderr %q", flag, code, stderr)
		}
	}
	if p := e.pending(t); p[0].Title != "Red maple leaf" || p[0].Edited != nil {
		t.Errorf("pending %+v", p[0])
	}
}

// Typed values went to the store as typed: an escape sequence or a bell in
// a title, a line break in a headline, bytes that are not UTF-8. They are
// refused, naming the flag; captions keep line breaks (CR LF becomes LF)
// and keywords pasted one a line are split.
func TestTypedValuesAreChecked(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"add", "--title", "bad\x1b[31m", e.photo("maple.jpg")}, "stocksync: --title contains the control character U+001B; type plain text\n"},
		{[]string{"add", "--description", "ok\x07", e.photo("maple.jpg")}, "stocksync: --description contains the control character U+0007; type plain text\n"},
		{[]string{"add", "--keywords", "a, b\x00", e.photo("maple.jpg")}, "stocksync: --keywords contains the control character U+0000; type plain text\n"},
		{[]string{"add", "--title", "caf\xe9", e.photo("maple.jpg")}, "stocksync: --title is not valid UTF-8 text; check the terminal's text encoding\n"},
		{[]string{"add", "--title", "two\nlines", e.photo("maple.jpg")}, "stocksync: --title must be one line: it contains a line break or tab\n"},
	} {
		if _, stderr, code := e.run(t, tt.args...); code != exitUsage || stderr != tt.want {
			t.Errorf("%q: exit %d, stderr %q, want %q", tt.args, code, stderr, tt.want)
		}
	}
	if p := e.pending(t); len(p) != 0 {
		t.Fatalf("refused input was stored: %+v", p)
	}
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 {
		t.Fatal(stderr)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"pending", "edit", "1", "--title", "a\tb"}, "stocksync: --title must be one line: it contains a line break or tab\n"},
		{[]string{"pending", "edit", "1", "--caption", "\x1b]0;pwned\x07"}, "stocksync: --caption contains the control character U+001B; type plain text\n"},
		{[]string{"pending", "edit", "1", "--keywords", "\xff"}, "stocksync: --keywords is not valid UTF-8 text; check the terminal's text encoding\n"},
	} {
		if _, stderr, code := e.run(t, tt.args...); code != exitUsage || stderr != tt.want {
			t.Errorf("%q: exit %d, stderr %q, want %q", tt.args, code, stderr, tt.want)
		}
	}
	if _, stderr, code := e.run(t, "pending", "edit", "1", "--caption", "Line one\r\nLine two\tend\n", "--keywords", "one\ntwo\r\nthree, four"); code != 0 {
		t.Fatal(stderr)
	}
	p := e.pending(t)[0]
	if p.Description != "Line one\nLine two\tend" || !reflect.DeepEqual(p.Keywords, []string{"one", "two", "three", "four"}) || p.Title != "Red maple leaf" {
		t.Errorf("stored %q / %q / %q", p.Title, p.Description, p.Keywords)
	}
}

// Notes and warnings were printed for files not added (a duplicate got the
// "title is the file's Headline" note before "not added again"), and the
// note named the file's Headline when --title replaced it.
func TestAddNotesOnlyForWhatIsStored(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	sidecar := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Headline="The headline">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">SLUG_0042</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`
	for _, name := range []string{"maple.xmp", "scan.xmp"} {
		if err := os.WriteFile(e.photo(name), []byte(sidecar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	note := "stocksync: note: " + e.photo("maple.jpg") + ": the title is the file's Headline; its Title “SLUG_0042” was not used (setting title_order)\n"
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 || stderr != note {
		t.Errorf("first add: exit %d, stderr %q, want %q", code, stderr, note)
	}
	want := "stocksync: " + e.photo("maple.jpg") + " is already pending upload 1; `stocksync add --refresh` re-reads it\n"
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 || stderr != want {
		t.Errorf("again: exit %d, stderr %q, want %q", code, stderr, want)
	}
	if _, stderr, code := e.run(t, "add", "--title", "Typed", e.photo("scan.tif")); code != 0 || stderr != "" {
		t.Errorf("--title: exit %d, stderr %q, want none", code, stderr)
	}
}

// A sidecar that exists but cannot be read was skipped silently: the file
// was added without the titles and keywords kept there.
func TestAddUnreadableSidecarFails(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	sidecar := e.photo("scan.xmp")
	if err := os.Symlink(sidecar, sidecar); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := e.run(t, "add", e.photo("scan.tif"))
	want := "stocksync: cannot add " + e.photo("scan.tif") + ": its XMP sidecar " + sidecar +
		" cannot be read: it is a symbolic link that loops back on itself\n"
	if code != 1 || stderr != want {
		t.Errorf("exit %d, stderr\n got %q\nwant %q", code, stderr, want)
	}
	if p := e.pending(t); len(p) != 0 {
		t.Errorf("added without its sidecar: %+v", p)
	}
}

// An unreadable file printed Go's "read metadata: open /path: permission
// denied". (Checked on the wording: tests may run as root.)
func TestFileErrorWording(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: "/p/a.jpg", Err: syscall.EACCES},
			"cannot add a.jpg: permission denied: Stocksync may not read it (check the file's permissions; on macOS, that Stocksync may open files in this folder)"},
		{&fs.PathError{Op: "read", Path: "/p/a.jpg", Err: syscall.EIO},
			"cannot add a.jpg: the disk reported an input/output error while reading it (a damaged disk, or a drive or network volume that was disconnected)"},
		{&fs.PathError{Op: "open", Path: "/p/a.jpg", Err: syscall.ENOENT},
			"cannot add a.jpg: it is no longer there (moved or deleted while it was being read)"},
	} {
		if got := fileError("a.jpg", tt.err).Error(); got != tt.want {
			t.Errorf("fileError(%v)\n got %q\nwant %q", tt.err, got, tt.want)
		}
	}
}

// The file's bytes are hashed after its metadata is read; a file still
// being written in between is refused rather than stored with a hash that
// does not match what was read.
func TestSameFileSeesAChange(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	p := e.photo("maple.jpg")
	before, _ := os.Stat(p)
	again, _ := os.Stat(p)
	if !sameFile(before, again) {
		t.Error("an unchanged file counts as changed")
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0})
	f.Close()
	after, _ := os.Stat(p)
	if sameFile(before, after) {
		t.Error("a file that grew counts as unchanged")
	}
}

// A name with a line break was shown with a space, one with an escape
// sequence with U+FFFD: safe, but not the name, so it could not be
// copied back. Such names are shown Go-quoted; `add ""` added the working
// folder's name as "cannot add : it is a folder".
func TestAddShowsOddNamesExactly(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	b, _ := os.ReadFile(e.photo("maple.jpg"))
	odd := e.photo("new\nline\x1b[31m.jpg")
	if err := os.WriteFile(odd, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// (`add ""` is a usage error before any file is read: TestBlankValuesAreUsageErrors.)
	stdout, stderr, code := e.run(t, "add", odd, e.photo("gone\x1b[2J.jpg"))
	if want := "added " + strconvQuote(odd) + " — “Red maple leaf” · 5 keywords\n"; code != exitPartial || !strings.HasPrefix(stdout, want) {
		t.Errorf("exit %d, stdout %q, want %q first", code, stdout, want)
	}
	want := "stocksync: cannot add " + strconvQuote(e.photo("gone\x1b[2J.jpg")) + ": no such file\n"
	if stderr != want {
		t.Errorf("stderr\n got %q\nwant %q", stderr, want)
	}
	if got := shownPath("Zürich 東京.jpg"); got != "Zürich 東京.jpg" {
		t.Errorf("printable name changed: %q", got)
	}
	if got := shownPath("a\u202eb.jpg"); got != `"a\u202eb.jpg"` {
		t.Errorf("bidi override: %q", got)
	}
}

func strconvQuote(s string) string { return strconv.Quote(s) }

// Ctrl-C during add printed "begin write in …: context canceled" as a
// failed file, then Go's "context canceled", exit 1. It stops, sums up what
// was stored, and exits 130 as `sync` does.
func TestAddInterrupted(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, datadir.Dir{Root: e.data}.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	calls := 0
	now := func() time.Time {
		// Ctrl-C arrives while the second file is being stored.
		if calls++; calls == 2 {
			cancel()
		}
		return addT0
	}
	var out, errOut bytes.Buffer
	err = addFiles(ctx, db, []string{e.photo("maple.jpg"), e.photo("leaf.png"), e.photo("scan.tif")}, addRun{now: now}, &out, &errOut)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitInterrupted ||
		ee.msg != "add interrupted; what is listed above was stored, run the same command again for the rest" {
		t.Errorf("err = %v, want exit %d", err, exitInterrupted)
	}
	if !strings.HasSuffix(out.String(), "Added 1 pending upload.\n") || strings.Contains(errOut.String(), "canceled") {
		t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
	}
	if p := e.pending(t); len(p) != 1 || p[0].Path != e.photo("maple.jpg") {
		t.Errorf("pending %+v", p)
	}
}

// A sidecar named alone was "read with the image beside it" even with no
// image there, and add exited 0 having added nothing.
func TestAddSidecarAlone(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	for _, name := range []string{"scan.xmp", "lonely.xmp"} {
		if err := os.WriteFile(e.photo(name), []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code := e.run(t, "add", e.photo("lonely.xmp"), e.photo("scan.xmp"))
	want := "stocksync: cannot add " + e.photo("lonely.xmp") + ": it is an XMP sidecar, and there is no image or video beside it with its name to read it with\n" +
		"stocksync: cannot add " + e.photo("scan.xmp") + ": it is an XMP sidecar; add " + e.photo("scan.tif") + ", and the sidecar is read with it\n"
	if code != 1 || stderr != want || stdout != "Nothing added: 2 files failed.\n" {
		t.Errorf("exit %d, stdout %q, stderr\n got %q\nwant %q", code, stdout, stderr, want)
	}
}

// A moved file that reads differently at its new place (a sidecar beside
// it) takes the new fields, as --refresh would; edited fields stay.
func TestAddMovedFileTakesWhatItSaysNow(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	old := e.photo("maple.jpg")
	if _, stderr, code := e.run(t, "add", old); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := e.run(t, "pending", "edit", "1", "--caption", "My caption"); code != 0 {
		t.Fatal(stderr)
	}
	moved := e.photo("renamed.jpg")
	if err := os.Rename(old, moved); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.photo("renamed.xmp"), []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Headline="Sidecar headline">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Sidecar caption</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>`), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := e.run(t, "add", moved)
	if want := "moved " + moved + " — pending upload 1 was " + old + ", which is no longer there; title updated from the file\n1 moved.\n"; code != 0 || stdout != want {
		t.Errorf("exit %d, stdout %q, want %q; stderr %q", code, stdout, want, stderr)
	}
	p := e.pending(t)
	if len(p) != 1 || p[0].Title != "Sidecar headline" || p[0].Description != "My caption" || p[0].SidecarHash == "" {
		t.Errorf("pending %+v", p)
	}
}

// `pending edit` and `pending remove` without an ID gave cobra's "accepts 1
// arg(s), received 0", exit 1. (Several IDs are fine: partial_test.go.)
func TestPendingNeedsOneID(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"pending", "edit", "--title", "x"}, "stocksync: name the pending upload: stocksync pending edit ID --title T, --description D, --keywords \"a, b\" or --clear FIELDS (IDs are in the first column of `stocksync pending list`)\n"},
		{[]string{"pending", "remove"}, "stocksync: name the pending upload: stocksync pending remove ID (IDs are in the first column of `stocksync pending list`)\n"},
	} {
		// The CLI adds the command's usage line to every usage error.
		if _, stderr, code := e.run(t, tt.args...); code != exitUsage || !strings.HasPrefix(stderr, strings.TrimSuffix(tt.want, "\n")+"; usage: ") {
			t.Errorf("%q: exit %d, stderr %q, want %q", tt.args, code, stderr, tt.want)
		}
	}
}

// `add --title T FILE` on a file already pending said "`stocksync add
// --refresh` re-reads it", and --refresh takes no --title: the way to
// change it is `pending edit`.
func TestAddOverrideOnAPendingFile(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 {
		t.Fatal(stderr)
	}
	_, stderr, code := e.run(t, "add", "--title", "Better", e.photo("maple.jpg"))
	want := "stocksync: " + e.photo("maple.jpg") + " is already pending upload 1, left as it was; change it with `stocksync pending edit 1`\n"
	if code != 0 || stderr != want {
		t.Errorf("exit %d, stderr %q, want %q", code, stderr, want)
	}
}

// `pending edit` of a removed pending upload said "there is no pending
// upload 1", as for an ID never used.
func TestPendingRemovedIDIsSaid(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := e.run(t, "pending", "remove", "1"); code != 0 {
		t.Fatal(stderr)
	}
	_, stderr, code := e.run(t, "pending", "edit", "1", "--title", "x")
	want := "stocksync: pending upload 1 (" + e.photo("maple.jpg") + ") was removed on " + addT0.Local().Format("2006-01-02 15:04") +
		"; `stocksync restore SNAPSHOT --local-only` with a snapshot taken since brings it back\n"
	if code != 1 || stderr != want {
		t.Errorf("exit %d, stderr\n got %q\nwant %q", code, stderr, want)
	}
	if _, stderr, _ := e.run(t, "pending", "remove", "2"); stderr != "stocksync: there is no pending upload 2; `stocksync pending list` shows the IDs\n" {
		t.Errorf("unknown ID: %q", stderr)
	}
}

// The image of a sidecar is found by probing extensions, in lower case
// first; on a Mac's case-insensitive disk that finds "a.jpg" for a file
// named "a.JPG" on the command line, which must still count as named.
func TestSidecarArgFoldsCase(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	side := e.photo("scan.xmp")
	if err := os.WriteFile(side, []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg := sidecarArg(side, map[string]bool{strings.ToLower(e.photo("SCAN.tif")): true}); msg != "" {
		t.Errorf("image named in another case: %q", msg)
	}
}

// A name longer than the file system allows said "cannot follow its
// symbolic links"; a path through a file said "no such file" at best.
func TestAddPathErrorsSaidPlainly(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	long := e.photo(strings.Repeat("a", 300) + ".jpg")
	through := filepath.Join(e.photo("maple.jpg"), "x.jpg")
	_, stderr, code := e.run(t, "add", long, through)
	want := "stocksync: cannot add " + long + ": the name is too long for the file system\n" +
		"stocksync: cannot add " + through + ": a part of the path before the file name is a file, not a folder\n"
	if code != 1 || stderr != want {
		t.Errorf("exit %d, stderr\n got %q\nwant %q", code, stderr, want)
	}
}
