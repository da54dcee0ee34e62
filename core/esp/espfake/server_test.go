package espfake_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
)

// raw is a bare HTTP client, so these tests check the wire shapes without
// the esp package's decoders.
type raw struct {
	t     *testing.T
	srv   *espfake.Server
	token string
}

func newRaw(t *testing.T, opts espfake.Options) *raw {
	opts.Mode = espfake.ModePartner
	srv := espfaketest.New(t, opts)
	r := &raw{t: t, srv: srv}
	status, body := r.tokenRequest(url.Values{"grant_type": {"password"}, "username": {srv.Credentials().Username}, "password": {srv.Credentials().Password}})
	if status != 200 {
		t.Fatalf("token: %d %s", status, body)
	}
	r.token = body["access_token"].(string)
	return r
}

func (r *raw) tokenRequest(form url.Values) (int, map[string]any) {
	cr := r.srv.Credentials()
	if form.Get("client_id") == "" {
		form.Set("client_id", cr.APIKey)
		form.Set("client_secret", cr.APISecret)
	}
	resp, err := http.PostForm(r.srv.TokenURL(), form)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func (r *raw) do(method, path, body string, header map[string]string) (int, any) {
	r.t.Helper()
	req, _ := http.NewRequest(method, r.srv.URL()+path, strings.NewReader(body))
	req.Header.Set("Api-Key", r.srv.Credentials().APIKey)
	req.Header.Set("Authorization", "Bearer "+r.token)
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		r.t.Fatalf("%s %s: body is not JSON: %v: %.200s", method, path, err, b)
	}
	return resp.StatusCode, v
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func hasKeys(t *testing.T, what string, v any, want ...string) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: not an object: %T", what, v)
	}
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: no %q (has %v)", what, k, keys(v))
		}
	}
}

const base = "/submission/v1/submission_batches"

var batchFields = []string{"id", "submission_name", "submission_type", "status", "note", "created_at", "updated_at",
	"last_submitted_at", "last_contribution_submitted_at", "contributions_count", "submitted_contributions_count",
	"contributions_awaiting_review_count", "reviewed_contributions_count", "revisable_contributions_count",
	"processed_contributions_count", "rejected_contributions_count", "pending_contributions_count", "is_getty",
	"is_istock", "istock_exclusive", "user_id", "profile_id"}

var contributionFields = []string{"id", "submission_batch_id", "master_id", "status", "file_name", "mime_type",
	"media_type", "image_width", "image_height", "thumbnail_url", "headline", "caption", "keywords", "country_of_shoot",
	"city", "province_state", "copyright", "credit_line", "camera_shot_date", "submittable", "submitted_at",
	"submitted_to_review_at", "published_at", "created_at", "updated_at", "errors", "nominate_for_signature_plus",
	"collection_cfw_name", "reviews"}

func TestWireShapes(t *testing.T) {
	r := newRaw(t, espfake.Options{Seed: 1, Batches: 12, ContributionsPerBatch: 5, StatusMix: espfake.StatusMix{Pending: 1, Processed: 1, Revisable: 1}})
	status, tok := r.tokenRequest(url.Values{"grant_type": {"password"}, "username": {espfake.DemoUsername}, "password": {espfake.DemoPassword}})
	if status != 200 {
		t.Fatalf("token status %d", status)
	}
	hasKeys(t, "token", tok, "access_token", "token_type", "expires_in", "refresh_token")
	if tok["expires_in"] != "1800" {
		t.Errorf("expires_in = %#v, want the string \"1800\" (as ESP sends it)", tok["expires_in"])
	}

	status, list := r.do("GET", base+"?page=2&page_size=5&sort_column=created_at&sort_order=DESC", "", nil)
	if status != 200 {
		t.Fatalf("list status %d", status)
	}
	hasKeys(t, "batch list", list, "items", "meta")
	items := list.(map[string]any)["items"].([]any)
	if len(items) != 5 || list.(map[string]any)["meta"].(map[string]any)["total_items"].(float64) != 12 {
		t.Errorf("page 2: %d items, meta %v", len(items), list.(map[string]any)["meta"])
	}
	hasKeys(t, "batch", items[0], batchFields...)
	bid := items[0].(map[string]any)["id"].(string)

	status, contribs := r.do("GET", base+"/"+bid+"/contributions?page=1&page_size=200", "", nil)
	arr, ok := contribs.([]any)
	if status != 200 || !ok || len(arr) != 5 {
		t.Fatalf("contributions: status %d, %T with %d", status, contribs, len(arr))
	}
	var pendingID, submittedID string
	for _, c := range arr {
		hasKeys(t, "contribution", c, contributionFields...)
		m := c.(map[string]any)
		switch m["status"] {
		case "pending":
			pendingID = m["id"].(string)
		case "revisable":
			submittedID = m["id"].(string)
			rv := m["reviews"].([]any)
			hasKeys(t, "review", rv[0], "reviewed_at", "outcome", "reasons", "notes")
		}
	}
	status, rels := r.do("GET", base+"/"+bid+"/releases", "", nil)
	if _, ok := rels.([]any); status != 200 || !ok {
		t.Errorf("releases: %d %T", status, rels)
	}

	if pendingID == "" || submittedID == "" {
		t.Fatal("seed lacks a pending or revisable file")
	}
	status, updated := r.do("PUT", base+"/"+bid+"/contributions/"+pendingID, `{"contribution":{"headline":"New","keywords":[{"term":"x"},"y"]}}`, nil)
	if status != 200 || updated.(map[string]any)["headline"] != "New" {
		t.Errorf("update pending: %d %v", status, updated)
	}
	status, unwrapped := r.do("PUT", base+"/"+bid+"/contributions/"+pendingID, `{"caption":"Plain"}`, nil)
	if status != 200 || unwrapped.(map[string]any)["caption"] != "Plain" || unwrapped.(map[string]any)["headline"] != "New" {
		t.Errorf("unwrapped update: %d %v", status, unwrapped)
	}
	status, refused := r.do("PUT", base+"/"+bid+"/contributions/"+submittedID, `{"contribution":{"headline":"x"}}`, nil)
	if status != 422 {
		t.Errorf("update submitted: status %d, want 422", status)
	}
	hasKeys(t, "422 body", refused, "status")
	status, sub := r.do("PUT", base+"/"+bid+"/contributions/"+pendingID+"/submit", "", nil)
	if status != 200 || sub.(map[string]any)["status"] != "review" || sub.(map[string]any)["submitted_at"] == nil {
		t.Errorf("submit: %d %v", status, sub)
	}
	if status, _ := r.do("PUT", base+"/"+bid+"/contributions/"+pendingID+"/submit", "", nil); status != 422 {
		t.Errorf("second submit: %d, want 422", status)
	}
}

func TestErrorStatuses(t *testing.T) {
	r := newRaw(t, espfake.Options{Seed: 2, Batches: 2, ContributionsPerBatch: 1})
	bid := r.srv.BatchIDs()[0]
	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		status int
		code   string
	}{
		{"no token", "GET", base, map[string]string{"Authorization": ""}, 401, "TokenRequired"},
		{"bad token", "GET", base, map[string]string{"Authorization": "Bearer nope"}, 401, "InvalidToken"},
		{"token scheme", "GET", base, map[string]string{"Authorization": "Token token=" + r.token}, 200, ""},
		{"quoted token scheme", "GET", base, map[string]string{"Authorization": `Token token="` + r.token + `"`}, 200, ""},
		{"no api key", "GET", base, map[string]string{"Api-Key": ""}, 403, "InvalidApiKey"},
		{"unknown batch", "GET", base + "/42", nil, 404, "NotFound"},
		{"non-numeric batch", "GET", base + "/abc/contributions", nil, 404, "NotFound"},
		{"unknown contribution", "GET", base + "/" + bid + "/contributions/1", nil, 404, "NotFound"},
		{"unknown path", "GET", "/nothing/here", nil, 404, "NotFound"},
		{"bad page", "GET", base + "?page=0", nil, 400, "BadRequest"},
		{"bad sort", "GET", base + "?sort_order=sideways", nil, 400, "BadRequest"},
		{"bad date", "GET", base + "?date_from=yesterday", nil, 400, "BadRequest"},
	}
	for _, tt := range tests {
		status, body := r.do(tt.method, tt.path, "", tt.header)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, status, tt.status)
		}
		if tt.code != "" {
			if m, _ := body.(map[string]any); m["ErrorCode"] != tt.code || m["ErrorMessage"] == "" {
				t.Errorf("%s: body %v, want ErrorCode %s", tt.name, body, tt.code)
			}
		}
	}
	for _, form := range []url.Values{
		{"grant_type": {"password"}, "username": {"demo"}, "password": {"wrong"}},
		{"grant_type": {"refresh_token"}, "refresh_token": {"made-up"}},
		{"grant_type": {"client_credentials"}},
		{"grant_type": {"password"}, "client_id": {"other"}, "client_secret": {"x"}},
	} {
		status, body := r.tokenRequest(form)
		if status != 400 && status != 401 || body["error"] == nil {
			t.Errorf("token %v: %d %v", form, status, body)
		}
	}
}

func TestPagingSortingFiltering(t *testing.T) {
	r := newRaw(t, espfake.Options{Seed: 3, Batches: 150, ContributionsPerBatch: 1})
	_, list := r.do("GET", base+"?page_size=1000", "", nil)
	if n := len(list.(map[string]any)["items"].([]any)); n != 100 {
		t.Errorf("page_size=1000 gave %d items, want the cap of 100", n)
	}
	_, def := r.do("GET", base, "", nil)
	if n := len(def.(map[string]any)["items"].([]any)); n != 10 {
		t.Errorf("default page size %d, want 10", n)
	}
	_, beyond := r.do("GET", base+"?page=99999999999999&page_size=100", "", nil)
	if n := len(beyond.(map[string]any)["items"].([]any)); n != 0 {
		t.Errorf("page past the end gave %d items", n)
	}
	created := func(q string) []string {
		_, l := r.do("GET", base+"?page_size=100&"+q, "", nil)
		var out []string
		for _, it := range l.(map[string]any)["items"].([]any) {
			out = append(out, it.(map[string]any)["created_at"].(string))
		}
		return out
	}
	desc, asc := created("sort_order=DESC"), created("sort_order=Ascending")
	if !sort.SliceIsSorted(desc, func(i, j int) bool { return desc[i] > desc[j] }) || !sort.StringsAreSorted(asc) {
		t.Errorf("sort orders wrong")
	}
	day := asc[0][:10]
	filtered := created("date_from=" + day + "&date_to=" + day)
	for _, c := range filtered {
		if c[:10] != day {
			t.Errorf("date filter let %s through for %s", c, day)
		}
	}
	if len(filtered) == 0 {
		t.Errorf("date filter dropped everything for %s", day)
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.168.1.10:8080", ":8080", "example.com:80"} {
		if _, err := espfake.New(espfake.Options{Addr: addr}); err == nil {
			t.Errorf("New accepted %s", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0", "localhost:0", "127.0.0.2:0"} {
		if _, err := espfake.New(espfake.Options{Addr: addr}); err != nil {
			t.Errorf("New refused %s: %v", addr, err)
		}
	}
}

func TestDeterministicFromSeed(t *testing.T) {
	gen := func(seed uint64) espfake.Portfolio {
		s, err := espfake.New(espfake.Options{Mode: espfake.ModePartner, Seed: seed, Batches: 5, ContributionsPerBatch: 4, ContributionsPerBatchMax: 9})
		if err != nil {
			t.Fatal(err)
		}
		return s.Portfolio()
	}
	a, b, c := gen(7), gen(7), gen(8)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different portfolios")
	}
	if reflect.DeepEqual(a, c) {
		t.Errorf("different seeds, same portfolio")
	}
}

func TestCountsConsistent(t *testing.T) {
	s, _ := espfake.New(espfake.Options{Mode: espfake.ModePartner, Seed: 4, Batches: 20, ContributionsPerBatch: 10, ContributionsPerBatchMax: 40})
	for _, b := range s.Portfolio().Batches {
		byStatus := map[string]int{}
		for _, c := range b.Contributions {
			byStatus[c.Status]++
		}
		checks := []struct {
			name      string
			got, want int
		}{
			{"total", b.ContributionsCount, len(b.Contributions)},
			{"pending", b.PendingCount, byStatus["pending"]},
			{"submitted", b.SubmittedCount, len(b.Contributions) - byStatus["pending"]},
			{"processed = reviewed - rejected", b.ProcessedCount, b.ReviewedCount - b.RejectedCount},
			{"awaiting", b.AwaitingReviewCount, byStatus["review"] + byStatus["revised"]},
			{"revisable", b.RevisableCount, byStatus["revisable"]},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("batch %s %s: %d, want %d", b.ID, c.name, c.got, c.want)
			}
		}
		for _, c := range b.Contributions {
			if c.UpdatedAt.After(b.UpdatedAt) {
				t.Errorf("file %s updated after its batch", c.ID)
			}
			if c.Status == "processed" && (len(c.Reviews) == 0 || c.Reviews[len(c.Reviews)-1].Outcome != "accepted" || c.PublishedAt.IsZero()) {
				t.Errorf("processed file %s lacks an accepting review or published_at", c.ID)
			}
		}
	}
}

func TestMutationsBumpUpdatedAt(t *testing.T) {
	fixed := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) // a stopped clock earlier than every generated time
	s, _ := espfake.New(espfake.Options{Mode: espfake.ModePartner, Seed: 5, Batches: 2, ContributionsPerBatch: 6, StatusMix: espfake.StatusMix{Pending: 1},
		Now: func() time.Time { return fixed }})
	bid := s.BatchIDs()[0]
	ids := s.ContributionIDs(bid)
	batch := func() esp.Batch {
		for _, b := range s.Portfolio().Batches {
			if b.ID == bid {
				return b.Batch
			}
		}
		t.Fatal("batch gone")
		return esp.Batch{}
	}
	headline := "Edited"
	steps := []struct {
		name  string
		do    func() error
		check func(b esp.Batch) bool
	}{
		{"submit", func() error { return s.Submit(bid, ids[0]) }, func(b esp.Batch) bool { return b.AwaitingReviewCount == 1 }},
		{"accept", func() error { return s.Accept(bid, ids[0]) }, func(b esp.Batch) bool { return b.ProcessedCount == 1 }},
		{"revision", func() error { return s.RequestRevision(bid, ids[1], []string{"Keywords"}, "fix") }, func(b esp.Batch) bool { return b.RevisableCount == 1 }},
		{"reject", func() error { return s.Reject(bid, ids[2], []string{"Focus"}, "soft") }, func(b esp.Batch) bool { return b.RejectedCount == 1 }},
		{"edit", func() error { return s.EditMetadata(bid, ids[3], esp.ContributionUpdate{Headline: &headline}) }, func(esp.Batch) bool { return true }},
		{"add", func() error { _, err := s.AddContribution(bid, espfake.ContributionSpec{Headline: "New"}); return err }, func(b esp.Batch) bool { return b.ContributionsCount == 7 }},
		{"remove", func() error { return s.RemoveContribution(bid, ids[4]) }, func(b esp.Batch) bool { return b.ContributionsCount == 6 }},
		{"status", func() error { return s.SetStatus(bid, ids[5], "mystery") }, func(b esp.Batch) bool { return b.PendingCount == 2 }},
	}
	prev := batch().UpdatedAt
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		b := batch()
		if !b.UpdatedAt.After(prev) {
			t.Errorf("%s: updated_at %v did not move past %v", st.name, b.UpdatedAt, prev)
		}
		if !st.check(b) {
			t.Errorf("%s: counts not updated: %+v", st.name, b)
		}
		prev = b.UpdatedAt
	}
	if err := s.Accept(bid, "123"); !errors.Is(err, espfake.ErrNotFound) {
		t.Errorf("Accept on an unknown file: %v", err)
	}
	if err := s.RemoveBatch("1"); !errors.Is(err, espfake.ErrNotFound) {
		t.Errorf("RemoveBatch unknown: %v", err)
	}
}

func TestAddAndRemoveBatches(t *testing.T) {
	s, _ := espfake.New(espfake.Options{Mode: espfake.ModePartner, Seed: 6, Batches: 3, ContributionsPerBatch: 2})
	id, err := s.AddBatch(espfake.BatchSpec{Name: "New trip", Type: "istock_creative_still", Files: 4})
	if err != nil {
		t.Fatal(err)
	}
	p := s.Portfolio()
	if p.Batches[0].ID != id || p.Batches[0].Name != "New trip" || p.Batches[0].PendingCount != 4 || !p.Batches[0].IsIStock {
		t.Errorf("new batch = %+v, want it first with 4 pending files", p.Batches[0].Batch)
	}
	if err := s.RemoveBatch(id); err != nil {
		t.Fatal(err)
	}
	if got := len(s.BatchIDs()); got != 3 {
		t.Errorf("%d batches after removal, want 3", got)
	}
}

func TestParseFault(t *testing.T) {
	tests := []struct {
		in   string
		want espfake.Fault
		bad  bool
	}{
		{"503", espfake.Fault{Kind: "503", Probability: 1}, false},
		{"503:0.25", espfake.Fault{Kind: "503", Probability: 0.25}, false},
		{"contributions.list:reset:x3", espfake.Fault{Endpoint: "contributions.list", Kind: "reset", Count: 3}, false},
		{"thumbnail:timeout", espfake.Fault{Endpoint: "thumbnail", Kind: "timeout", Probability: 1}, false},
		{"nope", espfake.Fault{}, true},
		{"503:2", espfake.Fault{}, true},
		{"503:x0", espfake.Fault{}, true},
		{"a:b:c:d", espfake.Fault{}, true},
	}
	for _, tt := range tests {
		got, err := espfake.ParseFault(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseFault(%q) = %+v, %v; want %+v, bad=%v", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func TestRequestLogBounded(t *testing.T) {
	r := newRaw(t, espfake.Options{Seed: 7, Batches: 1, ContributionsPerBatch: 1, RequestLogLimit: 3})
	for range 5 {
		r.do("GET", base, "", nil)
	}
	reqs := r.srv.Requests()
	if len(reqs) != 3 || reqs[2].Endpoint != esp.EndpointBatchesList {
		t.Errorf("log = %+v, want the 3 latest", reqs)
	}
	if got := r.srv.Counts(); got[esp.EndpointBatchesList] != 5 || got[esp.EndpointToken] != 1 {
		t.Errorf("counts = %v", got)
	}
}
