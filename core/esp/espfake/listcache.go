package espfake

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
)

// The batch list is the server's hottest path: a no-change sync asks for
// every page of it, and in the benchmarks the server shares the client's CPU.
// So, per version of the portfolio, the server keeps
//   - each sort column's order of all batches, ascending by (key, id), where
//     DESC is its exact reverse (ids are unique, so the order is total), and
//   - each batch's list item as encoded JSON (counts and times included),
// and a page is those items joined, byte for byte what encoding the page
// with json.Marshal would give.
//
// Every change to the portfolio takes s.mu through writeLock and releases it
// through writeUnlock, which bumps s.version; a cache entry from an older
// version is rebuilt on first use, so no page is ever stale. Readers fill the
// caches while holding only s.mu.RLock, so entries are published through
// atomics: two readers may both build one entry, with identical results.

// sortedBatches is all batches in one column's ascending order.
type sortedBatches struct {
	version uint64
	list    []*batch
}

// encodedBatch is a batch's list item as JSON.
type encodedBatch struct {
	version uint64
	json    []byte
}

const (
	sortCreated = iota // created_at, the default
	sortUpdated        // updated_at
)

// writeLock takes s.mu for a change to the portfolio.
func (s *Server) writeLock() { s.mu.Lock() }

// writeUnlock ends a change begun with writeLock and makes every list cache stale.
func (s *Server) writeUnlock() {
	s.version++
	s.mu.Unlock()
}

func batchKey(b *batch, column int) int64 {
	if column == sortUpdated {
		return b.updated
	}
	return b.created
}

// sortedLocked returns all batches ascending by column, then id. The slice
// is shared: callers only read it, and only under s.mu.
func (s *Server) sortedLocked(column int) []*batch {
	if c := s.sorted[column].Load(); c != nil && c.version == s.version {
		return c.list
	}
	list := slices.Clone(s.batches)
	slices.SortFunc(list, func(a, b *batch) int {
		return cmp.Or(cmp.Compare(batchKey(a, column), batchKey(b, column)), cmp.Compare(a.id, b.id))
	})
	s.sorted[column].Store(&sortedBatches{version: s.version, list: list})
	return list
}

// createdBetweenLocked returns the batches created in [from, to), in the
// column's ascending order.
func (s *Server) createdBetweenLocked(column int, from, to int64) []*batch {
	all := s.sortedLocked(column)
	if column == sortCreated { // sorted by created: the range is one run
		lo := sort.Search(len(all), func(i int) bool { return all[i].created >= from })
		hi := sort.Search(len(all), func(i int) bool { return all[i].created >= to })
		return all[lo:max(lo, hi)]
	}
	if from <= minTime && to >= maxTime {
		return all
	}
	var out []*batch
	for _, b := range all {
		if b.created >= from && b.created < to {
			out = append(out, b)
		}
	}
	return out
}

// batchJSONLocked is the batch's list item as json.Marshal encodes renderBatchLocked's value.
func (s *Server) batchJSONLocked(b *batch) ([]byte, error) {
	if e := b.enc.Load(); e != nil && e.version == s.version {
		return e.json, nil
	}
	j, err := json.Marshal(s.renderBatchLocked(b))
	if err != nil {
		return nil, err
	}
	b.enc.Store(&encodedBatch{version: s.version, json: j})
	return j, nil
}

// batchPageLocked encodes {"items":[…],"meta":{"total_items":n}} for the
// batches created in [from, to), sorted by column (descending if desc), page
// of size (1-based).
func (s *Server) batchPageLocked(column int, desc bool, from, to int64, page, size int) ([]byte, error) {
	list := s.createdBetweenLocked(column, from, to)
	n := len(list)
	start, end := pageBounds(n, page, size)
	items := make([][]byte, 0, end-start)
	length := 64
	for i := start; i < end; i++ {
		b := list[i]
		if desc {
			b = list[n-1-i]
		}
		j, err := s.batchJSONLocked(b)
		if err != nil {
			return nil, err
		}
		items = append(items, j)
		length += len(j) + 1
	}
	body := make([]byte, 0, length)
	body = append(body, `{"items":[`...)
	for i, j := range items {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, j...)
	}
	body = append(body, `],"meta":{"total_items":`...)
	body = strconv.AppendInt(body, int64(n), 10)
	return append(body, "}}"...), nil
}

// writeJSONBody answers with body, already JSON, as writeJSON would.
func writeJSONBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}
