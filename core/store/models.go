package store

import (
	"encoding/json"
	"time"
)

// Batch is a submission batch as last synced from ESP. The JSON form is what
// `stocksync list batches --json` prints (docs/cli.md).
type Batch struct {
	ID              string      `json:"id"`
	Name            string      `json:"submission_name"`
	Type            string      `json:"submission_type"`
	Status          string      `json:"status"`
	Note            string      `json:"note,omitempty"`
	CreatedAt       time.Time   `json:"created_at,omitzero"`
	UpdatedAt       time.Time   `json:"updated_at,omitzero"`
	LastSubmitted   time.Time   `json:"last_submitted_at,omitzero"`
	Counts          BatchCounts `json:"counts"`
	IsGetty         bool        `json:"is_getty"`
	IsIStock        bool        `json:"is_istock"`
	IStockExclusive bool        `json:"istock_exclusive"`
	ServerVersion   string      `json:"-"`
	SyncedVersion   string      `json:"-"`
	SyncedAt        time.Time   `json:"synced_at,omitzero"`
	RemovedAt       time.Time   `json:"removed_at,omitzero"`
	// Raw is the whole JSON object ESP sent (stored in batches.raw, schema 3).
	Raw json.RawMessage `json:"-"`
}

// BatchCounts are the per-batch counts ESP reports.
type BatchCounts struct {
	Contributions  int `json:"files"`
	Submitted      int `json:"submitted"`
	AwaitingReview int `json:"in_review"`
	Reviewed       int `json:"reviewed"`
	Revisable      int `json:"revisable"`
	Accepted       int `json:"accepted"`
	Rejected       int `json:"rejected"`
	Pending        int `json:"pending"`
}

// Contribution is one file in a batch, as last synced from ESP.
type Contribution struct {
	ID                  string              `json:"id"`
	BatchID             string              `json:"batch_id"`
	MasterID            string              `json:"master_id,omitempty"`
	Status              string              `json:"status"`
	FileName            string              `json:"file_name"`
	MimeType            string              `json:"mime_type,omitempty"`
	MediaType           string              `json:"media_type,omitempty"`
	Width               int                 `json:"image_width,omitempty"`
	Height              int                 `json:"image_height,omitempty"`
	ThumbnailURL        string              `json:"thumbnail_url,omitempty"`
	Headline            string              `json:"title"`
	Caption             string              `json:"description"`
	Keywords            []string            `json:"keywords"`
	CountryOfShoot      string              `json:"country_of_shoot,omitempty"`
	City                string              `json:"city,omitempty"`
	ProvinceState       string              `json:"province_state,omitempty"`
	Copyright           string              `json:"copyright,omitempty"`
	CreditLine          string              `json:"credit_line,omitempty"`
	CameraShotDate      string              `json:"camera_shot_date,omitempty"`
	Submittable         bool                `json:"submittable"`
	SubmittedAt         time.Time           `json:"submitted_at,omitzero"`
	SubmittedToReviewAt time.Time           `json:"submitted_to_review_at,omitzero"`
	PublishedAt         time.Time           `json:"published_at,omitzero"`
	CreatedAt           time.Time           `json:"created_at,omitzero"`
	UpdatedAt           time.Time           `json:"updated_at,omitzero"`
	Errors              map[string][]string `json:"errors,omitempty"`
	AcceptedAt          time.Time           `json:"accepted_at,omitzero"`
	RemovedAt           time.Time           `json:"removed_at,omitzero"`
	Reviews             []Review            `json:"reviews,omitempty"`
	// Raw is the whole JSON object ESP sent (stored in contributions.raw, schema 3).
	Raw json.RawMessage `json:"-"`
}

// Review is one inspector decision on a file.
type Review struct {
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`
	Outcome    string    `json:"outcome"` // accepted, revisable, rejected (open text)
	Reasons    []string  `json:"reasons,omitempty"`
	Notes      string    `json:"notes,omitempty"`
}

// PendingUpload is a LOCAL-ONLY file prepared here and not yet on ESP.
type PendingUpload struct {
	ID          int64     `json:"id"`
	Path        string    `json:"path"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Keywords    []string  `json:"keywords"`
	MediaType   string    `json:"media_type,omitempty"`
	Size        int64     `json:"size"`
	AddedAt     time.Time `json:"added_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// ContentHash is the SHA-256 (hex) of the file's bytes when it was
	// added or last refreshed; "" for uploads added before schema 4.
	ContentHash string `json:"content_hash,omitempty"`
	// SidecarHash is the SHA-256 of the XMP sidecar read with it; "" = none.
	SidecarHash string `json:"sidecar_hash,omitempty"`
	// Edited lists the fields changed in Stocksync ("title", "description",
	// "keywords"), which a refresh from the file leaves alone.
	Edited []string `json:"edited,omitempty"`
}

// LocalEdit is a LOCAL-ONLY metadata change to a file on ESP. Nil fields are
// not edited.
type LocalEdit struct {
	ContributionID string    `json:"file_id"`
	Headline       *string   `json:"title,omitempty"`
	Caption        *string   `json:"description,omitempty"`
	Keywords       *[]string `json:"keywords,omitempty"`
	BaseUpdatedAt  time.Time `json:"base_updated_at,omitzero"`
	State          string    `json:"state"` // waiting, conflict
	Conflict       string    `json:"conflict,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Edit states.
const (
	EditWaiting  = "waiting"
	EditConflict = "conflict"
)

// Thumbnail states.
const (
	ThumbQueued = "queued"
	ThumbDone   = "done"
	ThumbFailed = "failed"
)

// Status buckets used for the portfolio line and counts.
const (
	BucketPending   = "pending"
	BucketInReview  = "in_review"
	BucketAccepted  = "accepted"
	BucketRevisable = "revisable"
	BucketRejected  = "rejected"
	BucketOther     = "other"
)

// Buckets lists the buckets in display order.
var Buckets = []string{BucketPending, BucketInReview, BucketAccepted, BucketRevisable, BucketRejected, BucketOther}

// Bucket maps an ESP contribution status to a display bucket. Unknown
// statuses are kept as they are in the database and counted as "other".
func Bucket(status string) string {
	switch status {
	case "pending":
		return BucketPending
	case "review", "revised", "submitted":
		return BucketInReview
	case "processed", "accepted":
		return BucketAccepted
	case "revisable":
		return BucketRevisable
	case "rejected":
		return BucketRejected
	}
	return BucketOther
}

// timeLayout is RFC 3339 in UTC with a fixed nine-digit fraction, so stored
// times compare correctly as text (ORDER BY, updated_at > ?). RFC3339Nano
// drops trailing zeros and would sort "…05Z" after "…05.25Z".
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func strList(s string) []string {
	var out []string
	if json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}

func keywordsJSON(k []string) string {
	if k == nil {
		k = []string{}
	}
	return toJSON(k)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
