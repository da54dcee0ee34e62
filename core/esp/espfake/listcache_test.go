package espfake

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
)

// oldListBatches is the batch-list handler as it was before the list caches
// (listcache.go): it sorts every batch and encodes a map envelope on every
// request. It is the oracle the cached pages must equal byte for byte.
func (s *Server) oldListBatches(w http.ResponseWriter, r *http.Request) {
	s.knobMu.Lock()
	limit := s.batchCap
	s.knobMu.Unlock()
	page, size, err := pageParams(r, defaultBatchPageSize, limit)
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	q := r.URL.Query()
	col := q.Get("sort_column")
	if col != "" && col != "created_at" && col != "updated_at" {
		writeError(w, http.StatusBadRequest, "BadRequest", "sort_column must be created_at or updated_at")
		return
	}
	desc, ok := parseSortOrder(q.Get("sort_order"))
	if !ok {
		writeError(w, http.StatusBadRequest, "BadRequest", "sort_order must be DESC or ASC")
		return
	}
	from, to, err := dateRange(q.Get("date_from"), q.Get("date_to"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}

	s.mu.RLock()
	list := make([]*batch, 0, len(s.batches))
	for _, b := range s.batches {
		if b.created >= from && b.created < to {
			list = append(list, b)
		}
	}
	key := func(b *batch) int64 { return b.created }
	if col == "updated_at" {
		key = func(b *batch) int64 { return b.updated }
	}
	slices.SortStableFunc(list, func(a, b *batch) int {
		c := cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a.id, b.id))
		if desc {
			return -c
		}
		return c
	})
	start, end := pageBounds(len(list), page, size)
	items := make([]wireBatch, 0, end-start)
	for _, b := range list[start:end] {
		items = append(items, s.renderBatchLocked(b))
	}
	total := len(list)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "meta": map[string]int{"total_items": total}})
}

type listClient struct {
	t     *testing.T
	s     *Server
	token string
}

func newListClient(t *testing.T, opts Options) *listClient {
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return &listClient{t: t, s: s, token: s.NewSession().BearerToken}
}

// get asks for the batch list with query over loopback HTTP.
func (c *listClient) get(query string) (int, string, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.s.URL()+"/submission/v1/submission_batches?"+query, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// same checks that every query's page over HTTP equals the oracle's.
func (c *listClient) same(step string, queries []string) {
	c.t.Helper()
	for _, q := range queries {
		status, ctype, body := c.get(q)
		rec := httptest.NewRecorder()
		c.s.oldListBatches(rec, httptest.NewRequest("GET", "/x?"+q, nil))
		if status != rec.Code || ctype != rec.Header().Get("Content-Type") || body != rec.Body.String() {
			c.t.Fatalf("after %s, ?%s differs from the uncached page:\n got %d %s %.300s\nwant %d %s %.300s",
				step, q, status, ctype, body, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
}

func listQueries(days []string) []string {
	qs := []string{"", "page=2", "page_size=1000", "page=99999999999999&page_size=100", "page=0", "page_size=x",
		"sort_column=name", "sort_order=sideways", "date_from=2023-13-01", "date_to=yesterday"}
	for _, col := range []string{"", "sort_column=created_at", "sort_column=updated_at"} {
		for _, ord := range []string{"", "sort_order=ASC", "sort_order=Descending"} {
			for _, pg := range []string{"page_size=100", "page=2&page_size=7", "page=3&page_size=100"} {
				qs = append(qs, strings.Join([]string{col, ord, pg}, "&"))
			}
			for _, d := range [][2]string{{days[0], days[0]}, {days[1], ""}, {"", days[1]}, {days[1], days[2]}, {days[2], days[0]}} {
				dq := "page_size=50"
				if d[0] != "" {
					dq += "&date_from=" + d[0]
				}
				if d[1] != "" {
					dq += "&date_to=" + d[1]
				}
				qs = append(qs, strings.Join([]string{col, ord, dq}, "&"))
			}
		}
	}
	return qs
}

// The cached batch list answers exactly what the uncached one did, for every
// sort order, date filter and page, after every kind of change.
func TestBatchPagesMatchUncached(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var clockMu sync.Mutex
	clock := func() time.Time { // a stopped clock: changes get strictly increasing stamps anyway
		clockMu.Lock()
		defer clockMu.Unlock()
		return now
	}
	c := newListClient(t, Options{Seed: 15, Batches: 230, ContributionsPerBatch: 2, ContributionsPerBatchMax: 9,
		Now: clock, NoThumbnails: true})
	p := c.s.Portfolio()
	day := func(i int) string { return p.Batches[i].CreatedAt.Format("2006-01-02") }
	queries := listQueries([]string{day(0), day(len(p.Batches) / 2), day(len(p.Batches) - 1)})
	c.same("start", queries)
	c.same("asking again (cached)", queries)

	b0, b1 := p.Batches[3], p.Batches[100]
	cid := func(b PortfolioBatch, i int) string { return b.Contributions[i].ID }
	headline := "Harbour at dawn"
	steps := []struct {
		name string
		do   func() error
	}{
		{"EditMetadata", func() error {
			return c.s.EditMetadata(b0.ID, cid(b0, 0), esp.ContributionUpdate{Headline: &headline})
		}},
		{"SetStatus", func() error { return c.s.SetStatus(b0.ID, cid(b0, 1), "pending") }},
		{"Submit", func() error { return c.s.Submit(b0.ID, cid(b0, 1)) }},
		{"Accept", func() error { return c.s.Accept(b1.ID, cid(b1, 0)) }},
		{"RequestRevision", func() error { return c.s.RequestRevision(b1.ID, cid(b1, 1), []string{"Noise"}, "") }},
		{"Reject", func() error { return c.s.Reject(b0.ID, cid(b0, 0), []string{"Similar"}, "") }},
		{"AddBatch", func() error { _, err := c.s.AddBatch(BatchSpec{Name: "New", Files: 4}); return err }},
		{"AddContribution", func() error { _, err := c.s.AddContribution(b1.ID, ContributionSpec{}); return err }},
		{"RemoveContribution", func() error { return c.s.RemoveContribution(b1.ID, cid(b1, 1)) }},
		{"RemoveBatch", func() error { return c.s.RemoveBatch(p.Batches[50].ID) }},
		{"clock moves on", func() error {
			clockMu.Lock()
			now = now.Add(72 * time.Hour)
			clockMu.Unlock()
			c.token = c.s.NewSession().BearerToken // the old one has run out
			_, err := c.s.AddBatch(BatchSpec{Files: 1})
			return err
		}},
		{"PUT update over HTTP", func() error {
			id, err := c.s.AddContribution(b0.ID, ContributionSpec{})
			if err != nil {
				return err
			}
			return c.put(b0.ID, id, `{"contribution":{"headline":"Quay in fog","keywords":["quay"]}}`)
		}},
		{"PUT submit over HTTP", func() error {
			id, err := c.s.AddContribution(b1.ID, ContributionSpec{})
			if err != nil {
				return err
			}
			return c.put(b1.ID, id+"/submit", "")
		}},
		{"sessions expire", func() error {
			c.s.ExpireSessions()
			if status, _, body := c.get("page_size=100"); status != http.StatusUnauthorized {
				return fmt.Errorf("an expired session got %d %.100s", status, body)
			}
			c.token = c.s.NewSession().BearerToken
			return nil
		}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		c.same(st.name, queries)
	}
}

// An empty portfolio lists as the uncached handler did: no items, total 0.
func TestBatchPagesEmptyPortfolio(t *testing.T) {
	c := newListClient(t, Options{Seed: 17, Batches: -1, NoThumbnails: true})
	c.same("start", listQueries([]string{"2023-01-02", "2023-01-02", "2024-01-01"}))
	if _, _, body := c.get(""); body != `{"items":[],"meta":{"total_items":0}}` {
		t.Errorf("empty portfolio: %s", body)
	}
	if _, err := c.s.AddBatch(BatchSpec{Files: 2}); err != nil {
		t.Fatal(err)
	}
	c.same("the first batch", listQueries([]string{"2023-01-02", "2023-01-02", "2024-01-01"}))
}

func (c *listClient) put(batchID, path, body string) error {
	req, _ := http.NewRequest("PUT", c.s.URL()+"/submission/v1/submission_batches/"+batchID+"/contributions/"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT %s: %d", path, resp.StatusCode)
	}
	return nil
}

// While pages are being read concurrently, a change is visible to the very
// next request made after it returns (no stale cached page), and the race
// detector sees no unsynchronised cache access.
func TestBatchPagesNeverStale(t *testing.T) {
	c := newListClient(t, Options{Seed: 16, Batches: 120, ContributionsPerBatch: 3, NoThumbnails: true})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, q := range []string{"page_size=100", "sort_column=updated_at&page=2&page_size=30", "sort_order=ASC&page_size=100"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if status, _, body := c.get(q); status != http.StatusOK {
					t.Errorf("?%s: %d %.100s", q, status, body)
					return
				}
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	for i := range 15 {
		id, err := c.s.AddBatch(BatchSpec{Name: fmt.Sprint("Added ", i), Files: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"sort_column=updated_at&page_size=1", "page_size=1"} {
			if _, _, body := c.get(q); !strings.Contains(body, `"id":"`+id+`"`) {
				t.Fatalf("after adding batch %s, ?%s answers %.200s", id, q, body)
			}
		}
		older := c.s.BatchIDs()[len(c.s.BatchIDs())-1-i] // an old batch, touched now: first by updated_at
		if err := c.s.EditMetadata(older, c.s.ContributionIDs(older)[0], esp.ContributionUpdate{Headline: &id}); err != nil {
			t.Fatal(err)
		}
		if _, _, body := c.get("sort_column=updated_at&page_size=1"); !strings.Contains(body, `"id":"`+older+`"`) {
			t.Fatalf("after editing batch %s, the newest by updated_at is %.200s", older, body)
		}
		if err := c.s.RemoveBatch(id); err != nil {
			t.Fatal(err)
		}
		if _, _, body := c.get("page_size=100"); strings.Contains(body, `"id":"`+id+`"`) {
			t.Fatalf("batch %s still listed after its removal", id)
		}
	}
}
