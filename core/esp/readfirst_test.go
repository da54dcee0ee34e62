package esp

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A list page is read whole and its in-flight slot freed before it is
// decoded (issue 15): while handle runs, no slot is held for it. Other
// requests keep their slot until handle is done.
func TestListPageFreesSlotBeforeDecoding(t *testing.T) {
	body := `{"items":[{"id":"1"},{"id":"2"}],"meta":{"total_items":2}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	defer srv.Close()
	c, err := New(Config{APIRoot: srv.URL + "/esp", TokenURL: srv.URL + "/oauth2/token", APIKey: "k", Username: "u", RequestsPerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	inFlight := func() int {
		c.adapt.mu.Lock()
		defer c.adapt.mu.Unlock()
		return c.adapt.inFlight
	}
	for _, tc := range []struct {
		readFirst bool
		want      int
	}{{true, 0}, {false, 1}} {
		r := request{endpoint: EndpointBatchesList, method: http.MethodGet, url: srv.URL + "/esp/x", accept: "application/json", maxBytes: 1 << 10, readFirst: tc.readFirst}
		var during int
		var items []Batch
		err := c.do(t.Context(), r, func(_ *http.Response, body io.Reader) error {
			during = inFlight()
			var err error
			items, _, err = decodeBatchListMax(body, 2)
			return err
		})
		if err != nil || len(items) != 2 {
			t.Fatalf("readFirst %v: %d items, %v", tc.readFirst, len(items), err)
		}
		if during != tc.want {
			t.Errorf("readFirst %v: %d in flight while decoding, want %d", tc.readFirst, during, tc.want)
		}
		if n := inFlight(); n != 0 {
			t.Errorf("readFirst %v: %d in flight after the call, want 0", tc.readFirst, n)
		}
	}
	st := c.Stats()
	if st.Responses != 2 || st.BodyBytes != int64(2*len(body)) {
		t.Errorf("stats: %d responses, %d body bytes; want 2, %d", st.Responses, st.BodyBytes, 2*len(body))
	}

	// A body over the limit is still refused as too large, and decoding it
	// as far as it goes keeps the slot until the end.
	r := request{endpoint: EndpointBatchesList, method: http.MethodGet, url: srv.URL + "/esp/x", accept: "application/json", maxBytes: int64(len(body) - 5), readFirst: true}
	err = c.do(t.Context(), r, func(_ *http.Response, body io.Reader) error {
		if n := inFlight(); n != 1 {
			t.Errorf("%d in flight while decoding a body over the limit, want 1", n)
		}
		_, _, err := decodeBatchListMax(body, 2)
		return err
	})
	var e *Error
	if !errors.As(err, &e) || e.Kind != ErrTooLarge || !strings.Contains(e.Message, "more than") {
		t.Errorf("over the limit: %v; want ErrTooLarge", err)
	}
}
