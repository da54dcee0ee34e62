package esp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

const batchesPath = "/submission/v1/submission_batches"

// DefaultBatchPageSize is the largest batch page size seen (no maximum is documented).
const DefaultBatchPageSize = 100

// ListBatchesPage fetches one page (1-based) of batches, newest first, and
// the total number of batches (-1 if the server did not say).
func (c *Client) ListBatchesPage(ctx context.Context, page, pageSize int) ([]Batch, int, error) {
	if page < 1 || pageSize < 1 {
		return nil, 0, errors.New("list batches: page and page size must be at least 1")
	}
	q := url.Values{
		"page":        {strconv.Itoa(page)},
		"page_size":   {strconv.Itoa(pageSize)},
		"sort_column": {"created_at"},
		"sort_order":  {"Descending"},
	}
	var items []Batch
	var total int
	err := c.do(ctx, c.listGet(EndpointBatchesList, batchesPath, q).readingFirst(), func(_ *http.Response, body io.Reader) error {
		var err error
		items, total, err = decodeBatchListMax(body, pageSize)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

// ListBatches fetches every batch: page 1 first, then all remaining pages at
// once (bounded by the client's shared limit), then more pages while the
// total grew meanwhile. Batches seen twice (the list shifted) are kept once.
func (c *Client) ListBatches(ctx context.Context, pageSize int) ([]Batch, error) {
	return c.ListBatchesExpecting(ctx, pageSize, 0)
}

// ListBatchesExpecting is ListBatches for a caller that knows about how many
// batches there are (from its last sync): it asks for all the pages that
// many batches fill at once, instead of waiting for page 1 to give the
// total, saving a round trip. A wrong guess costs at most a few empty pages
// or one more round; the result is the same.
//
// A batch removed on ESP while the pages are read shifts later items up a
// page, so one that still exists can be in no page read: when the pages'
// totals disagree, the list is read again (listAttempts in all), then
// refused with an error rather than handed on incomplete (the syncer marks
// batches missing from a list removed).
func (c *Client) ListBatchesExpecting(ctx context.Context, pageSize, expected int) ([]Batch, error) {
	if pageSize <= 0 {
		pageSize = DefaultBatchPageSize
	}
	var lo, hi int
	for range listAttempts {
		list, minTotal, maxTotal, err := c.listBatchesOnce(ctx, pageSize, expected)
		if err != nil || minTotal == maxTotal {
			return list, err
		}
		lo, hi = minTotal, maxTotal
		expected = maxTotal
	}
	return nil, fmt.Errorf("the batch list changed on ESP while it was read (%d, then %d batches), %d times in a row", hi, lo, listAttempts)
}

// listAttempts bounds the reads of a batch list that changed while read.
const listAttempts = 3

// maxPagesAtOnce bounds the pages asked for at once from a total (200,000
// batches at 100 a page); a longer list is read on page by page.
const maxPagesAtOnce = 2000

// listBatchesOnce reads the batch list once; minTotal and maxTotal are the
// smallest and largest total the pages reported (-1 if none did).
func (c *Client) listBatchesOnce(ctx context.Context, pageSize, expected int) (_ []Batch, minTotal, maxTotal int, _ error) {
	pages, totals, err := c.batchPages(ctx, 1, pagesFor(expected, pageSize), pageSize, false)
	if err != nil {
		return nil, 0, 0, err
	}
	total, least := -1, -1
	seenTotal := func(t int) {
		total = max(total, t)
		if t >= 0 && (least < 0 || t < least) {
			least = t
		}
	}
	for _, t := range totals {
		seenTotal(t)
	}
	if total < 0 {
		// No total (a shift cannot be seen): walk pages until a short one.
		per := pageSize
		if len(pages[0]) > 0 && len(pages[0]) < pageSize {
			per = len(pages[0])
		}
		for p := len(pages) + 1; len(pages[len(pages)-1]) >= per && !repeats(pages, batchID); p++ {
			items, _, err := c.ListBatchesPage(ctx, p, pageSize)
			if err != nil {
				return nil, 0, 0, err
			}
			pages = append(pages, items)
		}
		return dedupe(pages, batchID), -1, -1, nil
	}
	per := effectivePageSize(len(pages[0]), pageSize, total)
	if n := min(pagesFor(total, per), len(pages)+maxPagesAtOnce); n > len(pages) {
		more, ts, err := c.batchPages(ctx, len(pages)+1, n, pageSize, true)
		if err != nil {
			return nil, 0, 0, err
		}
		pages = append(pages, more...)
		for _, t := range ts {
			seenTotal(t)
		}
	}
	for p := len(pages) + 1; len(pages[len(pages)-1]) >= per && (p-1)*per < total && !repeats(pages, batchID); p++ {
		items, t, err := c.ListBatchesPage(ctx, p, pageSize)
		if err != nil {
			return nil, 0, 0, err
		}
		pages = append(pages, items)
		seenTotal(t)
	}
	return dedupe(pages, batchID), least, total, nil
}

// batchPages fetches pages from..to at once, bounded by the shared limit.
// With stopAtEmpty (pages counted from ESP's total, not from the caller's
// own guess) no page is asked for once one came back empty.
func (c *Client) batchPages(ctx context.Context, from, to, pageSize int, stopAtEmpty bool) ([][]Batch, []int, error) {
	n := to - from + 1
	pages := make([][]Batch, n)
	totals := make([]int, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.cfg.MaxInFlight)
	// An empty page ends the list: the pages after it are not asked for
	// (they stay empty), so a total far above what ESP holds costs a few
	// requests, not one per page it claims.
	var ended atomic.Bool
	for i := range n {
		if ended.Load() {
			totals[i] = -1
			continue
		}
		g.Go(func() error {
			if ended.Load() {
				totals[i] = -1
				return nil
			}
			items, t, err := c.ListBatchesPage(gctx, from+i, pageSize)
			pages[i], totals[i] = items, t
			if err == nil && len(items) == 0 && stopAtEmpty {
				ended.Store(true)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	return pages, totals, nil
}

func batchID(b Batch) string { return b.ID }

// repeats reports whether the last page brought nothing new: a server that
// ignores the page parameter must not keep the client paging for ever.
func repeats[T any](pages [][]T, id func(T) string) bool {
	if len(pages) < 2 {
		return false
	}
	seen := map[string]bool{}
	for _, p := range pages[:len(pages)-1] {
		for _, v := range p {
			seen[id(v)] = true
		}
	}
	for _, v := range pages[len(pages)-1] {
		if !seen[id(v)] {
			return false
		}
	}
	return true
}

// GetBatch fetches one batch.
func (c *Client) GetBatch(ctx context.Context, batchID string) (Batch, error) {
	if batchID == "" {
		return Batch{}, errors.New("get batch: empty batch id")
	}
	var b Batch
	err := c.do(ctx, c.apiGet(EndpointBatchesGet, batchesPath+"/"+url.PathEscape(batchID), nil), func(_ *http.Response, body io.Reader) error {
		var err error
		b, err = decodeBatchObject(body)
		return err
	})
	return b, err
}

// MaxListPageBytes bounds one page of a list: 200 files of generous
// metadata fit many times over, and an answer that does not fit is wrong.
const MaxListPageBytes = 16 << 20

// listGet is apiGet for one page of a list.
func (c *Client) listGet(endpoint, path string, q url.Values) request {
	r := c.apiGet(endpoint, path, q)
	r.maxBytes = min(c.cfg.MaxResponseBytes, MaxListPageBytes)
	return r
}

func (c *Client) apiGet(endpoint, path string, q url.Values) request {
	return request{endpoint: endpoint, method: http.MethodGet, url: c.endpointURL(path, q), auth: true, accept: "application/json"}
}

// effectivePageSize detects a server that caps the page size below the one
// asked for: a first page shorter than asked while more items exist.
func effectivePageSize(got, asked, total int) int {
	if got > 0 && got < asked && total > got {
		return got
	}
	return asked
}

func pagesFor(total, per int) int {
	if total <= 0 {
		return 1
	}
	return (total + per - 1) / per
}

func dedupe[T any](pages [][]T, id func(T) string) []T {
	n := 0
	for _, p := range pages {
		n += len(p)
	}
	if n == 0 {
		return nil
	}
	out := make([]T, 0, n)
	seen := make(map[string]bool, n)
	for _, p := range pages {
		for _, v := range p {
			if k := id(v); !seen[k] {
				seen[k] = true
				out = append(out, v)
			}
		}
	}
	return out
}
