package esp

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeContributionTolerance(t *testing.T) {
	tests := []struct {
		name string
		json string
		want func(c Contribution) bool
	}{
		{"numeric id", `{"id":123}`, func(c Contribution) bool { return c.ID == "123" }},
		{"keywords as strings", `{"id":"1","keywords":["a"," b ","a",""]}`, func(c Contribution) bool { return reflect.DeepEqual(c.Keywords, []string{"a", "b"}) }},
		{"keywords as objects", `{"id":"1","keywords":[{"term":"sea"},{"text":"x"},{"term":"sky","id":4}]}`, func(c Contribution) bool { return reflect.DeepEqual(c.Keywords, []string{"sea", "sky"}) }},
		{"keywords mixed", `{"id":"1","keywords":["sea",{"term":"sky"},7,null,[1]]}`, func(c Contribution) bool { return reflect.DeepEqual(c.Keywords, []string{"sea", "sky", "7"}) }},
		{"keywords as one string", `{"id":"1","keywords":"sea, sky"}`, func(c Contribution) bool { return reflect.DeepEqual(c.Keywords, []string{"sea", "sky"}) }},
		{"unknown status kept", `{"id":"1","status":"on_hold"}`, func(c Contribution) bool { return c.Status == "on_hold" }},
		{"extra fields ignored", `{"id":"1","whatever":{"deep":[1,2]},"headline":"H"}`, func(c Contribution) bool { return c.Headline == "H" }},
		{"nulls", `{"id":"1","headline":null,"submitted_at":null,"image_width":null,"keywords":null,"reviews":null}`, func(c Contribution) bool { return c.Headline == "" && c.SubmittedAt.IsZero() }},
		{"timestamp forms", `{"id":"1","created_at":"2024-05-01T10:00:00Z","updated_at":"2024-05-01T10:00:00.123+02:00","published_at":"2024-05-01 08:00:00"}`, func(c Contribution) bool {
			return c.CreatedAt.Equal(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)) && c.UpdatedAt.Equal(time.Date(2024, 5, 1, 8, 0, 0, 123e6, time.UTC)) && c.PublishedAt.Hour() == 8
		}},
		{"bool forms", `{"id":"1","submittable":"true","nominate_for_signature_plus":1}`, func(c Contribution) bool { return c.Submittable && c.NominateForSignaturePlus }},
		{"errors map", `{"id":"1","errors":{"keywords":["too few"],"headline":"blank","x":5}}`, func(c Contribution) bool {
			return reflect.DeepEqual(c.Errors, map[string][]string{"keywords": {"too few"}, "headline": {"blank"}, "x": {"5"}})
		}},
		{"reviews", `{"id":"1","reviews":[{"reviewed_at":"2024-01-02T03:04:05Z","outcome":"revisable","reasons":["Keywords"],"notes":"fix"},"junk",{"outcome":"accepted","reviewed_at":"bad"}]}`, func(c Contribution) bool {
			return len(c.Reviews) == 2 && c.Reviews[0].Outcome == "revisable" && c.Reviews[0].Notes == "fix" && c.Reviews[1].ReviewedAt.IsZero()
		}},
		{"reviews of another shape dropped", `{"id":"1","reviews":{"a":1}}`, func(c Contribution) bool { return c.Reviews == nil }},
		{"wrapped", `{"contribution":{"id":"9"}}`, func(c Contribution) bool { return c.ID == "9" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := decodeContributionObject(strings.NewReader(tt.json))
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !tt.want(c) {
				t.Errorf("decoded %+v", c)
			}
		})
	}
}

func TestDecodeStrictness(t *testing.T) {
	tests := []struct {
		name, json, wantIn string
		decode             func(string) error
	}{
		{"missing id", `[{"headline":"x"}]`, `"id" missing`, contributions},
		{"empty id", `[{"id":""}]`, `"id" missing`, contributions},
		{"id as bool", `[{"id":true}]`, `field "id"`, contributions},
		{"negative id", `[{"id":-4}]`, `field "id"`, contributions},
		{"count as string", `{"items":[{"id":"1","contributions_count":"12"}],"meta":{"total_items":1}}`, `field "contributions_count"`, batches},
		{"count negative", `{"items":[{"id":"1","pending_contributions_count":-1}]}`, `"pending_contributions_count"`, batches},
		{"count fractional", `{"items":[{"id":"1","rejected_contributions_count":1.5}]}`, `"rejected_contributions_count"`, batches},
		{"total as string", `{"items":[],"meta":{"total_items":"3"}}`, `meta`, batches},
		{"headline object", `[{"id":"1","headline":{"a":1}}]`, `field "headline"`, contributions},
		{"second item bad", `[{"id":"1"},{"id":"2","image_width":"big"}]`, `item 1`, contributions},
		{"object not list", `{"id":"1"}`, `items`, contributions},
		{"batches as list", `[{"id":"1"}]`, `a list where an object with items belongs`, batches},
		{"no items", `{"meta":{"total_items":0}}`, `no "items"`, batches},
		{"truncated", `[{"id":"1"},{"id":`, `ends too early`, contributions},
		{"trailing garbage", `[{"id":"1"}] [`, `after the end`, contributions},
		{"syntax", `[{"id":"1"},,]`, `invalid JSON`, contributions},
		{"html", `<html>502</html>`, `invalid JSON`, contributions},
		{"empty body", ``, `ends too early`, contributions},
		{"release without id", `[{"release_type":"Model"}]`, `"id" missing`, releases},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.decode(tt.json)
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantIn)
			}
		})
	}
}

func contributions(s string) error {
	_, err := decodeContributionList(strings.NewReader(s))
	return err
}
func batches(s string) error  { _, _, err := decodeBatchList(strings.NewReader(s)); return err }
func releases(s string) error { _, err := decodeReleaseList(strings.NewReader(s)); return err }

func TestDecodeBatchList(t *testing.T) {
	items, total, err := decodeBatchList(strings.NewReader(`{"meta":{"total_items":42,"x":1},"extra":[1,{"a":2}],
		"items":[{"id":"7","submission_name":"Trip","status":"closed","contributions_count":3,"processed_contributions_count":2,
		"is_getty":true,"user_id":5,"created_at":"2024-01-01T00:00:00Z"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Batch{{ID: "7", Name: "Trip", Status: "closed", ContributionsCount: 3, ProcessedCount: 2, IsGetty: true,
		UserID: "5", CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}
	if len(items) == 1 {
		items[0].Raw = nil
	}
	if !reflect.DeepEqual(items, want) || total != 42 {
		t.Errorf("got %+v total %d, want %+v total 42", items, total, want)
	}
	_, total, err = decodeBatchList(strings.NewReader(`{"items":[]}`))
	if err != nil || total != -1 {
		t.Errorf("without meta: total %d, err %v; want -1, nil", total, err)
	}
}

func TestModeledErrorBody(t *testing.T) {
	tests := []struct {
		body   string
		msg    string
		fields map[string][]string
	}{
		{`{"ErrorCode":"TokenRequired","ErrorMessage":"Token missing"}`, "Token missing", nil},
		{`{"status":["already submitted"]}`, "", map[string][]string{"status": {"already submitted"}}},
		{`{"errors":{"keywords":"too many"},"message":"Validation failed"}`, "Validation failed", map[string][]string{"keywords": {"too many"}}},
		{`{"error":"invalid_grant","error_description":"bad password"}`, "bad password", nil},
		{`<html>oops</html>`, "", nil},
		{`{"ErrorMessage":"` + strings.Repeat("x", 1000) + `"}`, strings.Repeat("x", 300) + "…", nil},
	}
	for _, tt := range tests {
		msg, fields := modeledErrorBody([]byte(tt.body))
		if msg != tt.msg || !reflect.DeepEqual(fields, tt.fields) {
			t.Errorf("modeledErrorBody(%.40q) = %q, %v; want %q, %v", tt.body, msg, fields, tt.msg, tt.fields)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{"-3", 0, false},
		{"99999999999", 24 * time.Hour, true},
		{"Thu, 01 Jan 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Thu, 01 Jan 2026 11:00:00 GMT", 0, true},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestErrorStrings(t *testing.T) {
	e := &Error{Endpoint: "contributions.update", Kind: ErrValidation, Status: 422,
		Fields: map[string][]string{"status": {"already submitted"}, "headline": {"too long"}}}
	want := "contributions.update: ESP refused the change (HTTP 422): headline too long; status already submitted"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, ErrValidation) || e.Hint() == "" {
		t.Errorf("errors.Is or Hint broken")
	}
	if got := redactURL("https://cdn.example/t.jpg?sig=SECRET#x"); strings.Contains(got, "SECRET") {
		t.Errorf("redactURL kept the query: %q", got)
	}
}

func TestConfigValidation(t *testing.T) {
	good := Config{APIRoot: ProductionAPIRoot, TokenURL: ProductionTokenURL, APIKey: "k", Username: "u"}
	if _, err := New(good); err != nil {
		t.Fatalf("production config refused: %v", err)
	}
	tests := []struct {
		name  string
		tweak func(*Config)
	}{
		{"plain http to a remote host", func(c *Config) { c.APIRoot = "http://api.gettyimages.com/esp" }},
		{"no scheme", func(c *Config) { c.TokenURL = "api.gettyimages.com/oauth2/token" }},
		{"query in root", func(c *Config) { c.APIRoot = ProductionAPIRoot + "?x=1" }},
		{"no api key", func(c *Config) { c.APIKey = "" }},
		{"no username", func(c *Config) { c.Username = "" }},
	}
	for _, tt := range tests {
		cfg := good
		tt.tweak(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	local := good
	local.APIRoot, local.TokenURL = "http://127.0.0.1:8080/esp", "http://localhost:8080/oauth2/token"
	if _, err := New(local); err != nil {
		t.Errorf("loopback http refused: %v", err)
	}
}

func TestPagingStopsWhenServerRepeatsPages(t *testing.T) {
	page := `[{"id":"1"},{"id":"2"}]`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/token" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"t","token_type":"Bearer","expires_in":3600}`)
			return
		}
		io.WriteString(w, page) // ignores ?page=
	}))
	defer srv.Close()
	c, err := New(Config{APIRoot: srv.URL + "/esp", TokenURL: srv.URL + "/oauth2/token", APIKey: "k", Username: "u", RequestsPerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ListContributions(t.Context(), "1", 5, 2) // the batch says 5: ask for more once
	if err != nil || len(got) != 2 {
		t.Fatalf("got %d, %v; want 2 contributions", len(got), err)
	}
	if n := c.Stats().Endpoints[EndpointContributionsList].Requests; n != 2 {
		t.Errorf("%d list requests, want 2", n)
	}
}

// A time field that is not RFC 3339 keeps its text (in Raw) instead of
// invalidating the item (issue #10 item 6; the Getty SDK kept
// submitted_to_review_at as free text).
func TestTimeFieldNotRFC3339KeepsText(t *testing.T) {
	in := `[{"id":"1","updated_at":"yesterday","submitted_to_review_at":"03/04/2016 10:00","published_at":1700000000,"created_at":"2024-01-01T00:00:00Z"}]`
	got, err := decodeContributionList(strings.NewReader(in))
	if err != nil || len(got) != 1 {
		t.Fatalf("decode: %v, %d items; want the item kept", err, len(got))
	}
	c := got[0]
	if !c.UpdatedAt.IsZero() || !c.SubmittedToReview.IsZero() || !c.PublishedAt.IsZero() {
		t.Errorf("unreadable times = %v, %v, %v; want zero", c.UpdatedAt, c.SubmittedToReview, c.PublishedAt)
	}
	if !c.CreatedAt.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("created_at = %v", c.CreatedAt)
	}
	for _, text := range []string{`"updated_at":"yesterday"`, `"submitted_to_review_at":"03/04/2016 10:00"`, `"published_at":1700000000`} {
		if !strings.Contains(string(c.Raw), text) {
			t.Errorf("Raw %s lacks %s", c.Raw, text)
		}
	}
}
