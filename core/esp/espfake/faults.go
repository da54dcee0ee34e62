package espfake

import (
	"bytes"
	"encoding/json"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// endpoint wraps a handler with what every request goes through: the
// request log, added latency, the rate limit (API listener only), faults,
// and (if auth) the Api-Key and token check.
func (s *Server) endpoint(name string, auth, api bool, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		_, scheme := bearerToken(r.Header.Get("Authorization"))
		entry := Request{
			Time: s.opts.Now(), Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Endpoint: name,
			APIKey: r.Header.Get("Api-Key") != "", Authorization: r.Header.Get("Authorization") != "", AuthScheme: scheme,
		}
		defer func() {
			entry.Status = rec.status
			s.record(entry)
		}()
		s.knobMu.Lock()
		latency, limiter, thr := s.latency, s.limiter, s.throttle
		s.knobMu.Unlock()
		if latency > 0 {
			t := time.NewTimer(latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				rec.status = 0
				return
			}
		}
		if api && limiter != nil {
			if wait, ok := reserve(limiter, s.opts.Now()); !ok {
				entry.Fault = "rate_limit"
				rec.Header().Set("Retry-After", strconv.Itoa(wait))
				writeError(rec, http.StatusTooManyRequests, "RateLimited", "Too many requests; slow down")
				return
			}
		}
		if api && auth && thr.throttled(rec) {
			entry.Fault = "throttled"
			return
		}
		if f := s.pickFault(name); f.kind != "" {
			entry.Fault = f.kind
			s.serveFault(rec, r, f, auth, h)
			return
		}
		if auth && !s.authorize(rec, r) {
			return
		}
		h(rec, r)
	})
}

// reserve takes a token from the limiter, or says how many whole seconds
// until one is free.
func reserve(l *rate.Limiter, now time.Time) (int, bool) {
	if l.AllowN(now, 1) {
		return 0, true
	}
	res := l.ReserveN(now, 1)
	d := res.DelayFrom(now)
	res.CancelAt(now)
	return max(1, int(math.Ceil(d.Seconds()))), false
}

// chosenFault is a fault picked for one request.
type chosenFault struct {
	kind       FaultKind
	retryAfter time.Duration
}

func (s *Server) pickFault(endpoint string) chosenFault {
	s.knobMu.Lock()
	defer s.knobMu.Unlock()
	for i, f := range s.faults {
		if f.Endpoint != "" && f.Endpoint != "*" && f.Endpoint != endpoint {
			continue
		}
		hit := false
		if f.Count > 0 {
			f.Count--
			hit = true
			if f.Count == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		} else {
			hit = f.Probability >= 1 || s.faultRand.Float64() < f.Probability
		}
		if hit {
			return chosenFault{f.Kind, f.RetryAfter}
		}
	}
	return chosenFault{}
}

func (s *Server) serveFault(w *recorder, r *http.Request, f chosenFault, auth bool, h http.HandlerFunc) {
	switch f.kind {
	case FaultInternalError:
		writeError(w, http.StatusInternalServerError, "InternalServerError", "An unexpected error occurred")
	case FaultUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(int(f.retryAfter/time.Second)))
		writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "The service is temporarily unavailable")
	case FaultRateLimited:
		w.Header().Set("Retry-After", strconv.Itoa(int(f.retryAfter/time.Second)))
		writeError(w, http.StatusTooManyRequests, "RateLimited", "Too many requests; slow down")
	case FaultHTMLError:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"))
	case FaultTokenExpired:
		s.ExpireTokens()
		writeError(w, http.StatusUnauthorized, codeInvalidToken, "Token expired or invalid")
	case FaultReset:
		w.status = 0
		resetConnection(w)
	case FaultTimeout:
		w.status = 0
		t := time.NewTimer(s.opts.FaultTimeout)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		panic(http.ErrAbortHandler)
	case FaultTruncated, FaultMalformedJSON, FaultWrongTypes:
		buf := &bufferedWriter{header: w.Header(), status: http.StatusOK}
		if !auth || s.authorize(buf, r) {
			h(buf, r)
		}
		body := buf.body.Bytes()
		if buf.status/100 != 2 {
			w.WriteHeader(buf.status)
			w.Write(body)
			return
		}
		switch f.kind {
		case FaultTruncated:
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(buf.status)
			w.Write(body[:len(body)/2])
			http.NewResponseController(w).Flush()
			w.status = 0
			panic(http.ErrAbortHandler)
		case FaultMalformedJSON:
			body = append(body[:len(body)/2:len(body)/2], []byte("<!-- garbled -->")...)
		case FaultWrongTypes:
			body = wrongTypes(body)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(buf.status)
		w.Write(body)
	}
}

// resetConnection closes the connection with a TCP reset.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// wrongTypes rewrites a JSON body so ids are booleans and counts strings.
func wrongTypes(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return body
	}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				switch {
				case k == "id":
					t[k] = true
				case strings.HasSuffix(k, "_count") || k == "total_items" || k == "image_width":
					t[k] = "many"
				default:
					walk(x)
				}
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

// recorder remembers the status for the request log.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// bufferedWriter holds a response so a fault can spoil it.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header         { return b.header }
func (b *bufferedWriter) WriteHeader(code int)        { b.status = code }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.body.Write(p) }

// SetLatency changes the delay added to every request.
func (s *Server) SetLatency(d time.Duration) {
	s.knobMu.Lock()
	s.latency = d
	s.knobMu.Unlock()
}

// SetRateLimit limits API requests to rps per second with the given burst;
// rps 0 removes the limit.
func (s *Server) SetRateLimit(rps float64, burst int) {
	s.knobMu.Lock()
	defer s.knobMu.Unlock()
	if !(rps > 0) || math.IsInf(rps, 1) { // NaN, 0, negative or infinite: off
		s.limiter = nil
		return
	}
	s.limiter = rate.NewLimiter(rate.Limit(rps), max(1, burst))
}

// SetPageSizeCaps changes the largest page sizes served (0 keeps one as it is).
func (s *Server) SetPageSizeCaps(batches, contributions int) {
	s.knobMu.Lock()
	defer s.knobMu.Unlock()
	if batches > 0 {
		s.batchCap = batches
	}
	if contributions > 0 {
		s.contrCap = contributions
	}
}

// AddFault adds a fault; faults are tried in the order added.
func (s *Server) AddFault(f Fault) {
	s.knobMu.Lock()
	s.faults = append(s.faults, &f)
	s.knobMu.Unlock()
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.knobMu.Lock()
	s.faults = nil
	s.knobMu.Unlock()
}
