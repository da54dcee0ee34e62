package espfake

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Options configure a Server. Zero fields take the defaults noted.
type Options struct {
	// Mode is the API generation served: ModeWeb (default: the ESP web API
	// with browser sign-in, as ESP works in 2026) or ModePartner (the 2016
	// partner API with the OAuth2 password grant).
	Mode Mode

	Addr      string // API listener, default "127.0.0.1:0"; must be a loopback address
	ThumbAddr string // thumbnail listener, default "127.0.0.1:0"

	Seed                  uint64
	Batches               int // default 10; negative means none
	ContributionsPerBatch int // default 20
	// ContributionsPerBatchMax, if above ContributionsPerBatch, draws each batch's size
	// uniformly from [ContributionsPerBatch, ContributionsPerBatchMax].
	ContributionsPerBatchMax int
	// ContributionsFunc, if set, decides each generated batch's size (index from 0).
	ContributionsFunc func(batchIndex int, r *rand.Rand) int
	StatusMix         StatusMix // default DefaultStatusMix
	KeywordStyle      KeywordStyle
	// NoThumbnails leaves thumbnail_url null and starts no second listener.
	NoThumbnails bool
	// ThumbnailsOnAPIHost serves thumbnails from the API listener instead of
	// a second one.
	ThumbnailsOnAPIHost bool
	// ForbiddenTypes are submission types the account has no rights to: their
	// batches are listed, but reading them answers 403.
	ForbiddenTypes []string

	Username, Password, APIKey, APISecret string // default the Demo* values

	TokenTTL   time.Duration // partner access token lifetime, default 30 minutes
	SessionTTL time.Duration // web browser session lifetime, default 12 hours

	// ThrottleQPS, if positive, throttles the API above this many requests
	// per second the way ESP's gateway does: 403 with X-Error-Detail
	// "Account Over Queries Per Second Limit", or 429 with X-Error-Detail
	// and no Retry-After (ThrottleStyle).
	ThrottleQPS   float64
	ThrottleStyle ThrottleStyle

	Latency                 time.Duration // added to every request
	RateLimit               float64       // API requests per second; 0 means no limit
	RateBurst               int           // default 1 when RateLimit is set
	BatchPageSizeCap        int           // default 100
	ContributionPageSizeCap int           // default 200
	Faults                  []Fault
	FaultTimeout            time.Duration // how long a "timeout" fault holds a request, default 1 minute
	RequestLogLimit         int           // requests kept in the log, default 100,000

	// Now is the server's clock (token expiry, timestamps of changes); nil means time.Now.
	Now func() time.Time
}

// Demo credentials, the defaults.
const (
	DemoUsername  = "demo"
	DemoPassword  = "demo-password"
	DemoAPIKey    = "demo-api-key"
	DemoAPISecret = "demo-api-secret"
)

// StatusMix weighs the statuses of generated files (weights, not necessarily summing to 1).
type StatusMix struct {
	Pending, Review, Processed, Revisable, Revised, Rejected float64
}

// DefaultStatusMix resembles an active contributor's portfolio.
var DefaultStatusMix = StatusMix{Pending: 0.10, Review: 0.10, Processed: 0.60, Revisable: 0.08, Revised: 0.02, Rejected: 0.10}

// KeywordStyle is how keywords are written in responses; ESP has been seen
// sending both.
type KeywordStyle int

const (
	KeywordStrings KeywordStyle = iota // ["beach", …]
	KeywordObjects                     // [{"term":"beach"}, …]
	KeywordMixed                       // objects for every other file
)

// Bounds on the generated portfolio, so a mistyped size is refused instead
// of exhausting memory.
const (
	MaxBatches                  = 100_000
	MaxContributionsPerBatchGen = 10_000 // partner mode; web mode batches hold at most MaxContributionsPerBatch
	MaxContributions            = 2_000_000
	MaxPageSizeCap              = 10_000
)

// MaxRate bounds RateLimit and ThrottleQPS (requests per second); NaN and
// infinities are refused too.
const MaxRate = 1_000_000

// Validate names the first option out of bounds, with the limit.
func (o Options) Validate() error {
	perBatch := MaxContributionsPerBatchGen
	if o.Mode == ModeWeb {
		perBatch = MaxContributionsPerBatch
	}
	switch {
	case o.Batches > MaxBatches:
		return fmt.Errorf("batches %d is over the limit of %d", o.Batches, MaxBatches)
	case o.ContributionsPerBatch > perBatch || o.ContributionsPerBatchMax > perBatch:
		if o.Mode == ModeWeb {
			return fmt.Errorf("files per batch %d is over ESP's limit of %d files per batch", max(o.ContributionsPerBatch, o.ContributionsPerBatchMax), perBatch)
		}
		return fmt.Errorf("files per batch %d is over the limit of %d", max(o.ContributionsPerBatch, o.ContributionsPerBatchMax), perBatch)
	case o.ContributionsPerBatch < 0 || o.ContributionsPerBatchMax < 0:
		return fmt.Errorf("files per batch must not be negative")
	case int64(max(o.Batches, 0))*int64(max(o.ContributionsPerBatch, o.ContributionsPerBatchMax, 20)) > MaxContributions && o.ContributionsFunc == nil:
		return fmt.Errorf("%d batches of up to %d files is over the limit of %d files in all", o.Batches, max(o.ContributionsPerBatch, o.ContributionsPerBatchMax, 20), MaxContributions)
	case o.BatchPageSizeCap > MaxPageSizeCap || o.ContributionPageSizeCap > MaxPageSizeCap:
		return fmt.Errorf("page size caps must be at most %d", MaxPageSizeCap)
	case !(o.RateLimit >= 0 && o.RateLimit <= MaxRate):
		return fmt.Errorf("rate limit %g is out of range 0..%g requests per second", o.RateLimit, float64(MaxRate))
	case !(o.ThrottleQPS >= 0 && o.ThrottleQPS <= MaxRate):
		return fmt.Errorf("throttle %g is out of range 0..%g requests per second", o.ThrottleQPS, float64(MaxRate))
	case o.RateBurst > 10_000:
		return fmt.Errorf("rate burst %d is over the limit of 10000", o.RateBurst)
	case o.Latency < 0 || o.Latency > time.Minute:
		return fmt.Errorf("latency %s is out of range 0..1m", o.Latency)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.ThumbAddr == "" {
		o.ThumbAddr = "127.0.0.1:0"
	}
	if o.Batches == 0 {
		o.Batches = 10
	} else if o.Batches < 0 {
		o.Batches = 0
	}
	if o.ContributionsPerBatch <= 0 {
		o.ContributionsPerBatch = 20
	}
	if o.StatusMix == (StatusMix{}) {
		o.StatusMix = DefaultStatusMix
	}
	if o.Username == "" {
		o.Username = DemoUsername
	}
	if o.Password == "" {
		o.Password = DemoPassword
	}
	if o.APIKey == "" {
		o.APIKey = DemoAPIKey
	}
	if o.APISecret == "" {
		o.APISecret = DemoAPISecret
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = 30 * time.Minute
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.Mode == ModeWeb {
		o.ContributionsPerBatch = min(o.ContributionsPerBatch, MaxContributionsPerBatch)
		o.ContributionsPerBatchMax = min(o.ContributionsPerBatchMax, MaxContributionsPerBatch)
	}
	if o.RateLimit > 0 && o.RateBurst <= 0 {
		o.RateBurst = 1
	}
	if o.BatchPageSizeCap <= 0 {
		o.BatchPageSizeCap = 100
	}
	if o.ContributionPageSizeCap <= 0 {
		o.ContributionPageSizeCap = 200
	}
	if o.FaultTimeout <= 0 {
		o.FaultTimeout = time.Minute
	}
	if o.RequestLogLimit <= 0 {
		o.RequestLogLimit = 100_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// FaultKind is a way for a request to go wrong.
type FaultKind string

const (
	FaultInternalError FaultKind = "500"            // 500 with a JSON error body
	FaultUnavailable   FaultKind = "503"            // 503 with Retry-After (Fault.RetryAfter)
	FaultRateLimited   FaultKind = "429"            // 429 with Retry-After (Fault.RetryAfter)
	FaultReset         FaultKind = "reset"          // the connection is reset before any answer
	FaultTimeout       FaultKind = "timeout"        // no answer until the client gives up (or FaultTimeout)
	FaultTruncated     FaultKind = "truncated"      // the body breaks off halfway (Content-Length says more)
	FaultMalformedJSON FaultKind = "malformed_json" // 200 with a complete body that is not valid JSON
	FaultWrongTypes    FaultKind = "wrong_types"    // 200 with ids as booleans and counts as strings
	FaultHTMLError     FaultKind = "html"           // 502 with a proxy's HTML error page
	FaultTokenExpired  FaultKind = "token_expired"  // all access tokens expire, then 401
)

// FaultKinds lists every kind.
var FaultKinds = []FaultKind{FaultInternalError, FaultUnavailable, FaultRateLimited, FaultReset, FaultTimeout,
	FaultTruncated, FaultMalformedJSON, FaultWrongTypes, FaultHTMLError, FaultTokenExpired}

// Fault makes matching requests go wrong: the next Count of them if Count
// is set, otherwise each with the given Probability.
type Fault struct {
	Endpoint    string // an esp.Endpoint* name; "" or "*" matches every endpoint
	Kind        FaultKind
	Probability float64
	Count       int
	RetryAfter  time.Duration // Retry-After for 429 and 503, in whole seconds; 0 sends "0"
}

// ParseFault reads "[endpoint:]kind[:probability|xN]", e.g. "503:0.1",
// "contributions.list:reset:x3" or "thumbnail:timeout" (always).
func ParseFault(s string) (Fault, error) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	var f Fault
	kindAt := 0
	if len(parts) >= 2 && !isKind(parts[0]) {
		f.Endpoint, kindAt = parts[0], 1
	}
	if kindAt >= len(parts) || !isKind(parts[kindAt]) {
		return Fault{}, fmt.Errorf("fault %q: no known kind (one of %s)", s, kindList())
	}
	f.Kind = FaultKind(parts[kindAt])
	rest := parts[kindAt+1:]
	switch {
	case len(rest) == 0:
		f.Probability = 1
	case len(rest) > 1:
		return Fault{}, fmt.Errorf("fault %q: too many parts; want [endpoint:]kind[:probability|xN]", s)
	case strings.HasPrefix(rest[0], "x"):
		n, err := strconv.Atoi(rest[0][1:])
		if err != nil || n < 1 {
			return Fault{}, fmt.Errorf("fault %q: %q is not a count like x3", s, rest[0])
		}
		f.Count = n
	default:
		p, err := strconv.ParseFloat(rest[0], 64)
		if err != nil || p < 0 || p > 1 {
			return Fault{}, fmt.Errorf("fault %q: %q is not a probability between 0 and 1", s, rest[0])
		}
		f.Probability = p
	}
	return f, nil
}

func isKind(s string) bool {
	for _, k := range FaultKinds {
		if string(k) == s {
			return true
		}
	}
	return false
}

func kindList() string {
	names := make([]string, len(FaultKinds))
	for i, k := range FaultKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
