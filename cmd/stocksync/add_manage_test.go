package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/store"
)

// Hard links and byte-identical copies are one pending upload.
func TestAddOnceByContent(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	hard := e.photo("hard.jpg")
	if err := os.Link(e.photo("maple.jpg"), hard); err != nil {
		t.Skipf("hard link: %v", err)
	}
	b, _ := os.ReadFile(e.photo("maple.jpg"))
	cp := e.photo("copy.jpg")
	if err := os.WriteFile(cp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := e.run(t, "add", e.photo("maple.jpg"), hard, cp)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, p := range []string{hard, cp} {
		if want := "stocksync: " + p + " has the same content as pending upload 1 (" + e.photo("maple.jpg") + "); not added again\n"; !strings.Contains(stderr, want) {
			t.Errorf("stderr %q, want %q", stderr, want)
		}
	}
	if !strings.HasSuffix(stdout, "Added 1 pending upload; 2 already pending.\n") {
		t.Errorf("stdout %q", stdout)
	}
	if got := e.pending(t); len(got) != 1 {
		t.Errorf("%d pending uploads, want 1", len(got))
	}
}

// The same file named twice, directly or through "./", is not an error.
func TestAddSameFileTwice(t *testing.T) {
	e := newAddEnv(t)
	t.Chdir(e.photos)
	stdout, stderr, code := e.run(t, "add", "maple.jpg", "./maple.jpg", e.photo("maple.jpg"))
	if code != 0 || stderr != "" || !strings.HasSuffix(stdout, "Added 1 pending upload.\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestAddWarnsOverESPLimits(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	kw := make([]string, 60)
	for i := range kw {
		kw[i] = "kw" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
	}
	_, stderr, code := e.run(t, "add", "--title", strings.Repeat("t", 300), "--description", strings.Repeat("d", 2100),
		"--keywords", strings.Join(kw, ", "), e.photo("maple.jpg"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"warning: " + e.photo("maple.jpg") + ": the title is 300 characters; ESP's headline takes at most 255",
		"the description is 2,100 characters; ESP's caption takes at most 2,000",
		"there are 60 keywords; ESP takes at most 50",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	// Nothing was cut.
	if p := e.pending(t)[0]; len(p.Title) != 300 || len(p.Description) != 2100 || len(p.Keywords) != 60 {
		t.Errorf("stored %d/%d/%d", len(p.Title), len(p.Description), len(p.Keywords))
	}
}

// A file re-keyworded after add is re-read by --refresh; what was edited in
// Stocksync stays.
func TestAddRefresh(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	b, _ := os.ReadFile(e.photo("maple.jpg"))
	x := e.photo("x.jpg")
	if err := os.WriteFile(x, append(bytes.Clone(b), 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg"), x); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := e.run(t, "pending", "edit", "2", "--title", "My own title"); code != 0 {
		t.Fatal(stderr)
	}
	// Re-keyworded in Lightroom after add: same length, so only the XMP text changes.
	changed := bytes.Replace(bytes.Replace(b, []byte("wet asphalt"), []byte("dry asphalt"), -1), []byte("Red maple leaf"), []byte("Red maple LEAF"), 1)
	if bytes.Equal(changed, b) {
		t.Fatal("fixture text not found")
	}
	if err := os.WriteFile(x, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := e.run(t, "add", "--refresh")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "unchanged " + e.photo("maple.jpg") + " — pending upload 1\n" +
		"refreshed " + x + " — pending upload 2: description, keywords updated\n" +
		"1 refreshed; 1 unchanged.\n"
	if stdout != want {
		t.Errorf("stdout\n got %q\nwant %q", stdout, want)
	}
	p := e.pending(t)[1]
	if p.Title != "My own title" || p.Description != "A single red maple leaf on dry asphalt, autumn." || !reflect.DeepEqual(p.Keywords, []string{"maple", "Leaf", "autumn", "Red", "dry asphalt"}) ||
		p.ContentHash != fileHash(t, x) || p.Size != int64(len(changed)) {
		t.Errorf("refreshed row %+v", p)
	}
	// A new file named with --refresh is simply added.
	if stdout, _, _ := e.run(t, "add", "--refresh", e.photo("scan.tif")); !strings.HasPrefix(stdout, "added ") {
		t.Errorf("refresh of a new file: %q", stdout)
	}
}

func TestAddBadInputIsSaidPlainly(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	loop := e.photo("loop.jpg")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	dangling := e.photo("gone.jpg")
	if err := os.Symlink(e.photo("nowhere.jpg"), dangling); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(e.photo("maple.jpg"))
	cut := e.photo("cut.jpg")
	if err := os.WriteFile(cut, b[:100], 0o644); err != nil {
		t.Fatal(err)
	}
	tiny := e.photo("tiny.jpg")
	if err := os.WriteFile(tiny, []byte{0xff, 0xd8}, 0o644); err != nil {
		t.Fatal(err)
	}
	evil := e.photo("evil\x1b[2J\x1b]0;owned\x07.jpg")
	if err := os.WriteFile(evil, b[:3], 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := e.run(t, "add", loop, dangling, cut, tiny, evil)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	for _, want := range []string{
		"stocksync: cannot add " + loop + ": it is a symbolic link that loops back on itself\n",
		"stocksync: cannot add " + dangling + ": it is a symbolic link to a file that does not exist\n",
		"stocksync: cannot add " + cut + ": the file is cut off: it is 100 bytes long, but its JPEG structure continues to byte ",
		"stocksync: cannot add " + tiny + ": the file is cut off: it is only 2 bytes long, too short to be a JPEG image",
		// Quoted: the exact name, and no escape sequence reaches the terminal.
		"stocksync: cannot add \"" + e.photos + "/evil\\x1b[2J\\x1b]0;owned\\a.jpg\": the file is cut off: it is 3 bytes long",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q\n%s", want, stderr)
		}
	}
	if strings.ContainsRune(stderr+stdout, 0x1b) || strings.ContainsRune(stderr, 0x07) {
		t.Errorf("an escape sequence reached the terminal: %q", stderr)
	}
	if strings.Contains(stderr, "EvalSymlinks") {
		t.Errorf("Go's raw error reached the user: %q", stderr)
	}
	if stdout != "Nothing added: 5 files failed.\n" || len(e.pending(t)) != 0 {
		t.Errorf("stdout %q, %d pending uploads, want none", stdout, len(e.pending(t)))
	}
}

func TestAddSaysWhichTitleWasUsed(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	corpus := filepath.Join("..", "..", "..", "shared", "metadata-corpus", "files", "real-0248-exif.JPG")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("metadata corpus not found (%v); skipping", err)
	}
	_, stderr, code := e.run(t, "add", corpus)
	if code != 0 || !strings.Contains(stderr, "the title is the file's Headline; its Title “PHC_WIGAN_NORWICH_20141206” was not used (setting title_order)") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if p := e.pending(t); len(p) != 1 || p[0].Title != "Wigan Athletic v Norwich City. Sky Bet Championship" {
		t.Errorf("pending %+v", p)
	}
}

func TestPendingListEditRemove(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg"), e.photo("leaf.png")); code != 0 {
		t.Fatal(stderr)
	}
	viaList, _, _ := e.run(t, "list", "pending", "--json")
	viaPending, _, code := e.run(t, "pending", "list", "--json")
	if code != 0 || viaList != viaPending {
		t.Errorf("pending list --json differs from list pending --json:\n%s\n%s", viaPending, viaList)
	}
	plainList, _, _ := e.run(t, "list", "pending")
	plainPending, _, _ := e.run(t, "pending", "list")
	if plainList != plainPending || !strings.Contains(plainPending, "maple.jpg") {
		t.Errorf("pending list %q, list pending %q", plainPending, plainList)
	}

	stdout, stderr, code := e.run(t, "pending", "edit", "1", "--caption", "Leaf on tarmac", "--keywords", "leaf; tarmac", "--json")
	if code != 0 {
		t.Fatalf("edit: exit %d: %s", code, stderr)
	}
	var p store.PendingUpload
	if err := json.Unmarshal([]byte(stdout), &p); err != nil || p.Description != "Leaf on tarmac" ||
		!reflect.DeepEqual(p.Keywords, []string{"leaf", "tarmac"}) || !reflect.DeepEqual(p.Edited, []string{"description", "keywords"}) {
		t.Errorf("edit --json: %q (%v)", stdout, err)
	}
	if _, stderr, code := e.run(t, "pending", "edit", "1"); code != exitUsage || !strings.Contains(stderr, "nothing to change") {
		t.Errorf("edit without a change: exit %d, %q", code, stderr)
	}
	if _, stderr, code := e.run(t, "pending", "edit", "abc", "--title", "x"); code != exitUsage || !strings.Contains(stderr, `"abc" is not a pending upload ID`) {
		t.Errorf("edit abc: exit %d, %q", code, stderr)
	}
	if _, stderr, code := e.run(t, "pending", "edit", "99", "--title", "x"); code != exitFailure || !strings.Contains(stderr, "there is no pending upload 99") {
		t.Errorf("edit 99: exit %d, %q", code, stderr)
	}

	stdout, stderr, code = e.run(t, "pending", "remove", "2")
	if code != 0 || !strings.Contains(stdout, "Removed pending upload 2 ("+e.photo("leaf.png")+")") {
		t.Errorf("remove: exit %d, %q %q", code, stdout, stderr)
	}
	if got := e.pending(t); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("after remove: %+v", got)
	}
	if _, err := os.Stat(e.photo("leaf.png")); err != nil {
		t.Errorf("the file itself was touched: %v", err)
	}
	if _, stderr, code := e.run(t, "pending", "remove", "2"); code != exitFailure || !strings.Contains(stderr, "pending upload 2 ("+e.photo("leaf.png")+") was removed on ") {
		t.Errorf("second remove: exit %d, %q", code, stderr)
	}
	if _, stderr, code := e.run(t, "pending"); code != exitUsage {
		t.Errorf("pending alone: exit %d, %q", code, stderr)
	}
}

// `add *` in a folder with sidecars: the sidecar is read with its image and
// is not a failure of its own.
func TestAddSidecarIsReadWithItsImage(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	sidecar := e.photo("scan.xmp")
	if err := os.WriteFile(sidecar, []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">From the sidecar</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>`), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := e.run(t, "add", e.photo("scan.tif"), sidecar)
	if code != 0 || !strings.Contains(stderr, "note: "+sidecar+" is an XMP sidecar; it is read with the image beside it") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "“From the sidecar”") {
		t.Errorf("stdout %q", stdout)
	}
	p := e.pending(t)
	if len(p) != 1 || p[0].SidecarHash != fileHash(t, sidecar) {
		t.Fatalf("pending %+v", p)
	}
	// Lightroom changes only the sidecar: --refresh sees it.
	b, _ := os.ReadFile(sidecar)
	if err := os.WriteFile(sidecar, bytes.Replace(b, []byte("From the sidecar"), []byte("Sidecar, edited"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if stdout, _, _ := e.run(t, "add", "--refresh"); !strings.Contains(stdout, "pending upload 1: title updated") {
		t.Errorf("refresh after a sidecar change: %q", stdout)
	}
	if p := e.pending(t); p[0].Title != "Sidecar, edited" {
		t.Errorf("title %q", p[0].Title)
	}
}

// `pending edit` takes --description like add and edit (--caption stays as
// an alias); both at once is a usage error.
func TestPendingEditDescriptionFlag(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	if _, stderr, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 {
		t.Fatalf("add: %d %s", code, stderr)
	}
	stdout, stderr, code := e.run(t, "pending", "edit", "1", "--description", "Leaf on tarmac", "--json")
	var p store.PendingUpload
	if err := json.Unmarshal([]byte(stdout), &p); err != nil || code != 0 || p.Description != "Leaf on tarmac" {
		t.Errorf("pending edit --description: exit %d %s %s", code, stdout, stderr)
	}
	if _, stderr, code := e.run(t, "pending", "edit", "1", "--description", "a", "--caption", "b"); code != exitUsage {
		t.Errorf("--description with --caption: exit %d %s, want %d", code, stderr, exitUsage)
	}
}
