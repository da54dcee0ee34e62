package reliability

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// hostileCase is server data built to hurt: the sync (and the thumbnail
// download) must not write outside the data folder, must keep the database
// sound, and must enforce its limits with clear errors.
type hostileCase struct {
	id     string // the subtest's name
	name   string
	setup  func(e *env)
	thumbs bool                                 // also run `thumbnails --wait`
	long   bool                                 // only with -reliability.long
	check  func(e *env, runs []result) []string // case-specific expectations
}

// pathLike are IDs and names that would escape a folder if ever used as a
// path, aimed at places inside the sandbox so an escape would be seen.
func pathLike(e *env) []string {
	return []string{
		"../../../escape-rel", "../../escape-rel", e.root + "/escape-abs", "..", ".", "a/../../escape-mid",
		"a\x00b", "C:\\Windows\\escape", "%2e%2e%2fescape", "~/escape-home", "\u202egpj.exe", "con",
		strings.Repeat("x", 100_000),
	}
}

// setContrib sets a field of every contribution in contributions.list and
// contributions.get responses to values[i%len] for the i-th one seen.
func setContrib(field string, values func(i int) any) func(string, any) any {
	n := 0
	return func(endpoint string, v any) any {
		if endpoint != esp.EndpointContributionsList && endpoint != esp.EndpointContributionsGet {
			return v
		}
		walkJSON(v, func(m map[string]any) {
			if _, ok := m["submission_batch_id"]; ok {
				m[field] = values(n)
				n++
			}
		})
		return v
	}
}

func hostileCases() []hostileCase {
	return []hostileCase{
		{id: "file_ids", name: "file IDs that look like paths, with NUL bytes, 100 KB long, odd Unicode", thumbs: true, setup: func(e *env) {
			vals := pathLike(e)
			e.px.setRewrite(setContrib("id", func(i int) any { return fmt.Sprintf("%s#%d", vals[i%len(vals)], i) }))
		}},
		{id: "batch_ids", name: "batch IDs that look like paths or URLs", setup: func(e *env) {
			vals := append(pathLike(e), "a/b", "?page=2", "#frag", "1000001/contributions/80000001")
			n := 0
			e.px.setRewrite(func(endpoint string, v any) any {
				if endpoint == esp.EndpointBatchesList {
					walkJSON(v, func(m map[string]any) {
						if _, ok := m["submission_name"]; ok {
							m["id"] = fmt.Sprintf("%s%d", vals[n%len(vals)], n)
							n++
						}
					})
				}
				return v
			})
		}, check: func(e *env, _ []result) []string {
			// Every request must stay on a known endpoint: an ID is a path
			// segment, escaped, never a path.
			if n := e.px.count("unknown"); n != 0 {
				return []string{fmt.Sprintf("%d requests went to paths outside the API's endpoints", n)}
			}
			return nil
		}},
		{id: "text_fields", name: "file names, titles and keywords: path-like, 1 MB long, odd Unicode, invalid UTF-8", setup: func(e *env) {
			vals := pathLike(e)
			e.px.setRewrite(func(endpoint string, v any) any {
				v = setContrib("file_name", func(i int) any { return vals[i%len(vals)] })(endpoint, v)
				v = setContrib("headline", func(i int) any {
					return []string{strings.Repeat("é", 500_000), "@@INVALID@@", "\u0000\u202e\ufeff\U0010FFFF", "@@SURROGATE@@"}[i%4]
				})(endpoint, v)
				kw := make([]any, 10_000)
				for i := range kw {
					kw[i] = fmt.Sprintf("kw%d/../%d", i, i)
				}
				return setContrib("keywords", func(int) any { return kw })(endpoint, v)
			})
			e.px.setRaw("@@INVALID@@", "bad \xff\xfe utf-8 \xc3", "@@SURROGATE@@", `lone \ud800 surrogate`)
		}},
		{id: "thumbnail_urls", name: "thumbnail URLs: file://, javascript:, relative, path traversal, NUL, 100 KB, another scheme", thumbs: true, setup: func(e *env) {
			th := e.px.thumbs.URL // answers 404 to all of these
			host := strings.TrimPrefix(th, "http://")
			vals := []string{
				"file://" + e.root + "/escape-abs", "javascript:alert(1)", "../../escape-rel.jpg", "/etc/passwd",
				th + "/../../escape.jpg", th + "/%2e%2e/%2e%2e/escape.jpg", "http://[::1", th + "/x\x00.jpg",
				th + "/" + strings.Repeat("a", 100_000), "ftp://" + host + "/x.jpg", "http://user:secret@" + host + "/x.jpg",
				e.px.apiURL() + "/esp/submission/v1/submission_batches",
			}
			e.px.setRewrite(setContrib("thumbnail_url", func(i int) any { return vals[i%len(vals)] }))
		}, check: func(e *env, runs []result) []string {
			if e.px.thumbCredentials() != 0 {
				return []string{"credentials were sent to the thumbnail host"}
			}
			return nil
		}},
		{id: "thumbnail_html", name: "a thumbnail that is an HTML page", thumbs: true, setup: func(e *env) {
			e.px.setThumbBody(func(string) ([]byte, string, bool) {
				return []byte("<!doctype html><html><body>Sign in to continue</body></html>"), "image/jpeg", true
			})
		}, check: wantThumbs(0, "not an image")},
		{id: "thumbnail_9MB", name: "a 9 MB thumbnail (limit 8 MiB)", thumbs: true, setup: func(e *env) {
			big := append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte{0}, 9<<20)...)
			e.px.setThumbBody(func(string) ([]byte, string, bool) { return big, "image/jpeg", true })
		}, check: wantThumbs(0, "too large")},
		{id: "batch_list_40MB", name: "a 40 MB batch list (limit 32 MiB)", long: true, setup: func(e *env) {
			e.px.setHuge(esp.EndpointBatchesList, 40<<20)
		}, check: wantStop(exitFailure, "batches.list", "too large", "more items than")},
		{id: "file_list_40MB", name: "a 40 MB file list (limit 32 MiB)", long: true, setup: func(e *env) {
			e.px.setHuge(esp.EndpointContributionsList, 40<<20)
		}, check: wantStop(exitPartial, "contributions.list", "too large", "more items than")},
	}
}

// TestHostileServerData runs each hostile case through the real CLI.
func TestHostileServerData(t *testing.T) {
	linuxOnly(t)
	for _, hc := range hostileCases() {
		t.Run(hc.id, func(t *testing.T) {
			if hc.long && !*flagLong {
				report(t, record{Group: "hostile", Name: hc.name, OK: true, Detail: "skipped: run with -reliability.long"})
				t.Skip("needs -reliability.long")
			}
			t.Parallel()
			problems, rss := runHostile(t, hc)
			report(t, record{Group: "hostile", Name: hc.name, OK: len(problems) == 0, Detail: strings.Join(problems, "; "),
				Counts: map[string]int{"peak_rss_mb": int(rss >> 20)}})
			for _, p := range problems {
				t.Errorf("%s: %s", hc.name, p)
			}
		})
	}
}

// maxChildRSS bounds a child's memory on hostile input: limits must be
// enforced while reading, not after. (Eight thumbnail workers may each hold
// a body up to the 8 MiB limit, in a buffer grown by doubling.)
const maxChildRSS = 512 << 20

func runHostile(t *testing.T, hc hostileCase) (problems []string, peakRSS int64) {
	e := newEnv(t, envOptions{proxy: true, server: espfake.Options{Seed: 11, Batches: 4, ContributionsPerBatch: 10}})
	outside, err := treeState(e.root, e.data)
	if err != nil {
		t.Fatal(err)
	}
	hc.setup(e)
	var runs []result
	runs = append(runs, e.run("sync", "--json", "--no-thumbnails"))
	if hc.thumbs {
		runs = append(runs, e.run("thumbnails", "--wait"))
	}
	runs = append(runs, e.run("list", "files", "--json"), e.run("status", "--json"))
	for _, r := range runs {
		peakRSS = max(peakRSS, r.maxRSS)
		switch {
		case strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine "):
			problems = append(problems, "stocksync "+strings.Join(r.args, " ")+" panicked: "+tail(r.stderr, 300))
		case r.code != 0 && r.code != exitFailure && r.code != exitPartial:
			problems = append(problems, fmt.Sprintf("unexpected exit: %s", r))
		case r.code != 0 && lastLine(r.stderr) == "":
			problems = append(problems, "stocksync "+strings.Join(r.args, " ")+" failed without a message")
		}
		if r.maxRSS > maxChildRSS {
			problems = append(problems, fmt.Sprintf("stocksync %s used %d MB of memory", strings.Join(r.args, " "), r.maxRSS>>20))
		}
	}
	if hc.check == nil && runs[0].code != 0 {
		problems = append(problems, "sync failed: "+runs[0].String())
	}
	if hc.check != nil {
		problems = append(problems, hc.check(e, runs)...)
	}
	after, err := treeState(e.root, e.data)
	if err != nil {
		t.Fatal(err)
	}
	if n := newPaths(outside, after); len(n) > 0 {
		problems = append(problems, fmt.Sprintf("written outside the data folder: %q", n))
	}
	problems = append(problems, unexpectedDataPaths(e.data)...)
	if err := checkIntegrity(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	}
	return problems, peakRSS
}

// dataAllowed is every name the data folder may hold after sync and thumbnails.
var dataAllowed = regexp.MustCompile(`^(stocksync\.db(-wal|-shm|-journal|-checked)?|config\.json|sync\.lock|thumbnails\.lock|snapshots/|thumbnails/|thumbnails/[0-9a-f]{2}/|thumbnails/[0-9a-f]{2}/[0-9a-f]{64}\.img|releases/|releases/[0-9a-f]{2}/|releases/[0-9a-f]{2}/[0-9a-f]{64}\.(pdf|jpg|png|gif|tif))$`)

func unexpectedDataPaths(data string) []string {
	st, err := treeState(data)
	if err != nil {
		return []string{err.Error()}
	}
	var bad []string
	for p := range st {
		rel, _ := filepath.Rel(data, strings.TrimSuffix(p, "/"))
		if strings.HasSuffix(p, "/") {
			rel += "/"
		}
		if rel != "./" && !dataAllowed.MatchString(rel) {
			bad = append(bad, rel)
		}
	}
	if len(bad) > 0 {
		return []string{fmt.Sprintf("unexpected names in the data folder: %q", bad)}
	}
	return nil
}

// wantThumbs expects `thumbnails --wait` to save done thumbnails and record
// the others as failed with an error saying why.
func wantThumbs(done int, why string) func(*env, []result) []string {
	return func(e *env, _ []result) []string {
		live, _, err := thumbStates(e.dbPath())
		if err != nil {
			return []string{err.Error()}
		}
		var problems []string
		if live["done"] != done {
			problems = append(problems, fmt.Sprintf("%d thumbnails done, want %d", live["done"], done))
		}
		if msg := failedThumbnail(e.dbPath()); !strings.Contains(msg, why) {
			problems = append(problems, fmt.Sprintf("failed thumbnail error %q does not say %q", msg, why))
		}
		return problems
	}
}

// wantStop expects the sync to stop with code and a message naming
// endpoint and one of why.
func wantStop(code int, endpoint string, why ...string) func(*env, []result) []string {
	return func(_ *env, runs []result) []string {
		r := runs[0]
		text := r.stderr
		if sr, ok := parseSyncResult(r.stdout); ok {
			text += sr.Error
		}
		if r.code != code || !strings.Contains(text, endpoint) || !containsAny(text, why) {
			return []string{fmt.Sprintf("want exit %d naming %s and %q, got %s", code, endpoint, why, r)}
		}
		return nil
	}
}
