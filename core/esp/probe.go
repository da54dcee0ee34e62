package esp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"time"
)

// A probe calls each read endpoint the client uses once (bounded: the first
// page of batches, the first batch, its first file) and describes what came
// back by SHAPE only: status codes, the headers that matter, and for JSON
// bodies the keys, JSON types and array lengths, never a value. It compares
// the shapes with what the client's decoders expect, so a report is safe to
// attach to a bug report and says where ESP and the client disagree.

// Shape is a JSON value with its values removed.
type Shape struct {
	Type   string            `json:"type"`             // object, array, string, number, bool, null, or "a|b" when items differ
	Keys   map[string]*Shape `json:"keys,omitempty"`   // object: key → shape
	Length *int              `json:"length,omitempty"` // array: number of elements
	Items  *Shape            `json:"items,omitempty"`  // array: the elements' shapes, merged
}

// ProbeCall is one endpoint's answer.
type ProbeCall struct {
	Endpoint    string   `json:"endpoint"`
	Method      string   `json:"method"`
	Path        string   `json:"path"` // with {batch_id}, {contribution_id} in place of ids
	Status      int      `json:"status"`
	ContentType string   `json:"content_type,omitempty"` // media type only
	Headers     []string `json:"headers,omitempty"`      // names of the headers that matter that were present
	Shape       *Shape   `json:"shape,omitempty"`
	Error       string   `json:"error,omitempty"` // why there is no shape (kind of failure, no server text)
	// Failed is the failure behind Error for errors.Is: one of the Err*
	// kinds (ErrSignedOut, ErrUnavailable, …) or ErrMalformed for a body
	// that is not JSON; nil when the call brought a shape.
	Failed      error    `json:"-"`
	Differences []string `json:"differences,omitempty"` // how the shape differs from what the client expects
}

// ProbeReport is the whole probe.
type ProbeReport struct {
	APIRoot string      `json:"api_root"`
	Auth    string      `json:"auth"` // "session" or "partner"
	Time    time.Time   `json:"time"`
	Calls   []ProbeCall `json:"calls"`
}

// maxProbeBody bounds one probed body.
const maxProbeBody = 8 << 20

// interestingHeaders are reported by name when present.
var interestingHeaders = []string{"Retry-After", "X-Error-Detail", "Set-Cookie", "Location", "Link", "WWW-Authenticate", "X-RateLimit-Limit", "X-RateLimit-Remaining"}

// Probe runs the probe. It fails only when ctx ends; each call's failure is
// recorded in its ProbeCall.
func (c *Client) Probe(ctx context.Context) (ProbeReport, error) {
	rep := ProbeReport{APIRoot: c.rootString, Auth: "partner", Time: c.cfg.Now().UTC().Truncate(time.Second)}
	if c.sessionMode() {
		rep.Auth = "session"
	}
	q := url.Values{"page": {"1"}, "page_size": {"10"}, "sort_column": {"created_at"}, "sort_order": {"Descending"}}
	list, body := c.probeCall(ctx, EndpointBatchesList, batchesPath, batchesPath, q)
	rep.Calls = append(rep.Calls, list)
	batchID := firstID(body, "items")
	if batchID == "" {
		return rep, ctx.Err()
	}
	bp := batchesPath + "/" + url.PathEscape(batchID)
	const bt = batchesPath + "/{batch_id}"
	call, _ := c.probeCall(ctx, EndpointBatchesGet, bp, bt, nil)
	rep.Calls = append(rep.Calls, call)
	call, body = c.probeCall(ctx, EndpointContributionsList, bp+"/contributions", bt+"/contributions", nil)
	rep.Calls = append(rep.Calls, call)
	if cid := firstID(body, ""); cid != "" {
		call, _ = c.probeCall(ctx, EndpointContributionsGet, bp+"/contributions/"+url.PathEscape(cid), bt+"/contributions/{contribution_id}", nil)
		rep.Calls = append(rep.Calls, call)
	}
	call, _ = c.probeCall(ctx, EndpointReleasesList, bp+"/releases", bt+"/releases", nil)
	rep.Calls = append(rep.Calls, call)
	return rep, ctx.Err()
}

// probeCall sends one GET (no retries) and describes the answer.
func (c *Client) probeCall(ctx context.Context, endpoint, path, template string, q url.Values) (ProbeCall, []byte) {
	pc := ProbeCall{Endpoint: endpoint, Method: http.MethodGet, Path: template}
	if len(q) > 0 {
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		pc.Path += "?" + strings.Join(keys, "=…&") + "=…"
	}
	var status int
	var header http.Header
	var body []byte
	err := c.do(ctx, c.apiGet(endpoint, path, q), func(resp *http.Response, r io.Reader) error {
		status, header = resp.StatusCode, resp.Header
		var err error
		body, err = io.ReadAll(io.LimitReader(r, maxProbeBody))
		return err
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			pc.Status = e.Status
			pc.Error, pc.Failed = e.Kind.Error(), e.Kind
		} else {
			pc.Error, pc.Failed = "no answer", ErrUnavailable
		}
		return pc, nil
	}
	pc.Status = status
	if mt, _, err := mime.ParseMediaType(header.Get("Content-Type")); err == nil {
		pc.ContentType = mt
	}
	for _, h := range interestingHeaders {
		if header.Get(h) != "" {
			pc.Headers = append(pc.Headers, h)
		}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		pc.Error, pc.Failed = "the body is not JSON", ErrMalformed
		return pc, nil
	}
	pc.Shape = shapeOf(v)
	pc.Differences = expectDiff(endpoint, pc.Shape)
	return pc, body
}

// firstID is the "id" of the first element of the array at key ("" for a
// top-level array), as text.
func firstID(body []byte, key string) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	if key != "" {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[key]
	}
	if m, ok := v.(map[string]any); ok && key == "" {
		v = m["items"]
	}
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		return ""
	}
	obj, ok := arr[0].(map[string]any)
	if !ok {
		return ""
	}
	switch id := obj["id"].(type) {
	case string:
		return id
	case float64:
		return fmt.Sprintf("%.0f", id)
	}
	return ""
}

func shapeOf(v any) *Shape {
	switch t := v.(type) {
	case map[string]any:
		s := &Shape{Type: "object", Keys: make(map[string]*Shape, len(t))}
		for k, x := range t {
			k = probeKey(k)
			s.Keys[k] = merge(s.Keys[k], shapeOf(x))
		}
		return s
	case []any:
		n := len(t)
		s := &Shape{Type: "array", Length: &n}
		for _, x := range t {
			s.Items = merge(s.Items, shapeOf(x))
		}
		return s
	case string:
		return &Shape{Type: "string"}
	case json.Number, float64:
		return &Shape{Type: "number"}
	case bool:
		return &Shape{Type: "bool"}
	}
	return &Shape{Type: "null"}
}

// ValueKey stands in a Shape for every object key that may be a value rather
// than a field name: an object keyed by ids, file names, titles or e-mail
// addresses would otherwise print them. Such keys are merged into one.
const ValueKey = "‹value›"

// probeKey is k when it looks like a field name (ASCII letters, digits, "_",
// "-", "." and ":", starting with a letter, "_", "@" or "$", at most 48
// bytes, no run of 4 digits as in an id), else ValueKey.
func probeKey(k string) string {
	if k == "" || len(k) > 48 {
		return ValueKey
	}
	digits := 0
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= '0' && c <= '9':
			if i == 0 {
				return ValueKey
			}
			if digits++; digits >= 4 {
				return ValueKey
			}
			continue
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case (c == '@' || c == '$') && i == 0:
		case (c == '-' || c == '.' || c == ':') && i > 0:
		default:
			return ValueKey
		}
		digits = 0
	}
	return k
}

// merge combines the shapes of array elements: keys are united, differing
// types joined as "a|b".
func merge(a, b *Shape) *Shape {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	if a.Type != b.Type {
		types := map[string]bool{}
		for _, t := range strings.Split(a.Type+"|"+b.Type, "|") {
			types[t] = true
		}
		names := make([]string, 0, len(types))
		for t := range types {
			names = append(names, t)
		}
		sort.Strings(names)
		out := *a
		out.Type = strings.Join(names, "|")
		if b.Keys != nil && out.Keys == nil {
			out.Keys = b.Keys
		}
		return &out
	}
	out := *a
	if a.Keys != nil || b.Keys != nil {
		out.Keys = map[string]*Shape{}
		for k, v := range a.Keys {
			out.Keys[k] = v
		}
		for k, v := range b.Keys {
			out.Keys[k] = merge(out.Keys[k], v)
		}
	}
	if a.Items != nil || b.Items != nil {
		out.Items = merge(a.Items, b.Items)
	}
	if a.Length != nil && b.Length != nil && *a.Length != *b.Length {
		out.Length = nil // lengths differ between elements
	}
	return &out
}

// expected is what the client's decoders take: key → JSON types accepted.
func expected(v any) map[string]string {
	out := map[string]string{}
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch f.Type {
		case reflect.TypeFor[flexID]():
			out[name] = "string|number"
		case reflect.TypeFor[flexString](), reflect.TypeFor[flexTime]():
			out[name] = "string"
		case reflect.TypeFor[count]():
			out[name] = "number"
		case reflect.TypeFor[flexBool]():
			out[name] = "bool"
		case reflect.TypeFor[fieldMessages]():
			out[name] = "object"
		case reflect.TypeFor[keywords]():
			out[name] = "array|string"
		default:
			out[name] = "array"
		}
	}
	return out
}

// expectDiff lists how shape differs from what endpoint's decoder expects.
func expectDiff(endpoint string, s *Shape) []string {
	var item *Shape
	var want map[string]string
	var diffs []string
	switch endpoint {
	case EndpointBatchesList:
		if s.Type != "object" || s.Keys["items"] == nil {
			return []string{`expected an object with "items" and "meta"`}
		}
		if s.Keys["meta"] == nil || s.Keys["meta"].Keys["total_items"] == nil {
			diffs = append(diffs, `no "meta.total_items": paging walks until a short page`)
		}
		item, want = s.Keys["items"].Items, expected(wireBatch{})
	case EndpointBatchesGet:
		item, want = unwrap(s, modeledBatchWrapper), expected(wireBatch{})
	case EndpointContributionsGet:
		item, want = unwrap(s, modeledContributionWrapper), expected(wireContribution{})
	case EndpointContributionsList, EndpointReleasesList:
		if s.Type == "object" && s.Keys["items"] != nil {
			diffs = append(diffs, `an {"items":[…]} envelope where a plain array was expected (accepted)`)
			s = s.Keys["items"]
		}
		if s.Type != "array" {
			return append(diffs, "expected a plain array, got "+s.Type)
		}
		item, want = s.Items, expected(wireContribution{})
		if endpoint == EndpointReleasesList {
			want = expected(wireRelease{})
		}
	}
	if item == nil {
		return diffs // empty list: nothing to compare
	}
	if item.Type != "object" {
		return append(diffs, "items are "+item.Type+", expected objects")
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		got, ok := item.Keys[k]
		switch {
		case !ok:
			if k != "reviews" {
				diffs = append(diffs, fmt.Sprintf("%q is missing", k))
			}
		case !typesFit(got.Type, want[k]):
			diffs = append(diffs, fmt.Sprintf("%q is %s, expected %s", k, got.Type, want[k]))
		}
	}
	var extra []string
	for k := range item.Keys {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		diffs = append(diffs, "not mapped by the client (kept as raw JSON): "+strings.Join(extra, ", "))
	}
	return diffs
}

func unwrap(s *Shape, wrapper string) *Shape {
	if s.Type == "object" && len(s.Keys) == 1 && s.Keys[wrapper] != nil {
		return s.Keys[wrapper]
	}
	return s
}

// typesFit reports whether every type in got ("a|b") is null or one of want's.
func typesFit(got, want string) bool {
	for _, g := range strings.Split(got, "|") {
		if g != "null" && !strings.Contains("|"+want+"|", "|"+g+"|") {
			return false
		}
	}
	return true
}
