package espfake

import (
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/stocksync/stocksync/core/esp"
)

// The portfolio, kept compactly: timestamps are Unix milliseconds (0 = none)
// and a contribution's metadata is regenerated from its seed until it is edited.
// Everything here is guarded by Server.mu.

type batch struct {
	id                int64
	name, typ, note   string
	status            string
	created, updated  int64
	lastSubmitted     int64
	lastContribSubmit int64
	contributions     []contribution // sorted by id
	releases          []release
	userID, profileID int64
	enc               atomic.Pointer[encodedBatch] // list item cache (listcache.go)
}

type contribution struct {
	id        int64
	status    string
	created   int64
	updated   int64
	submitted int64
	toReview  int64
	published int64
	width     int32
	height    int32
	meta      *metadata // nil: generated from seed
	reviews   []review
}

type metadata struct {
	headline, caption             string
	keywords                      []string
	country, province, city       string
	copyright, credit, cameraShot string
}

type review struct {
	at      int64
	outcome string
	reasons []string
	notes   string
}

type release struct {
	id          int64
	typ         string
	fileName    string
	gender      string
	dateOfBirth string
	ethnicities []string
}

// counts are a batch's contribution counts by status, as ESP reports them.
type counts struct {
	total, pending, submitted, awaiting, reviewed, revisable, processed, rejected int
}

func (b *batch) counts() counts {
	var c counts
	c.total = len(b.contributions)
	for i := range b.contributions {
		switch b.contributions[i].status {
		case esp.StatusPending:
			c.pending++
			continue
		case esp.StatusReview, esp.StatusRevised:
			c.awaiting++
		case esp.StatusProcessed:
			c.processed++
			c.reviewed++
		case esp.StatusRejected:
			c.rejected++
			c.reviewed++
		case esp.StatusRevisable:
			c.revisable++
		}
		c.submitted++
	}
	return c
}

// find returns the index of the contribution with id, or -1.
func (b *batch) find(id int64) int {
	i := sort.Search(len(b.contributions), func(i int) bool { return b.contributions[i].id >= id })
	if i < len(b.contributions) && b.contributions[i].id == id {
		return i
	}
	return -1
}

// metadata returns the contribution's metadata, generated if never edited.
func (f *contribution) metadata(seed uint64) metadata {
	if f.meta != nil {
		return *f.meta
	}
	return generateMetadata(seed, f.id)
}

// normaliseKeywords trims, drops blanks and duplicates, keeping order
// (modeled: ESP stores a keyword once).
func normaliseKeywords(in []string) []string {
	out := make([]string, 0, len(in))
	var seen map[string]bool // for long lists; short ones are searched
	if len(in) > 64 {
		seen = make(map[string]bool, len(in))
	}
	for _, k := range in {
		k = strings.TrimSpace(k)
		if k == "" || seen[k] || (seen == nil && slices.Contains(out, k)) {
			continue
		}
		if seen != nil {
			seen[k] = true
		}
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
