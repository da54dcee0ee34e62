package esp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/session"
)

// A batch removed on ESP while its batch list is being read shifts every
// later item up by one: the first item of the next page moves to the end of
// a page already read, so a batch that still exists is in no page the client
// saw. A list read that way must not be handed on as complete — the syncer
// marks every stored batch missing from it removed (with all its files).
// The totals the pages report differ (250, then 249), which shows it.
func TestBatchListShiftedByARemovalMissesNoBatch(t *testing.T) {
	const n, size = 250, 100
	var mu sync.Mutex
	live := make([]int, 0, n) // newest first: n..1
	for id := n; id >= 1; id-- {
		live = append(live, id)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		mu.Lock()
		defer mu.Unlock()
		start := min(len(live), (page-1)*size)
		end := min(len(live), start+size)
		var b strings.Builder
		b.WriteString(`{"items":[`)
		for i, id := range live[start:end] {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":"%d","status":"open","contributions_count":1}`, id)
		}
		fmt.Fprintf(&b, `],"meta":{"total_items":%d}}`, len(live))
		if page == 1 && len(live) == n {
			live = live[1:] // the newest batch is removed on ESP after page 1 was served
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(b.String()))
	}))
	defer hs.Close()
	s := session.Session{BearerToken: "tok"}
	c, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ListBatches(ctx(t), size)
	if err != nil {
		return // refusing an inconsistent list is fine: the next sync lists again
	}
	seen := map[string]bool{}
	for _, b := range got {
		seen[b.ID] = true
	}
	mu.Lock()
	defer mu.Unlock()
	var missing []int
	for _, id := range live {
		if !seen[strconv.Itoa(id)] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the list of %d batches misses %v, which still exist on ESP (the syncer would mark them removed)", len(got), missing)
	}
}

// A list that changes under every read (a batch removed after each page) is
// refused with an error after a few reads, never handed on short; one that
// grew during a read is read again, complete. (Totals cannot tell growth from
// a removal when pages come back in any order, so a list that grows during
// every read is refused too: the next sync lists it again.)
func TestBatchListChangingOnEveryReadIsRefused(t *testing.T) {
	for _, tt := range []struct {
		name    string
		change  func(live []int) []int
		wantErr bool
	}{
		{"a batch removed after every page", func(live []int) []int { return live[1:] }, true},
		{"a batch added during the first read", func(live []int) []int {
			if live[0] > 1000 {
				return live
			}
			return append([]int{live[0] + 1}, live...)
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			const size = 100
			var mu sync.Mutex
			var live []int
			for id := 1000; id > 750; id-- {
				live = append(live, id)
			}
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				mu.Lock()
				defer mu.Unlock()
				start := min(len(live), (page-1)*size)
				end := min(len(live), start+size)
				var b strings.Builder
				b.WriteString(`{"items":[`)
				for i, id := range live[start:end] {
					if i > 0 {
						b.WriteString(",")
					}
					fmt.Fprintf(&b, `{"id":"%d","status":"open"}`, id)
				}
				fmt.Fprintf(&b, `],"meta":{"total_items":%d}}`, len(live))
				if page == 1 || tt.wantErr {
					live = tt.change(live)
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(b.String()))
			}))
			defer hs.Close()
			s := session.Session{BearerToken: "tok"}
			c, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1,
				RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.ListBatches(ctx(t), size)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "changed on ESP while it was read") {
					t.Fatalf("got %d batches, err = %v; want an error saying the list changed while read", len(got), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, b := range got {
				seen[b.ID] = true
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range live[1:] { // the newest may have come after the last page 1
				if !seen[strconv.Itoa(id)] {
					t.Fatalf("batch %d missing from a list of %d", id, len(got))
				}
			}
		})
	}
}

// A total far above what ESP sends (here a billion batches, 100 on page 1,
// every later page empty) costs a few requests: before, the client asked
// for every page the total claimed, 790,000 requests in 20 s and still
// going, with ten million pages' slices allocated up front.
func TestBatchListWithAnAbsurdTotalStopsAtTheFirstEmptyPage(t *testing.T) {
	var requests atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		var b strings.Builder
		b.WriteString(`{"items":[`)
		if r.URL.Query().Get("page") == "1" {
			for i := range 100 {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"id":"%d"}`, i+1)
			}
		}
		b.WriteString(`],"meta":{"total_items":1000000000}}`)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(b.String()))
	}))
	defer hs.Close()
	s := session.Session{BearerToken: "tok"}
	c, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ListBatches(ctx(t), 100)
	if err != nil || len(got) != 100 {
		t.Fatalf("got %d batches, err = %v; want the 100 sent", len(got), err)
	}
	if n := requests.Load(); n > 1+2*int64(esp.DefaultMaxInFlight) {
		t.Fatalf("%d requests for a list of 100 batches; want at most a wave after the first empty page", n)
	}
}
