package esp_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/session"
)

// A batch's whole contribution list is bounded like a page: an answer with
// far more items than a batch holds is refused while it is read. (Found by
// the reliability campaign: a 40 MB list of small items took a sync to
// 3.4 GB of memory once lists were asked for whole.)
func TestWholeContributionListIsBounded(t *testing.T) {
	for _, tt := range []struct {
		name     string
		items    int
		expected int
		wantErr  bool
	}{
		{"a full batch", esp.MaxBatchContributions, esp.MaxBatchContributions, false},
		{"more than the batch said, within reason", 150, 100, false},
		{"far more than any batch", 5000, 10, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				var b strings.Builder
				b.WriteString("[")
				for i := range tt.items {
					if i > 0 {
						b.WriteString(",")
					}
					fmt.Fprintf(&b, `{"id":"%d","submission_batch_id":"1","status":"pending"}`, i+1)
				}
				b.WriteString("]")
				w.Write([]byte(b.String()))
			}))
			defer hs.Close()
			s := session.Session{BearerToken: "tok"}
			c, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1,
				RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.ListContributions(ctx(t), "1", tt.expected, 0)
			if tt.wantErr {
				var e *esp.Error
				if !errors.As(err, &e) || !strings.Contains(e.Error(), "more items than a batch") {
					t.Fatalf("err = %v; want a refusal naming the batch limit", err)
				}
				return
			}
			if err != nil || len(got) != tt.items {
				t.Fatalf("got %d items, %v; want %d", len(got), err, tt.items)
			}
		})
	}
}
