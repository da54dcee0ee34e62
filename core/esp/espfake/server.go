package espfake

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Server is a local ESP server. All methods are safe for concurrent use,
// also while requests are being served.
type Server struct {
	opts Options

	mu                 sync.RWMutex                     // guards the portfolio and the counters below; changes go through writeLock/writeUnlock
	version            uint64                           // bumped by every writeUnlock: the list caches' version (listcache.go)
	sorted             [2]atomic.Pointer[sortedBatches] // by sortCreated, sortUpdated
	batches            []*batch                         // in creation order
	byID               map[int64]*batch
	nextBatchID        int64
	nextContributionID int64
	nextReleaseID      int64
	lastStamp          int64 // latest timestamp handed out, Unix ms

	knobMu    sync.Mutex // guards the knobs
	latency   time.Duration
	limiter   *rate.Limiter
	throttle  *throttler // ThrottleQPS
	faults    []*Fault
	faultRand *rand.Rand
	batchCap  int
	contrCap  int

	tokMu    sync.Mutex
	issued   []string         // tokens handed out, guarded by tokMu
	access   map[string]int64 // access token → expiry, Unix ms
	sessions map[string]int64 // web session id or sts_token → expiry, Unix ms
	refresh  map[string]bool

	logMu   sync.Mutex
	log     []Request // ring of the latest requests
	logNext int
	logFull bool
	counts  map[string]int

	started  bool
	apiURL   string
	thumbURL string
	servers  []*http.Server
	done     chan struct{}
	wg       sync.WaitGroup
}

// New generates the portfolio described by opts. Call Start to serve it.
func New(opts Options) (*Server, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("espfake: %w", err)
	}
	opts = opts.withDefaults()
	for _, a := range []string{opts.Addr, opts.ThumbAddr} {
		if err := checkLoopback(a); err != nil {
			return nil, err
		}
	}
	s := &Server{
		opts:               opts,
		byID:               map[int64]*batch{},
		nextBatchID:        firstBatchID,
		nextContributionID: firstContributionID,
		nextReleaseID:      firstReleaseID,
		latency:            opts.Latency,
		faults:             nil,
		faultRand:          rand.New(rand.NewPCG(opts.Seed, 0xfa17)),
		batchCap:           opts.BatchPageSizeCap,
		contrCap:           opts.ContributionPageSizeCap,
		access:             map[string]int64{},
		sessions:           map[string]int64{},
		refresh:            map[string]bool{},
		counts:             map[string]int{},
		done:               make(chan struct{}),
	}
	for _, f := range opts.Faults {
		s.AddFault(f)
	}
	s.SetRateLimit(opts.RateLimit, opts.RateBurst)
	s.SetThrottle(opts.ThrottleQPS, opts.ThrottleStyle)
	s.writeLock()
	generator{opts: opts, s: s}.portfolio()
	s.writeUnlock()
	return s, nil
}

// checkLoopback refuses addresses that other machines could reach.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("listen address %q is not a loopback address: the ESP test server only listens on 127.0.0.1, ::1 or localhost", addr)
}

// Start listens on the loopback addresses and serves in the background.
func (s *Server) Start() error {
	if s.started {
		return errors.New("espfake: already started")
	}
	apiLn, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("espfake: listen on %s: %w", s.opts.Addr, err)
	}
	s.apiURL = "http://" + apiLn.Addr().String()
	api := http.NewServeMux()
	s.routeAPI(api)
	if s.opts.Mode == ModeWeb {
		s.routeWeb(api)
	}
	lns := []net.Listener{apiLn}
	muxes := []http.Handler{api}
	switch {
	case s.opts.NoThumbnails:
	case s.opts.ThumbnailsOnAPIHost:
		s.thumbURL = s.apiURL
		s.routeThumbs(api)
	default:
		thumbLn, err := net.Listen("tcp", s.opts.ThumbAddr)
		if err != nil {
			apiLn.Close()
			return fmt.Errorf("espfake: listen on %s: %w", s.opts.ThumbAddr, err)
		}
		s.thumbURL = "http://" + thumbLn.Addr().String()
		thumbs := http.NewServeMux()
		s.routeThumbs(thumbs)
		lns = append(lns, thumbLn)
		muxes = append(muxes, thumbs)
	}
	s.started = true
	for i, ln := range lns {
		srv := &http.Server{
			Handler:           muxes[i],
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return s.closingContext() },
		}
		s.servers = append(s.servers, srv)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			srv.Serve(ln)
		}()
	}
	return nil
}

// closingContext is cancelled by Close, so held requests end with the server.
func (s *Server) closingContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.done
		cancel()
	}()
	return ctx
}

// Close stops serving and drops open connections.
func (s *Server) Close() {
	select {
	case <-s.done:
		return
	default:
	}
	close(s.done)
	for _, srv := range s.servers {
		srv.Close()
	}
	s.wg.Wait()
}

// URL is the API root: "http://127.0.0.1:41234/api" (web mode) or
// "http://127.0.0.1:41234/esp" (partner mode).
func (s *Server) URL() string { return s.apiURL + s.prefix() }

// TokenURL is the OAuth2 token endpoint (partner mode; "" in web mode).
func (s *Server) TokenURL() string {
	if s.opts.Mode != ModePartner {
		return ""
	}
	return s.apiURL + tokenPath
}

// Mode is the API generation the server speaks.
func (s *Server) Mode() Mode { return s.opts.Mode }

func (s *Server) prefix() string {
	if s.opts.Mode == ModePartner {
		return apiPrefix
	}
	return webPrefix
}

// ThumbnailBaseURL is where thumbnails are served ("" without thumbnails).
func (s *Server) ThumbnailBaseURL() string { return s.thumbURL }

// Credentials are what a client must present.
type Credentials struct {
	Username, Password, APIKey, APISecret string
}

// Credentials returns the accepted username, password, API key and secret.
func (s *Server) Credentials() Credentials {
	return Credentials{s.opts.Username, s.opts.Password, s.opts.APIKey, s.opts.APISecret}
}

func (s *Server) thumbnailURL(batchID, contributionID int64) string {
	if s.thumbURL == "" {
		return "" // no thumbnails, or not started yet
	}
	return s.thumbURL + "/thumbs/" + id(batchID) + "/" + id(contributionID) + ".jpg"
}

func (s *Server) releaseURL(releaseID int64) string {
	base := s.thumbURL
	if base == "" {
		base = s.apiURL
	}
	return fmt.Sprintf("%s/releases/%d.pdf", base, releaseID)
}

// stampLocked returns the time of a change: the clock's now, but always
// later than every earlier timestamp, so updated_at strictly grows.
func (s *Server) stampLocked() int64 {
	now := s.opts.Now().UnixMilli()
	if now <= s.lastStamp {
		now = s.lastStamp + 1
	}
	s.lastStamp = now
	return now
}

func (s *Server) addBatchLocked(b *batch) {
	s.batches = append(s.batches, b)
	s.byID[b.id] = b
	s.lastStamp = max(s.lastStamp, b.updated)
}
