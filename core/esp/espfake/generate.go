package espfake

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/esp"
)

// Generated portfolios start here; batches follow every few hours.
var genEpoch = time.Date(2023, 1, 2, 8, 0, 0, 0, time.UTC).UnixMilli()

const (
	firstBatchID        = 1_000_001
	firstContributionID = 80_000_001
	firstReleaseID      = 5_000_001
	demoUserID          = 424242
	demoProfileID       = 777
	hourMS              = int64(time.Hour / time.Millisecond)
)

// generator draws the initial portfolio. IDs come from the server's
// counters, so a portfolio depends only on the options.
type generator struct {
	opts Options
	s    *Server
}

func (g generator) portfolio() {
	r := rand.New(rand.NewPCG(g.opts.Seed, 0x5eed))
	for i := range g.opts.Batches {
		n := g.opts.ContributionsPerBatch
		switch {
		case g.opts.ContributionsFunc != nil:
			n = max(0, g.opts.ContributionsFunc(i, r))
		case g.opts.ContributionsPerBatchMax > g.opts.ContributionsPerBatch:
			n = g.opts.ContributionsPerBatch + r.IntN(g.opts.ContributionsPerBatchMax-g.opts.ContributionsPerBatch+1)
		}
		created := genEpoch + int64(i)*6*hourMS + r.Int64N(3*hourMS)
		g.s.addBatchLocked(g.batch(r, created, n))
	}
}

func (g generator) batch(r *rand.Rand, created int64, contributions int) *batch {
	b := &batch{
		id:        g.s.nextBatchID,
		typ:       pickType(r),
		created:   created,
		updated:   created,
		userID:    demoUserID,
		profileID: demoProfileID,
	}
	g.s.nextBatchID++
	b.name = fmt.Sprintf("%s %s %d", pick(r, adjectives), pick(r, places), b.id%1000)
	if r.IntN(4) == 0 {
		b.note = "Shot on the " + strings.ToLower(pick(r, adjectives)) + " days trip"
	}
	for k := range contributions {
		f := g.contribution(r, created+int64(k)*15_000+60_000)
		b.contributions = append(b.contributions, f)
	}
	for range r.IntN(3) {
		b.releases = append(b.releases, g.release(r))
	}
	b.status = "open"
	if contributions > 0 && b.counts().pending == 0 {
		b.status = "closed"
	}
	b.refresh()
	return b
}

func (g generator) contribution(r *rand.Rand, created int64) contribution {
	f := contribution{id: g.s.nextContributionID, created: created, status: pickStatus(r, g.opts.StatusMix)}
	g.s.nextContributionID++
	f.width, f.height = 5472, 3648
	if r.IntN(10) < 3 {
		f.width, f.height = f.height, f.width
	}
	if f.status != esp.StatusPending {
		f.submitted = created + hourMS + r.Int64N(48*hourMS)
		f.toReview = f.submitted + 60_000
	}
	t := f.toReview
	next := func() int64 { t += 24*hourMS + r.Int64N(10*24*hourMS); return t }
	switch f.status {
	case esp.StatusProcessed:
		if r.IntN(5) == 0 {
			f.reviews = append(f.reviews, revisionReview(r, next()))
		}
		f.reviews = append(f.reviews, review{at: next(), outcome: esp.OutcomeAccepted})
		f.published = t + 2*hourMS
	case esp.StatusRevisable, esp.StatusRevised:
		f.reviews = append(f.reviews, revisionReview(r, next()))
	case esp.StatusRejected:
		f.reviews = append(f.reviews, review{at: next(), outcome: esp.OutcomeRejected,
			reasons: []string{pick(r, rejectionReasons)}, notes: pick(r, rejectionNotes)})
	}
	f.updated = max(created, f.toReview, t, f.published)
	return f
}

func revisionReview(r *rand.Rand, at int64) review {
	reasons := []string{pick(r, revisionReasons)}
	if r.IntN(3) == 0 {
		if second := pick(r, revisionReasons); second != reasons[0] {
			reasons = append(reasons, second)
		}
	}
	return review{at: at, outcome: esp.OutcomeRevisable, reasons: reasons, notes: pick(r, revisionNotes)}
}

func (g generator) release(r *rand.Rand) release {
	rel := release{id: g.s.nextReleaseID, typ: "Model"}
	g.s.nextReleaseID++
	if r.IntN(3) == 0 {
		rel.typ = "Property"
		rel.fileName = fmt.Sprintf("property_release_%d.pdf", rel.id)
		return rel
	}
	rel.fileName = fmt.Sprintf("model_release_%d.pdf", rel.id)
	rel.gender = pick(r, releaseGenders)
	rel.dateOfBirth = fmt.Sprintf("%d-%02d-%02d", 1950+r.IntN(50), 1+r.IntN(12), 1+r.IntN(28))
	rel.ethnicities = []string{pick(r, releaseEthnicities)}
	return rel
}

// generateMetadata is a contribution's metadata as drawn from the seed and its id.
func generateMetadata(seed uint64, id int64) metadata {
	r := rand.New(rand.NewPCG(seed, uint64(id)))
	adj, subj, place := pick(r, adjectives), pick(r, subjects), pick(r, places)
	loc := countries[r.IntN(len(countries))]
	n := 8 + r.IntN(18)
	kw := generatedKeywords(r, strings.ToLower(subj), strings.ToLower(place), n)
	shot := time.UnixMilli(genEpoch - r.Int64N(400*24*hourMS)).UTC()
	headline := adj + " " + subj + " in " + place
	day := strings.ToLower(pick(r, adjectives))
	side := pick(r, sides)
	return metadata{
		headline:   headline,
		caption:    headline + " on a " + day + " day, seen from the " + side + ".",
		keywords:   kw,
		country:    loc.country,
		province:   loc.province,
		city:       loc.city,
		copyright:  "© " + strconv.Itoa(shot.Year()) + " Demo Contributor",
		credit:     "Demo Contributor",
		cameraShot: shot.Format("2006:01:02 15:04:05"),
	}
}

// generatedKeywords is normaliseKeywords of subject, place and n words
// picked from vocabulary with r, deduplicated by the words' index instead of
// by string: vocabulary's words are unique, trimmed and not empty, as are
// the lowercased subjects and places (TestGeneratedKeywords).
func generatedKeywords(r *rand.Rand, subject, place string, n int) []string {
	kw := make([]string, 0, n+2)
	kw = append(kw, subject)
	if place != subject {
		kw = append(kw, place)
	}
	var seen [(maxVocabulary + 63) / 64]uint64
	for range n {
		i := r.IntN(len(vocabulary))
		w := vocabulary[i]
		if seen[i/64]&(1<<(i%64)) != 0 || w == subject || w == place {
			continue
		}
		seen[i/64] |= 1 << (i % 64)
		kw = append(kw, w)
	}
	return kw
}

// maxVocabulary bounds vocabulary's length for generatedKeywords.
const maxVocabulary = 256

// sides are where a generated caption's scene is seen from.
var sides = []string{"north", "south", "east", "west", "air", "water"}

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

func pickType(r *rand.Rand) string {
	// Mostly creative stills, like most contributors' portfolios.
	if r.IntN(10) < 6 {
		return submissionTypes[r.IntN(3)]
	}
	return pick(r, submissionTypes)
}

func pickStatus(r *rand.Rand, m StatusMix) string {
	weights := []struct {
		w float64
		s string
	}{{m.Pending, esp.StatusPending}, {m.Review, esp.StatusReview}, {m.Processed, esp.StatusProcessed},
		{m.Revisable, esp.StatusRevisable}, {m.Revised, esp.StatusRevised}, {m.Rejected, esp.StatusRejected}}
	total := 0.0
	for _, w := range weights {
		total += max(0, w.w)
	}
	x := r.Float64() * total
	for _, w := range weights {
		if x < max(0, w.w) {
			return w.s
		}
		x -= max(0, w.w)
	}
	return esp.StatusProcessed
}

// refresh recomputes the batch's derived timestamps from its contributions.
func (b *batch) refresh() {
	for i := range b.contributions {
		f := &b.contributions[i]
		b.updated = max(b.updated, f.updated)
		b.lastSubmitted = max(b.lastSubmitted, f.submitted)
		b.lastContribSubmit = max(b.lastContribSubmit, f.submitted)
	}
}

func isVideo(typ string) bool { return strings.HasSuffix(typ, "_video") }
