package esp

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"
)

// Client talks to one ESP API as one contributor. It is safe for concurrent
// use; all calls share its limits.
type Client struct {
	cfg        Config
	apiRoot    *url.URL
	rootString string
	http       *http.Client
	oauth      *oauth2.Config
	counts     *counters

	adapt   *adaptive
	cookies http.CookieJar // session mode: the session's cookies, for the API origin only

	tokenTurn chan struct{} // held while a token is being fetched
	tokMu     sync.Mutex
	tok       tokenState
}

// New checks cfg and returns a client. It does not touch the network; call
// VerifyCredentials to sign in.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	root, _ := url.Parse(strings.TrimRight(cfg.APIRoot, "/"))
	base := http.RoundTripper(keepAliveTransport(cfg.MaxInFlight))
	var jar http.CookieJar
	if cfg.HTTPClient != nil {
		if cfg.HTTPClient.Transport != nil {
			base = cfg.HTTPClient.Transport
		}
		jar = cfg.HTTPClient.Jar
	}
	counts := &counters{}
	adapt := newAdaptive(cfg.RequestsPerSecond, cfg.InitialRate, cfg.MinRequestsPerSecond, cfg.MaxInFlight, cfg.MaxInFlight)
	c := &Client{
		adapt:      adapt,
		cfg:        cfg,
		apiRoot:    root,
		rootString: root.String(),
		counts:     counts,
		http: &http.Client{
			Transport:     newLimitTransport(base, cfg.MaxInFlight, cfg.RequestsPerSecond, counts, root.Host),
			CheckRedirect: checkRedirect,
			Jar:           jar,
		},
		oauth: &oauth2.Config{
			ClientID:     cfg.APIKey,
			ClientSecret: cfg.APISecret,
			Endpoint:     oauth2.Endpoint{TokenURL: cfg.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
		},
		tokenTurn: make(chan struct{}, 1),
	}
	if cfg.Session != nil {
		c.cookies = sessionJar(root, *cfg.Session)
	}
	return c, nil
}

// keepAliveTransport is Go's default transport keeping enough idle
// connections per host for the client's requests in flight (2 × the limit:
// the API host and the thumbnail host each get that many). The default
// keeps 2, so with 8 requests in flight 6 connections were closed after
// every round and dialled again for the next (a TCP and TLS handshake each
// on ESP's servers; issue 15).
func keepAliveTransport(inFlight int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = max(2*inFlight, http.DefaultMaxIdleConnsPerHost)
	t.MaxIdleConns = max(t.MaxIdleConns, 4*inFlight)
	return t
}

// checkRedirect keeps credentials on their host: the Api-Key header is
// dropped when a redirect leaves the original host (Go already drops
// Authorization then), and a redirect from https to http is refused.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if looksLikeSignIn(req.URL) {
		return errSignInRedirect
	}
	if len(via) >= 5 {
		return fmt.Errorf("%w: too many redirects", errRedirectRefused)
	}
	first := via[0]
	if first.URL.Scheme == "https" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: from https to %s", errRedirectRefused, req.URL.Scheme)
	}
	if req.URL.Host != first.URL.Host {
		req.Header.Del("Api-Key")
		req.Header.Del("Authorization")
	}
	return nil
}

// sameOrigin reports whether u is on the API's scheme, host and port, the
// only place credentials are sent.
func (c *Client) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.apiRoot.Scheme) && strings.EqualFold(u.Host, c.apiRoot.Host)
}

// endpointURL joins the API root and path (whose IDs are already escaped).
func (c *Client) endpointURL(path string, query url.Values) string {
	u := c.rootString + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u
}

// InFlightLimit is the most requests the client has in flight at once
// (Config.MaxInFlight, before any cut by throttling).
func (c *Client) InFlightLimit() int { return c.cfg.MaxInFlight }
