package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/store"
)

// The fixtures are real files made by core/filemeta's tests: a JPEG with
// XMP and IPTC, a PNG with compressed iTXt XMP, a TIFF with IPTC only.
const filemetaFixtures = "../../core/filemeta/testdata"

var addT0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// addEnv is a data folder and a folder of photos, with the clock fixed.
type addEnv struct {
	data, photos string
}

func newAddEnv(t *testing.T) addEnv {
	t.Helper()
	// Resolved, as the store keeps real paths (macOS temp folders are links).
	photos, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"maple.jpg", "leaf.png", "scan.tif"} {
		b, err := os.ReadFile(filepath.Join(filemetaFixtures, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(photos, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return addEnv{data: t.TempDir(), photos: photos}
}

func (e addEnv) photo(name string) string { return filepath.Join(e.photos, name) }

// run runs the stocksync root command as main would and returns its
// output and exit code.
func (e addEnv) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd(&globalOptions{now: func() time.Time { return addT0 }})
	root.SetArgs(append([]string{"--data-dir", e.data}, args...))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.ExecuteContext(context.Background())
	code = finish(&errOut, err, false)
	return out.String(), errOut.String(), code
}

func (e addEnv) pending(t *testing.T) []store.PendingUpload {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, datadir.Dir{Root: e.data}.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps, err := db.PendingUploads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// fileHash is the SHA-256 the store keeps as ContentHash.
func fileHash(t *testing.T, path string) string {
	t.Helper()
	h, _, err := hashFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

var addMapleKeywords = []string{"maple", "Leaf", "autumn", "Red", "wet asphalt"}

func TestAddReadsEmbeddedMetadata(t *testing.T) {
	e := newAddEnv(t)
	// A relative name, as typed in the photos folder.
	t.Chdir(e.photos)
	stdout, stderr, code := e.run(t, "add", "maple.jpg", e.photo("leaf.png"), e.photo("scan.tif"))
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	wantOut := "added maple.jpg — “Red maple leaf” · 5 keywords\n" +
		"added " + e.photo("leaf.png") + " — “Green leaf” · 2 keywords\n" +
		"added " + e.photo("scan.tif") + " — “Film scan” · 1 keyword\n" +
		"Added 3 pending uploads.\n"
	if stdout != wantOut {
		t.Errorf("stdout\n got %q\nwant %q", stdout, wantOut)
	}
	want := []store.PendingUpload{
		{ID: 1, Path: e.photo("maple.jpg"), Title: "Red maple leaf", Description: "A single red maple leaf on wet asphalt, autumn.",
			Keywords: addMapleKeywords, MediaType: "image", Size: fileSize(t, e.photo("maple.jpg")), AddedAt: addT0, UpdatedAt: addT0,
			ContentHash: fileHash(t, e.photo("maple.jpg"))},
		{ID: 2, Path: e.photo("leaf.png"), Title: "Green leaf", Keywords: []string{"leaf", "green"},
			MediaType: "image", Size: fileSize(t, e.photo("leaf.png")), AddedAt: addT0, UpdatedAt: addT0, ContentHash: fileHash(t, e.photo("leaf.png"))},
		{ID: 3, Path: e.photo("scan.tif"), Title: "Film scan", Description: "Café at night", Keywords: []string{"film"},
			MediaType: "image", Size: fileSize(t, e.photo("scan.tif")), AddedAt: addT0, UpdatedAt: addT0, ContentHash: fileHash(t, e.photo("scan.tif"))},
	}
	if got := e.pending(t); !reflect.DeepEqual(got, want) {
		t.Errorf("pending uploads\n got %+v\nwant %+v", got, want)
	}
}

func TestAddVideo(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	// A small MP4 with XMP in moov/udta, as Premiere writes it.
	box := func(typ string, body []byte) []byte {
		n := len(body) + 8
		return append(append([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, typ...), body...)
	}
	xmp := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
		<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Waterfall</rdf:li></rdf:Alt></dc:title>
		<dc:subject><rdf:Bag><rdf:li>water</rdf:li><rdf:li>falls</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>`
	mp4 := append(box("ftyp", []byte("isom\x00\x00\x02\x00isommp42")), box("moov", box("udta", box("XMP_", []byte(xmp))))...)
	mp4 = append(mp4, box("mdat", make([]byte, 4096))...)
	path := e.photo("falls.mp4")
	if err := os.WriteFile(path, mp4, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := e.run(t, "add", path)
	if code != 0 || !strings.Contains(stdout, "“Waterfall” · 2 keywords") {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	got := e.pending(t)
	if len(got) != 1 || got[0].MediaType != "video" || got[0].Size != int64(len(mp4)) || got[0].Title != "Waterfall" {
		t.Errorf("pending uploads = %+v", got)
	}
}

func TestAddFlagsOverride(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	_, stderr, code := e.run(t, "add", "--title", "  Autumn leaf ", "--keywords", "leaf, autumn; Leaf, ,red", e.photo("maple.jpg"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// An empty value is a usage error (issue 12), never a silent default.
	if _, _, code = e.run(t, "add", "--description", "", e.photo("leaf.png")); code != exitUsage {
		t.Fatalf("--description \"\": exit %d, want %d", code, exitUsage)
	}
	// The description was not given, so the embedded one stays.
	_, _, code = e.run(t, "add", e.photo("leaf.png"))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	got := e.pending(t)
	type row struct {
		title, description string
		keywords           []string
	}
	want := []row{
		{"Autumn leaf", "A single red maple leaf on wet asphalt, autumn.", []string{"leaf", "autumn", "red"}},
		{"Green leaf", "", []string{"leaf", "green"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d pending uploads, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := row{got[i].Title, got[i].Description, got[i].Keywords}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
}

// A file already pending, a link to it and the same file named twice are
// added once, and none of that is a failure.
func TestAddSkipsDuplicatesAndGoesOn(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	if _, _, code := e.run(t, "add", e.photo("maple.jpg")); code != 0 {
		t.Fatalf("first add: exit %d", code)
	}
	link := e.photo("link.jpg")
	if err := os.Symlink(e.photo("maple.jpg"), link); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := e.run(t, "add", e.photo("maple.jpg"), e.photo("leaf.png"), link, e.photo("leaf.png"))
	if code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	wantErr := "stocksync: " + e.photo("maple.jpg") + " is already pending upload 1; `stocksync add --refresh` re-reads it\n"
	if stderr != wantErr {
		t.Errorf("stderr\n got %q\nwant %q", stderr, wantErr)
	}
	wantOut := "added " + e.photo("leaf.png") + " — “Green leaf” · 2 keywords\n" +
		"Added 1 pending upload; 1 already pending.\n"
	if stdout != wantOut {
		t.Errorf("stdout\n got %q\nwant %q", stdout, wantOut)
	}
	if got := e.pending(t); len(got) != 2 {
		t.Errorf("%d pending uploads, want 2", len(got))
	}
}

func TestAddRefusesWhatIsNotAPhoto(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	gif := e.photo("anim.gif")
	pdf := e.photo("doc.jpg")
	for path, data := range map[string]string{gif: "GIF89a", pdf: "%PDF-1.7\n"} {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Opening a named pipe would block; it is refused first.
	fifo := e.photo("pipe.jpg")
	if out, err := exec.Command("mkfifo", fifo).CombinedOutput(); err != nil {
		t.Skipf("mkfifo: %v %s", err, out)
	}
	missing := e.photo("missing.jpg")
	stdout, stderr, code := e.run(t, "add", missing, e.photos, gif, pdf, fifo)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	wantErr := "stocksync: cannot add " + missing + ": no such file\n" +
		"stocksync: cannot add " + e.photos + ": it is a folder; name the files in it instead (e.g. " + filepath.Join(e.photos, "*.jpg") + ")\n" +
		"stocksync: cannot add " + gif + ": is not a supported type (.gif); Stocksync accepts .jpg, .jpeg, .png, .tif, .tiff, .heic, .heif and .dng images; .mov, .mp4 and .m4v videos\n" +
		"stocksync: cannot add " + pdf + `: the content is not a JPEG image as the name says (it starts with 25 50 44 46 2d 31 2e 37 "%PDF-1.7")` + "\n" +
		"stocksync: cannot add " + fifo + ": not a regular file\n"
	if stderr != wantErr {
		t.Errorf("stderr\n got %s\nwant %s", stderr, wantErr)
	}
	if want := "Nothing added: 5 files failed.\n"; stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	if got := e.pending(t); len(got) != 0 {
		t.Errorf("pending uploads = %+v, want none", got)
	}
}

func TestAddNeedsAFile(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	_, stderr, code := e.run(t, "add")
	if code != exitUsage || !strings.Contains(stderr, "name the files to add") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestAddJSON(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	e.run(t, "add", e.photo("scan.tif"))
	stdout, stderr, code := e.run(t, "add", "--json", e.photo("maple.jpg"), e.photo("scan.tif"), e.photo("leaf.png"))
	if code != 0 || !strings.Contains(stderr, e.photo("scan.tif")+" is already pending upload 1") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	var got []store.PendingUpload
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	all := e.pending(t)
	if want := all[1:]; !reflect.DeepEqual(got, want) {
		t.Errorf("--json\n got %+v\nwant %+v", got, want)
	}

	// Nothing added still prints a JSON list.
	stdout, _, _ = e.run(t, "add", "--json", e.photo("missing.jpg"))
	if strings.TrimSpace(stdout) != "[]" {
		t.Errorf("--json with nothing added = %q, want []", stdout)
	}
}

func TestAddWarnsAboutDamagedMetadata(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	b, err := os.ReadFile(e.photo("maple.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	// Same length, so the JPEG segment stays intact; only the XML breaks.
	broken := bytes.Replace(b, []byte("</x:xmpmeta>"), []byte("<!x:xmpmeta>"), 1)
	if bytes.Equal(broken, b) {
		t.Fatal("fixture has no XMP end tag to damage")
	}
	path := e.photo("damaged.jpg")
	if err := os.WriteFile(path, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := e.run(t, "add", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "stocksync: warning: " + path + ": embedded XMP is malformed, read what could be salvaged: "; !strings.HasPrefix(stderr, want) {
		t.Errorf("stderr %q, want it to start with %q", stderr, want)
	}
	// Everything before the damage was read.
	if want := "added " + path + " — “Red maple leaf” · 5 keywords\n"; !strings.HasPrefix(stdout, want) {
		t.Errorf("stdout %q, want it to start with %q", stdout, want)
	}
}
