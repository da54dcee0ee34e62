package espfake

import "time"

// Request is one entry of the request log.
type Request struct {
	Time          time.Time
	Method        string
	Path          string
	Query         string
	Endpoint      string // an esp.Endpoint* name, "release.file" or "unknown"
	Status        int    // 0 when the connection was dropped or reset
	Fault         FaultKind
	APIKey        bool   // an Api-Key header was sent
	Authorization bool   // an Authorization header was sent
	AuthScheme    string // "Bearer", "Token" or "" as parsed from Authorization
}

func (s *Server) record(r Request) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.counts[r.Endpoint]++
	if len(s.log) < s.opts.RequestLogLimit {
		s.log = append(s.log, r)
		return
	}
	s.log[s.logNext] = r
	s.logNext = (s.logNext + 1) % len(s.log)
	s.logFull = true
}

// Requests returns the logged requests, oldest first (at most
// Options.RequestLogLimit of the latest).
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, 0, len(s.log))
	if s.logFull {
		out = append(out, s.log[s.logNext:]...)
		out = append(out, s.log[:s.logNext]...)
		return out
	}
	return append(out, s.log...)
}

// Counts returns how many requests each endpoint received (faults included).
func (s *Server) Counts() map[string]int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// ResetRequests empties the request log and the counts.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log, s.logNext, s.logFull = nil, 0, false
	clear(s.counts)
}
