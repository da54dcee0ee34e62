package esp

import (
	"context"
	"encoding/json"
	"io"
	"time"
)

// Contribution statuses seen on ESP. Any other value is kept as it came and
// counts as "other"; see KnownStatus.
const (
	StatusPending   = "pending"   // uploaded, not submitted: the only state whose metadata may be sent back
	StatusReview    = "review"    // awaiting review
	StatusProcessed = "processed" // accepted
	StatusRevisable = "revisable" // revision requested
	StatusRevised   = "revised"   // revised and resubmitted
	StatusRejected  = "rejected"
)

// KnownStatus reports whether s is one of the Status* values.
func KnownStatus(s string) bool {
	switch s {
	case StatusPending, StatusReview, StatusProcessed, StatusRevisable, StatusRevised, StatusRejected:
		return true
	}
	return false
}

// Batch is a submission batch. Strings from the server are data: never use
// one as a file name.
type Batch struct {
	ID                          string
	Name                        string // submission_name
	Type                        string // submission_type, e.g. "getty_creative_still"
	Status                      string // open text ("closed" seen)
	Note                        string
	CreatedAt                   time.Time // zero when absent
	UpdatedAt                   time.Time
	LastSubmittedAt             time.Time
	LastContributionSubmittedAt time.Time
	ContributionsCount          int
	SubmittedCount              int // submitted_contributions_count
	AwaitingReviewCount         int // contributions_awaiting_review_count
	ReviewedCount               int // reviewed_contributions_count
	RevisableCount              int // revisable_contributions_count
	ProcessedCount              int // processed_contributions_count (accepted)
	RejectedCount               int // rejected_contributions_count
	PendingCount                int // pending_contributions_count (not yet submitted)
	IsGetty                     bool
	IsIStock                    bool
	IStockExclusive             bool
	UserID                      string
	ProfileID                   string
	// Raw is the whole JSON object as received, so fields the client does
	// not map (and time fields that are not RFC 3339, which are left zero
	// above) are never lost; the store keeps it.
	Raw json.RawMessage
}

// Contribution is one file in a batch.
type Contribution struct {
	ID                string
	BatchID           string // submission_batch_id
	MasterID          string
	Status            string // open text; see Status* and KnownStatus
	FileName          string
	MimeType          string
	MediaType         string
	ImageWidth        int
	ImageHeight       int
	ThumbnailURL      string // absolute; may be on another host
	Headline          string // title
	Caption           string // description
	Keywords          []string
	CountryOfShoot    string
	City              string
	ProvinceState     string
	Copyright         string
	CreditLine        string
	CameraShotDate    string // free text
	Submittable       bool
	SubmittedAt       time.Time
	SubmittedToReview time.Time // submitted_to_review_at
	PublishedAt       time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
	// Errors are ESP's validation messages per field.
	Errors                   map[string][]string
	NominateForSignaturePlus bool
	CollectionCFWName        string
	// Reviews are the inspectors' verdicts, oldest first. Modeled: see
	// modeled.go; decoded only when Config.ModeledReviews is true, else nil.
	Reviews []Review
	// Raw is the whole JSON object as received, so fields the client does
	// not map (and time fields that are not RFC 3339, which are left zero
	// above) are never lost; the store keeps it.
	Raw json.RawMessage
}

// Review is one inspector verdict on a contribution (modeled; see modeled.go).
type Review struct {
	ReviewedAt time.Time
	Outcome    string // "accepted", "revisable", "rejected", or whatever ESP sent
	Reasons    []string
	Notes      string
}

// Review outcomes (modeled).
const (
	OutcomeAccepted  = "accepted"
	OutcomeRevisable = "revisable"
	OutcomeRejected  = "rejected"
)

// Release is a model or property release attached to a batch.
type Release struct {
	ID               string
	ReleaseType      string // "Model" or "Property"
	FileName         string
	MimeType         string
	StorageURL       string
	ModelDateOfBirth string // free text
	ModelGender      string
	ModelEthnicities []string
	// Raw is the whole JSON object as received, so fields the client does
	// not map (and time fields that are not RFC 3339, which are left zero
	// above) are never lost; the store keeps it.
	Raw json.RawMessage
}

// ContributionUpdate is a metadata change; nil fields are left as they are.
type ContributionUpdate struct {
	Headline *string
	Caption  *string
	Keywords *[]string
}

// Throttle is the client's current adaptive state, for progress: throttled
// is true while ESP is slowing the client down (a 429, or a 403 over a rate
// limit, was answered recently), and requestsPerSecond is the request rate
// the client now allows itself (negative: no limit). A caller may store the
// rate and pass it back as Config.InitialRate on the next run.
func (c *Client) Throttle() (throttled bool, requestsPerSecond float64) {
	return c.adapt.state(time.Now(), c.cfg.RequestsPerSecond)
}

// DownloadRelease fetches a release document at rawURL (a release's
// storage_url) and writes it to w, like DownloadThumbnail: at most maxBytes
// (0: DefaultMaxReleaseBytes) held in memory until complete, so w gets
// nothing on failure. The session (cookies, token) is sent only when rawURL
// is on the ESP host. It returns the bytes written and the Content-Type.
func (c *Client) DownloadRelease(ctx context.Context, rawURL string, w io.Writer, maxBytes int64) (int64, string, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxReleaseBytes
	}
	return c.download(ctx, EndpointRelease, rawURL, w, maxBytes, "*/*")
}

// DefaultMaxReleaseBytes bounds a release document when DownloadRelease is given no limit.
const DefaultMaxReleaseBytes = 64 << 20

// EndpointRelease names release document downloads in Stats.
const EndpointRelease = "release"
