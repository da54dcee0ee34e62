package esp

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/session"
)

// API roots and token URLs of Getty's servers. ProductionWebAPIRoot is the
// ESP web API a browser session signs in to (confirmed, 2026), the default;
// the others are the 2016 partner API (key, secret and password grant).
const (
	ProductionWebAPIRoot = "https://esp.gettyimages.com/api"

	ProductionAPIRoot  = "https://api.gettyimages.com/esp"
	ProductionTokenURL = "https://api.gettyimages.com/oauth2/token"
	SandboxAPIRoot     = "https://esp-sandbox.api.gettyimages.com/esp"
	SandboxTokenURL    = "https://esp-sandbox.api.gettyimages.com/oauth2/token"
)

// AuthScheme is how the access token is sent in the Authorization header.
type AuthScheme int

const (
	// Bearer sends "Authorization: Bearer <token>", as Getty's other APIs take it.
	Bearer AuthScheme = iota
	// Token sends "Authorization: Token token=<token>", as the 2016 ESP SDK did.
	Token
)

func (s AuthScheme) String() string {
	switch s {
	case Bearer:
		return "Bearer"
	case Token:
		return "Token"
	}
	return fmt.Sprintf("AuthScheme(%d)", int(s))
}

// ParseAuthScheme accepts "bearer" or "token" (any case).
func ParseAuthScheme(s string) (AuthScheme, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "bearer", "":
		return Bearer, nil
	case "token":
		return Token, nil
	}
	return Bearer, fmt.Errorf("unknown authorization scheme %q: use \"bearer\" or \"token\"", s)
}

// Defaults applied by New to zero Config fields.
const (
	DefaultMaxInFlight       = 8
	DefaultRequestsPerSecond = 20
	DefaultTimeout           = 30 * time.Second
	DefaultMaxResponseBytes  = 32 << 20
	DefaultMaxRetries        = 4
	DefaultRetryBaseDelay    = 250 * time.Millisecond
	DefaultRetryMaxDelay     = 20 * time.Second
	DefaultMaxRetryAfter     = 2 * time.Minute
	DefaultStallTimeout      = 15 * time.Second
	DefaultGiveUpAfter       = 60 * time.Second
	DefaultMaxThrottleWait   = 15 * time.Minute
)

// Config says where and as whom the client connects. Zero numeric fields take
// the defaults above.
type Config struct {
	APIRoot  string // e.g. ProductionWebAPIRoot, ProductionAPIRoot, or a local espfake server's URL()
	TokenURL string // partner API only, e.g. ProductionTokenURL

	// Session, when set, signs in with an ESP browser session (the web
	// API): its cookies go to the API's origin, and its BearerToken (the
	// ccw cookie's sts_token), when present, as "Authorization: Bearer".
	// A session cannot be renewed: a 401, a redirect to a sign-in page or
	// an HTML page where JSON belongs is ErrSignedOut. When Session is nil
	// the partner API is used with the fields below.
	Session *session.Session

	APIKey    string // partner API: sent as Api-Key on every call and as client_id to the token endpoint
	APISecret string // client_secret
	Username  string // the contributor's ESP login
	Password  string

	AuthScheme AuthScheme

	// MaxInFlight bounds the requests under way at once, across all calls
	// and hosts (token and thumbnail requests included).
	MaxInFlight int
	// RequestsPerSecond limits each host separately; negative means no
	// limit. On the API host it is the ceiling of the adaptive rate: when
	// ESP throttles (429, or 403 over a rate/QPS limit) the rate is halved,
	// and it grows back slowly while requests succeed.
	RequestsPerSecond float64
	// InitialRate, if positive, is the API host's starting rate in requests
	// per second: the rate learned on an earlier run (read it with
	// Client.Throttle at the end of a run). It is capped by RequestsPerSecond.
	InitialRate float64
	// MinRequestsPerSecond is the floor of the adaptive rate (default 0.5).
	MinRequestsPerSecond float64
	// ModeledReviews decodes the modeled inline "reviews" array of
	// contributions (no evidence supports it); when false Reviews is nil.
	ModeledReviews bool
	// Timeout bounds one attempt of one request, body included.
	Timeout time.Duration
	// StallTimeout: an attempt whose response (headers or body) brings no
	// byte for this long is abandoned and retried, as a stalled connection.
	StallTimeout time.Duration
	// GiveUpAfter bounds the time one call spends retrying a server that
	// does not answer (timeouts, stalls, connection errors, 5xx): after it,
	// the call fails with ErrUnavailable. Throttling is not counted here.
	GiveUpAfter time.Duration
	// MaxThrottleWait bounds the time one call waits out throttling before
	// failing with ErrRateLimited.
	MaxThrottleWait time.Duration
	// MaxResponseBytes bounds one response body.
	MaxResponseBytes int64

	// MaxRetries is how many times a request is retried after a 429, a 5xx
	// or a connection error; negative means never.
	MaxRetries int
	// RetryBaseDelay and RetryMaxDelay shape the exponential backoff.
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	// MaxRetryAfter: a Retry-After longer than this is not waited out; the
	// call fails at once with ErrRateLimited (or ErrUnavailable) instead.
	MaxRetryAfter time.Duration

	// HTTPClient supplies the transport (tests may pass one). Its Timeout
	// and CheckRedirect are not used: the client sets its own.
	HTTPClient *http.Client

	// Now is the clock used for token expiry; nil means time.Now.
	Now func() time.Time

	// Logger, if set, gets one Debug record per HTTP request: endpoint,
	// method, path, status, duration, and the header names with the
	// credentials (Authorization, Api-Key) redacted. Nil logs nothing.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.RequestsPerSecond == 0 {
		c.RequestsPerSecond = DefaultRequestsPerSecond
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxResponseBytes <= 0 {
		c.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	} else if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryBaseDelay <= 0 {
		c.RetryBaseDelay = DefaultRetryBaseDelay
	}
	if c.RetryMaxDelay <= 0 {
		c.RetryMaxDelay = DefaultRetryMaxDelay
	}
	if c.RetryMaxDelay < c.RetryBaseDelay {
		c.RetryMaxDelay = c.RetryBaseDelay
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.MinRequestsPerSecond <= 0 {
		c.MinRequestsPerSecond = 0.5
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = DefaultStallTimeout
	}
	if c.GiveUpAfter <= 0 {
		c.GiveUpAfter = DefaultGiveUpAfter
	}
	if c.MaxThrottleWait <= 0 {
		c.MaxThrottleWait = DefaultMaxThrottleWait
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// CheckAPIRoot reports why raw cannot be an API root (Config.APIRoot): not
// an absolute URL, not https (plain http only to a loopback address), or
// with a query or fragment; nil when it can. For checking a setting before
// anything is saved.
func CheckAPIRoot(raw string) error {
	u, err := checkServiceURL("API root", raw)
	if err != nil {
		return err
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") {
		return fmt.Errorf("API root %q must not have a query or fragment", raw)
	}
	return nil
}

// CheckTokenURL reports why raw cannot be a token URL (Config.TokenURL): not
// an absolute URL, or not https (plain http only to a loopback address).
func CheckTokenURL(raw string) error {
	_, err := checkServiceURL("token URL", raw)
	return err
}

func (c Config) validate() error {
	var errs []error
	if err := CheckAPIRoot(c.APIRoot); err != nil {
		errs = append(errs, err)
	}
	if c.Session != nil {
		if c.Session.Empty() {
			errs = append(errs, errors.New("the ESP session holds no cookie or token"))
		}
	} else {
		if _, err := checkServiceURL("token URL", c.TokenURL); err != nil {
			errs = append(errs, err)
		}
		if c.APIKey == "" {
			errs = append(errs, errors.New("API key is empty"))
		}
		if c.Username == "" {
			errs = append(errs, errors.New("username is empty"))
		}
	}
	if c.AuthScheme != Bearer && c.AuthScheme != Token {
		errs = append(errs, fmt.Errorf("unknown authorization scheme %v", c.AuthScheme))
	}
	if c.HTTPClient != nil {
		if t, ok := c.HTTPClient.Transport.(*http.Transport); ok && t.TLSClientConfig != nil && t.TLSClientConfig.InsecureSkipVerify {
			errs = append(errs, errors.New("the HTTP transport skips TLS certificate checks; Stocksync never sends credentials that way"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("esp client settings: %w", err)
	}
	return nil
}

// checkServiceURL accepts https URLs, and plain http only to a loopback
// address (a local server), so credentials never cross a network in clear.
func checkServiceURL(what, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%s %q is not an absolute URL", what, raw)
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return u, nil
		}
		return nil, fmt.Errorf("%s %q uses plain http to a non-local host; use https", what, raw)
	}
	return nil, fmt.Errorf("%s %q must be an https URL", what, raw)
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
