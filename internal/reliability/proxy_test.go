package reliability

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// proxy stands between the client and the built-in ESP server, on two
// loopback listeners (API and thumbnail host, so origins stay distinct). It
// forwards every request, rewriting the server's URLs in bodies to its own,
// and can break responses in the ways espfake cannot (empty bodies, 401,
// 403), rewrite JSON into hostile data, serve huge bodies and replace
// thumbnails. It also remembers every token it sees, for the secrets scan.
type proxy struct {
	srv            *espfake.Server
	api, thumbs    *httptest.Server
	upAPI, upThumb string // upstream origins, e.g. http://127.0.0.1:1234
	up             *http.Client

	mu        sync.Mutex
	rewriteMu sync.Mutex // rewrites keep counters: one at a time
	faults    []*proxyFault
	rewrite   func(endpoint string, v any) any // JSON rewrite of 2xx API bodies
	raw       []string                         // old, new, … byte replacements after the rewrite
	thumbBody func(path string) (body []byte, contentType string, ok bool)
	huge      map[string]int64 // endpoint → serve a body this large instead
	tokens    map[string]bool  // access and refresh tokens handed out
	thumbCred int              // requests to the thumbnail host carrying the Api-Key or a token
	counts    map[string]int
	stall     *stallPlan // requests to hold without a (whole) answer; see stall_test.go
}

// Faults only the proxy injects.
const (
	faultEmpty     = "empty_body"   // 200 with an empty body
	faultUnauth    = "401"          // 401 with a JSON error, every token refused
	faultForbidden = "403"          // 403 with a JSON error
	faultEcho      = "echo_headers" // 500 whose message repeats the request's headers
)

type proxyFault struct {
	endpoint string
	kind     string
	count    int // 0: every matching request
}

func newProxy(t testing.TB, srv *espfake.Server) *proxy {
	p := &proxy{srv: srv, up: &http.Client{}, huge: map[string]int64{}, tokens: map[string]bool{}, counts: map[string]int{}}
	p.upAPI = strings.TrimSuffix(srv.URL(), "/esp")
	p.upThumb = srv.ThumbnailBaseURL()
	const batches = "/esp/submission/v1/submission_batches"
	mux := http.NewServeMux()
	for pattern, name := range map[string]string{
		"POST /oauth2/token":                               esp.EndpointToken,
		"GET " + batches:                                   esp.EndpointBatchesList,
		"GET " + batches + "/{b}":                          esp.EndpointBatchesGet,
		"GET " + batches + "/{b}/contributions":            esp.EndpointContributionsList,
		"GET " + batches + "/{b}/contributions/{c}":        esp.EndpointContributionsGet,
		"PUT " + batches + "/{b}/contributions/{c}":        esp.EndpointContributionUpdate,
		"PUT " + batches + "/{b}/contributions/{c}/submit": esp.EndpointContributionSubmit,
		"GET " + batches + "/{b}/releases":                 esp.EndpointReleasesList,
		"/":                                                "unknown",
	} {
		mux.Handle(pattern, p.handler(name, p.upAPI))
	}
	p.api = httptest.NewServer(mux)
	p.thumbs = httptest.NewServer(p.handler(esp.EndpointThumbnail, p.upThumb))
	t.Cleanup(func() {
		p.api.CloseClientConnections()
		p.thumbs.CloseClientConnections()
		p.api.Close()
		p.thumbs.Close()
	})
	return p
}

func (p *proxy) apiURL() string { return p.api.URL }

func (p *proxy) addFault(endpoint, kind string, count int) {
	p.mu.Lock()
	p.faults = append(p.faults, &proxyFault{endpoint, kind, count})
	p.mu.Unlock()
}

func (p *proxy) clear() {
	p.mu.Lock()
	p.faults, p.rewrite, p.raw, p.thumbBody, p.huge = nil, nil, nil, nil, map[string]int64{}
	st := p.stall
	p.stall = nil
	p.mu.Unlock()
	st.end()
}

func (p *proxy) setRewrite(f func(endpoint string, v any) any) {
	p.mu.Lock()
	p.rewrite = f
	p.mu.Unlock()
}

// setRaw replaces bytes in rewritten bodies (old, new, old, new…): how
// invalid UTF-8, which json.Marshal would repair, gets onto the wire.
func (p *proxy) setRaw(pairs ...string) {
	p.mu.Lock()
	p.raw = pairs
	p.mu.Unlock()
}

func (p *proxy) setThumbBody(f func(path string) ([]byte, string, bool)) {
	p.mu.Lock()
	p.thumbBody = f
	p.mu.Unlock()
}

func (p *proxy) setHuge(endpoint string, n int64) {
	p.mu.Lock()
	p.huge[endpoint] = n
	p.mu.Unlock()
}

func (p *proxy) seenTokens() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for t := range p.tokens {
		out = append(out, t)
	}
	return out
}

func (p *proxy) pickFault(endpoint string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts[endpoint]++
	for i, f := range p.faults {
		if f.endpoint != "*" && f.endpoint != endpoint {
			continue
		}
		if f.count > 0 {
			f.count--
			if f.count == 0 {
				p.faults = append(p.faults[:i:i], p.faults[i+1:]...)
			}
		}
		return f.kind
	}
	return ""
}

func (p *proxy) handler(endpoint, upstream string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if endpoint == esp.EndpointThumbnail && (r.Header.Get("Api-Key") != "" || bearer(r.Header.Get("Authorization")) != "") {
			p.mu.Lock()
			p.thumbCred++
			p.mu.Unlock()
		}
		if tok := bearer(r.Header.Get("Authorization")); tok != "" {
			p.mu.Lock()
			p.tokens[tok] = true
			p.mu.Unlock()
		}
		p.mu.Lock()
		st := p.stall
		p.mu.Unlock()
		if st.hold(w, r, endpoint, func() ([]byte, int, error) { return p.fetchRaw(r, upstream) }) {
			return
		}
		switch p.pickFault(endpoint) {
		case faultEmpty:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusOK)
			return
		case faultUnauth:
			if endpoint == esp.EndpointToken {
				writeJSONStatus(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"})
				return
			}
			writeJSONStatus(w, http.StatusUnauthorized, map[string]string{"ErrorCode": "InvalidToken", "ErrorMessage": "Token expired or invalid"})
			return
		case faultForbidden:
			writeJSONStatus(w, http.StatusForbidden, map[string]string{"ErrorCode": "Forbidden", "ErrorMessage": "Access to this resource is denied"})
			return
		case faultEcho:
			var b strings.Builder
			r.Header.Write(&b)
			r.Body.Close()
			writeJSONStatus(w, http.StatusInternalServerError, map[string]string{"ErrorCode": "Debug", "ErrorMessage": "request was: " + b.String()})
			return
		}
		p.mu.Lock()
		huge, thumbBody, rewrite, raw := p.huge[endpoint], p.thumbBody, p.rewrite, p.raw
		p.mu.Unlock()
		if huge > 0 {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.FormatInt(huge, 10))
			w.WriteHeader(http.StatusOK)
			io.Copy(w, hugeJSON(endpoint, huge))
			return
		}
		if endpoint == esp.EndpointThumbnail && thumbBody != nil {
			if body, ct, ok := thumbBody(r.URL.Path); ok {
				w.Header().Set("Content-Type", ct)
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				w.WriteHeader(http.StatusOK)
				w.Write(body)
				return
			}
		}
		p.forward(w, r, endpoint, upstream, rewrite, raw)
	})
}

func (p *proxy) forward(w http.ResponseWriter, r *http.Request, endpoint, upstream string, rewrite func(string, any) any, raw []string) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, upstream+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	req.ContentLength = r.ContentLength
	resp, err := p.up.Do(req)
	if err != nil {
		// The upstream reset or held the connection: pass the failure on.
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				if tc, ok := c.(*net.TCPConn); ok {
					tc.SetLinger(0) // a reset, as upstream did
				}
				c.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		// A truncated body: send what came, then break off, as upstream did.
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		w.Write(body)
		panic(http.ErrAbortHandler)
	}
	if endpoint == esp.EndpointToken {
		var tok struct {
			Access  string `json:"access_token"`
			Refresh string `json:"refresh_token"`
		}
		if json.Unmarshal(body, &tok) == nil {
			p.mu.Lock()
			for _, s := range []string{tok.Access, tok.Refresh} {
				if s != "" {
					p.tokens[s] = true
				}
			}
			p.mu.Unlock()
		}
	}
	body = bytes.ReplaceAll(body, []byte(p.upAPI), []byte(p.api.URL))
	if p.upThumb != "" {
		body = bytes.ReplaceAll(body, []byte(p.upThumb), []byte(p.thumbs.URL))
	}
	if rewrite != nil && resp.StatusCode/100 == 2 && endpoint != esp.EndpointThumbnail && endpoint != esp.EndpointToken {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			p.rewriteMu.Lock()
			v = rewrite(endpoint, v)
			p.rewriteMu.Unlock()
			if out, err := json.Marshal(v); err == nil {
				body = out
			}
			for i := 0; i+1 < len(raw); i += 2 {
				body = bytes.ReplaceAll(body, []byte(raw[i]), []byte(raw[i+1]))
			}
		}
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.StatusCode)
	w.Write(body)
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func bearer(h string) string {
	if t, ok := strings.CutPrefix(h, "Bearer "); ok {
		return t
	}
	if t, ok := strings.CutPrefix(h, "Token token="); ok {
		return t
	}
	return ""
}

// hugeJSON is a valid response of n bytes in the shape endpoint sends, made
// on the fly: a batch list object or a plain contribution array, full of
// small items.
func hugeJSON(endpoint string, n int64) io.Reader {
	item, head, end := `{"id":"1","headline":"x"},`, "[", `{"id":"1"}]`
	if endpoint == esp.EndpointBatchesList {
		item, head, end = `{"id":"1","submission_name":"x"},`, `{"items":[`, `{"id":"1"}],"meta":{"total_items":1}}`
	}
	mid := n - int64(len(head)) - int64(len(end))
	reps := mid / int64(len(item))
	pad := mid - reps*int64(len(item))
	return io.MultiReader(strings.NewReader(head),
		io.LimitReader(&repeatReader{s: item}, reps*int64(len(item))),
		strings.NewReader(strings.Repeat(" ", int(pad))), strings.NewReader(end))
}

// repeatReader repeats s forever.
type repeatReader struct {
	s   string
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.off:])
		n += c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}

// walkJSON calls f on every object in v, depth first.
func walkJSON(v any, f func(map[string]any)) {
	switch t := v.(type) {
	case map[string]any:
		f(t)
		for _, x := range t {
			walkJSON(x, f)
		}
	case []any:
		for _, x := range t {
			walkJSON(x, f)
		}
	}
}

// count is how many requests an endpoint received.
func (p *proxy) count(endpoint string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[endpoint]
}

// thumbCredentials counts requests to the thumbnail host that carried credentials.
func (p *proxy) thumbCredentials() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.thumbCred
}
