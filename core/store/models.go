package store

import (
	"encoding/json"
	"time"
)

// Batch is a submission batch as last synced from ESP.
type Batch struct {
	ID, Name, Type, Status, Note        string
	CreatedAt, UpdatedAt, LastSubmitted time.Time
	Counts                              BatchCounts
	IsGetty, IsIStock, IStockExclusive  bool
	ServerVersion, SyncedVersion        string
	SyncedAt, RemovedAt                 time.Time
}

// BatchCounts are the per-batch counts ESP reports.
type BatchCounts struct {
	Contributions, Submitted, AwaitingReview, Reviewed int
	Revisable, Accepted, Rejected, Pending             int
}

// Contribution is one file in a batch, as last synced from ESP.
type Contribution struct {
	ID, BatchID, MasterID, Status         string
	FileName, MimeType, MediaType         string
	Width, Height                         int
	ThumbnailURL, Headline, Caption       string
	Keywords                              []string
	CountryOfShoot, City, ProvinceState   string
	Copyright, CreditLine, CameraShotDate string
	Submittable                           bool
	SubmittedAt, SubmittedToReviewAt      time.Time
	PublishedAt, CreatedAt, UpdatedAt     time.Time
	Errors                                map[string][]string
	AcceptedAt, RemovedAt                 time.Time
	Reviews                               []Review
}

// Review is one inspector decision on a file.
type Review struct {
	ReviewedAt time.Time
	Outcome    string // accepted, revisable, rejected (open text)
	Reasons    []string
	Notes      string
}

// PendingUpload is a LOCAL-ONLY file prepared here and not yet on ESP.
type PendingUpload struct {
	ID                 int64
	Path               string
	Title, Description string
	Keywords           []string
	MediaType          string
	Size               int64
	AddedAt, UpdatedAt time.Time
}

// LocalEdit is a LOCAL-ONLY metadata change to a file on ESP. Nil fields are
// not edited.
type LocalEdit struct {
	ContributionID       string
	Headline, Caption    *string
	Keywords             *[]string
	BaseUpdatedAt        time.Time
	State                string // waiting, conflict
	Conflict             string
	CreatedAt, UpdatedAt time.Time
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

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
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
