package espfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
)

// wireBytesWant is the SHA-256 of every response wireDigest collects, as the
// server answered before its list pages and contribution rendering were made
// cheaper (commit ac567ce, which sorted and rendered everything per request).
// A change here changes what clients receive: it must be deliberate.
const wireBytesWant = "e11f77d33125f3d2a222556bbae35748d8fb0f892110a0504ace4bd0c8bd6991"

// wireDigest hashes the answers of a seeded server after a fixed sequence of
// changes: batch pages in every order, whole and paged contribution lists,
// single batches and contributions, releases.
func wireDigest(t *testing.T, opts Options) string {
	t.Helper()
	clock := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	opts.Now = func() time.Time { return clock }
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	s.thumbURL = "http://127.0.0.1:9" // as Start would set it, without listening
	ids := s.BatchIDs()
	first := s.ContributionIDs(ids[0])
	headline, caption := "Fishing boats <at> dawn & dusk", "Caption with \"quotes\" and é"
	kws := []string{" harbour ", "boat", "harbour", "", "fog"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.EditMetadata(ids[0], first[0], esp.ContributionUpdate{Headline: &headline, Caption: &caption, Keywords: &kws}))
	must(s.Accept(ids[1], s.ContributionIDs(ids[1])[0]))
	must(s.RequestRevision(ids[0], first[1], []string{"Noise", "Focus"}, "Too soft"))
	must(s.Reject(ids[2], s.ContributionIDs(ids[2])[1], nil, ""))
	must(s.SetStatus(ids[3], s.ContributionIDs(ids[3])[0], "mystery"))
	bid, err := s.AddBatch(BatchSpec{Name: "Added", Type: "istock_creative_video", Note: "n", Files: 3})
	must(err)
	_, err = s.AddContribution(bid, ContributionSpec{Headline: "Only a headline"})
	must(err)
	_, err = s.AddContribution(ids[4], ContributionSpec{Keywords: []string{}, Status: esp.StatusRevisable})
	must(err)
	must(s.RemoveContribution(ids[5], s.ContributionIDs(ids[5])[0]))
	must(s.RemoveBatch(ids[6]))

	h := sha256.New()
	for _, q := range listQueries([]string{"2023-01-02", "2023-01-20", "2023-02-01"}) {
		answer(h, s.listBatches, "/x?"+q, nil)
	}
	for _, b := range s.BatchIDs() {
		answer(h, s.getBatch, "/x", map[string]string{"bid": b})
		answer(h, s.listContributions, "/x", map[string]string{"bid": b})
		answer(h, s.listContributions, "/x?page=2&page_size=3", map[string]string{"bid": b})
		answer(h, s.listReleases, "/x", map[string]string{"bid": b})
		for _, c := range s.ContributionIDs(b)[:1] {
			answer(h, s.getContribution, "/x", map[string]string{"bid": b, "cid": c})
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// answer adds the handler's status, content type and body to h.
func answer(h hash.Hash, handler http.HandlerFunc, target string, path map[string]string) {
	r := httptest.NewRequest("GET", target, nil)
	for k, v := range path {
		r.SetPathValue(k, v)
	}
	w := httptest.NewRecorder()
	handler(w, r)
	fmt.Fprintf(h, "%s %v %d %s %d\n", target, path, w.Code, w.Header().Get("Content-Type"), w.Body.Len())
	h.Write(w.Body.Bytes())
}

// What the server sends is unchanged by its speed-ups, in both API modes and
// all keyword styles.
func TestWireBytesUnchanged(t *testing.T) {
	h := sha256.New()
	for _, opts := range []Options{
		{Seed: 21, Batches: 40, ContributionsPerBatch: 3, ContributionsPerBatchMax: 12},
		{Seed: 22, Batches: 12, ContributionsPerBatch: 5, Mode: ModePartner, KeywordStyle: KeywordObjects},
		{Seed: 23, Batches: 12, ContributionsPerBatch: 5, Mode: ModePartner, KeywordStyle: KeywordMixed},
	} {
		fmt.Fprintln(h, wireDigest(t, opts))
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != wireBytesWant {
		t.Errorf("the responses' digest is %s, want %s: what clients receive has changed", got, wireBytesWant)
	}
}

// formatTime's hand-written digits equal time.Format's, including the years
// it leaves to time.Format.
func TestFormatTimeMatchesLayout(t *testing.T) {
	for _, ms := range []int64{1, -1, 999, 1_000, 1_672_646_400_123, 253_402_300_799_999, 253_402_300_800_000,
		-62_135_596_800_001, time.Date(2026, 2, 28, 23, 59, 59, 7e6, time.UTC).UnixMilli()} {
		if got, want := formatTime(ms), time.UnixMilli(ms).UTC().Format(timeLayout); got != want {
			t.Errorf("formatTime(%d) = %q, want %q", ms, got, want)
		}
	}
	if formatTime(0) != "" {
		t.Errorf("formatTime(0) = %q, want none", formatTime(0))
	}
}

// Generated keywords are what normaliseKeywords made of the same draws.
func TestGeneratedKeywords(t *testing.T) {
	if len(vocabulary) > maxVocabulary {
		t.Fatalf("vocabulary has %d words, over maxVocabulary %d", len(vocabulary), maxVocabulary)
	}
	for _, list := range [][]string{vocabulary, subjects, places} {
		if !slices.Equal(normaliseKeywords(list), list) {
			t.Errorf("word list %v is not unique and trimmed", list[:3])
		}
	}
	for seed := range uint64(3) {
		for id := int64(80_000_001); id < 80_002_000; id++ {
			r := rand.New(rand.NewPCG(seed, uint64(id)))
			_, subj, place := pick(r, adjectives), pick(r, subjects), pick(r, places)
			_ = countries[r.IntN(len(countries))]
			n := 8 + r.IntN(18)
			kw := []string{strings.ToLower(subj), strings.ToLower(place)}
			for range n {
				kw = append(kw, pick(r, vocabulary))
			}
			if got, want := generateMetadata(seed, id).keywords, normaliseKeywords(kw); !slices.Equal(got, want) {
				t.Fatalf("seed %d, id %d: keywords %q, want %q", seed, id, got, want)
			}
		}
	}
}

// The hand-written contribution encoder gives json.Marshal's bytes, for
// every generated contribution in every mode and keyword style, and for text
// json.Marshal escapes.
func TestAppendContributionMatchesMarshal(t *testing.T) {
	odd := []string{"", "plain", `"quoted" \ back`, "<b>bold</b>", "fish & chips", "a > b", "del\x7f", "back\\slash", "tab\there\nnew\rline\x00\x1f\x7f", "line\u2028sep\u2029",
		"bad \xff\xfe utf8", "é ü © 写真 🙂", "\u00a0nbsp"}
	for _, opts := range []Options{
		{Seed: 31, Batches: 8, ContributionsPerBatch: 20},
		{Seed: 32, Batches: 8, ContributionsPerBatch: 20, Mode: ModePartner, KeywordStyle: KeywordObjects},
		{Seed: 33, Batches: 8, ContributionsPerBatch: 20, Mode: ModePartner, KeywordStyle: KeywordMixed},
	} {
		s, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		s.thumbURL = "http://127.0.0.1:9"
		ids := s.BatchIDs()
		for i, text := range odd {
			cids := s.ContributionIDs(ids[i%len(ids)])
			kws := []string{text, "x" + text}
			if err := s.EditMetadata(ids[i%len(ids)], cids[i], esp.ContributionUpdate{Headline: &text, Caption: &text, Keywords: &kws}); err != nil {
				t.Fatal(err)
			}
			if err := s.Reject(ids[i%len(ids)], cids[i+1], []string{text}, text); err != nil {
				t.Fatal(err)
			}
		}
		s.mu.RLock()
		for _, b := range s.batches {
			for i := range b.contributions {
				c := s.renderContributionLocked(b, &b.contributions[i])
				c.NominateForSignaturePlus = i%3 == 0
				if i%4 == 0 {
					c.CollectionCFWName = &odd[i%len(odd)]
				}
				want, err := json.Marshal(c)
				if err != nil {
					t.Fatal(err)
				}
				if got := appendContributionJSON(nil, &c); string(got) != string(want) {
					t.Fatalf("contribution %s:\n got %s\nwant %s", c.ID, got, want)
				}
			}
		}
		s.mu.RUnlock()
	}
}
