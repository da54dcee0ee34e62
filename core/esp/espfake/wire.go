package espfake

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/esp"
)

// JSON shapes the server sends. These are written independently of the
// client's decoders, so tests of one against the other check the contract.

type wireBatch struct {
	ID                          string  `json:"id"`
	SubmissionName              string  `json:"submission_name"`
	SubmissionType              string  `json:"submission_type"`
	Status                      string  `json:"status"`
	Note                        *string `json:"note"`
	CreatedAt                   *string `json:"created_at"`
	UpdatedAt                   *string `json:"updated_at"`
	LastSubmittedAt             *string `json:"last_submitted_at"`
	LastContributionSubmittedAt *string `json:"last_contribution_submitted_at"`
	ContributionsCount          int     `json:"contributions_count"`
	SubmittedCount              int     `json:"submitted_contributions_count"`
	AwaitingReviewCount         int     `json:"contributions_awaiting_review_count"`
	ReviewedCount               int     `json:"reviewed_contributions_count"`
	RevisableCount              int     `json:"revisable_contributions_count"`
	ProcessedCount              int     `json:"processed_contributions_count"`
	RejectedCount               int     `json:"rejected_contributions_count"`
	PendingCount                int     `json:"pending_contributions_count"`
	IsGetty                     bool    `json:"is_getty"`
	IsIStock                    bool    `json:"is_istock"`
	IStockExclusive             bool    `json:"istock_exclusive"`
	UserID                      string  `json:"user_id"`
	ProfileID                   string  `json:"profile_id"`
}

type wireContribution struct {
	ID                       string          `json:"id"`
	SubmissionBatchID        string          `json:"submission_batch_id"`
	MasterID                 string          `json:"master_id"`
	Status                   string          `json:"status"`
	FileName                 string          `json:"file_name"`
	MimeType                 string          `json:"mime_type"`
	MediaType                string          `json:"media_type"`
	ImageWidth               int             `json:"image_width"`
	ImageHeight              int             `json:"image_height"`
	ThumbnailURL             *string         `json:"thumbnail_url"`
	Headline                 string          `json:"headline"`
	Caption                  string          `json:"caption"`
	Keywords                 any             `json:"keywords"`
	CountryOfShoot           string          `json:"country_of_shoot"`
	City                     string          `json:"city"`
	ProvinceState            string          `json:"province_state"`
	Copyright                string          `json:"copyright"`
	CreditLine               string          `json:"credit_line"`
	CameraShotDate           string          `json:"camera_shot_date"`
	Submittable              bool            `json:"submittable"`
	SubmittedAt              *string         `json:"submitted_at"`
	SubmittedToReviewAt      *string         `json:"submitted_to_review_at"`
	PublishedAt              *string         `json:"published_at"`
	CreatedAt                *string         `json:"created_at"`
	UpdatedAt                *string         `json:"updated_at"`
	Errors                   emptyObject     `json:"errors"`
	NominateForSignaturePlus bool            `json:"nominate_for_signature_plus"`
	CollectionCFWName        *string         `json:"collection_cfw_name"`
	Reviews                  []modeledReview `json:"reviews,omitzero"` // partner mode only (modeled)
}

type wireRelease struct {
	ID               string   `json:"id"`
	ReleaseType      string   `json:"release_type"`
	FileName         string   `json:"file_name"`
	MimeType         string   `json:"mime_type"`
	StorageURL       string   `json:"storage_url"`
	ModelDateOfBirth *string  `json:"model_date_of_birth"`
	ModelGender      *string  `json:"model_gender"`
	ModelEthnicities []string `json:"model_ethnicities"`
}

// emptyObject encodes as {} (a contribution's "errors" when it has none).
type emptyObject struct{}

// keywordTerm is a keyword in the object style: {"term":"harbour"}.
type keywordTerm struct {
	Term string `json:"term"`
}

func optTime(ms int64) *string {
	if ms == 0 {
		return nil
	}
	s := formatTime(ms)
	return &s
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func (s *Server) renderBatchLocked(b *batch) wireBatch {
	c := b.counts()
	return wireBatch{
		ID:                          id(b.id),
		SubmissionName:              b.name,
		SubmissionType:              b.typ,
		Status:                      b.status,
		Note:                        optString(b.note),
		CreatedAt:                   optTime(b.created),
		UpdatedAt:                   optTime(b.updated),
		LastSubmittedAt:             optTime(b.lastSubmitted),
		LastContributionSubmittedAt: optTime(b.lastContribSubmit),
		ContributionsCount:          c.total,
		SubmittedCount:              c.submitted,
		AwaitingReviewCount:         c.awaiting,
		ReviewedCount:               c.reviewed,
		RevisableCount:              c.revisable,
		ProcessedCount:              c.processed,
		RejectedCount:               c.rejected,
		PendingCount:                c.pending,
		IsGetty:                     strings.HasPrefix(b.typ, "getty"),
		IsIStock:                    strings.HasPrefix(b.typ, "istock"),
		UserID:                      id(b.userID),
		ProfileID:                   id(b.profileID),
	}
}

func (s *Server) renderContributionLocked(b *batch, f *contribution) wireContribution {
	m := f.metadata(s.opts.Seed)
	var kw any = m.keywords
	if m.keywords == nil {
		kw = []string{}
	}
	if s.opts.KeywordStyle == KeywordObjects || (s.opts.KeywordStyle == KeywordMixed && f.id%2 == 0) {
		terms := make([]keywordTerm, len(m.keywords))
		for i, k := range m.keywords {
			terms[i] = keywordTerm{k}
		}
		kw = terms
	}
	mime, media, ext := "image/jpeg", "image", ".jpg"
	width, height := int(f.width), int(f.height)
	if isVideo(b.typ) {
		mime, media, ext = "video/quicktime", "video", ".mov"
		width, height = 1920, 1080
	}
	return wireContribution{
		ID:                  id(f.id),
		SubmissionBatchID:   id(b.id),
		MasterID:            id(f.id + 900_000_000),
		Status:              f.status,
		FileName:            "DSC_" + id(f.id%100000) + ext,
		MimeType:            mime,
		MediaType:           media,
		ImageWidth:          width,
		ImageHeight:         height,
		ThumbnailURL:        optString(s.thumbnailURL(b.id, f.id)),
		Headline:            m.headline,
		Caption:             m.caption,
		Keywords:            kw,
		CountryOfShoot:      m.country,
		City:                m.city,
		ProvinceState:       m.province,
		Copyright:           m.copyright,
		CreditLine:          m.credit,
		CameraShotDate:      m.cameraShot,
		Submittable:         f.status == esp.StatusPending && m.headline != "" && len(m.keywords) > 0,
		SubmittedAt:         optTime(f.submitted),
		SubmittedToReviewAt: optTime(f.toReview),
		PublishedAt:         optTime(f.published),
		CreatedAt:           optTime(f.created),
		UpdatedAt:           optTime(f.updated),
		Reviews:             s.inlineReviews(f.reviews),
	}
}

// inlineReviews is the modeled "reviews" array, sent in partner mode only:
// no evidence shows it on ESP's web API.
func (s *Server) inlineReviews(rs []review) []modeledReview {
	if s.opts.Mode != ModePartner {
		return nil
	}
	return renderReviews(rs)
}

func (s *Server) renderReleaseLocked(r release) wireRelease {
	eth := r.ethnicities
	if eth == nil {
		eth = []string{}
	}
	return wireRelease{
		ID:               id(r.id),
		ReleaseType:      r.typ,
		FileName:         r.fileName,
		MimeType:         "application/pdf",
		StorageURL:       s.releaseURL(r.id),
		ModelDateOfBirth: optString(r.dateOfBirth),
		ModelGender:      optString(r.gender),
		ModelEthnicities: eth,
	}
}

// The same values as the client decodes them, for Portfolio.

func (s *Server) espBatchLocked(b *batch) esp.Batch {
	w := s.renderBatchLocked(b)
	return esp.Batch{
		ID: w.ID, Name: w.SubmissionName, Type: w.SubmissionType, Status: w.Status, Note: b.note,
		CreatedAt: espTime(b.created), UpdatedAt: espTime(b.updated),
		LastSubmittedAt: espTime(b.lastSubmitted), LastContributionSubmittedAt: espTime(b.lastContribSubmit),
		ContributionsCount: w.ContributionsCount, SubmittedCount: w.SubmittedCount,
		AwaitingReviewCount: w.AwaitingReviewCount, ReviewedCount: w.ReviewedCount,
		RevisableCount: w.RevisableCount, ProcessedCount: w.ProcessedCount, RejectedCount: w.RejectedCount,
		PendingCount: w.PendingCount, IsGetty: w.IsGetty, IsIStock: w.IsIStock, IStockExclusive: w.IStockExclusive,
		UserID: w.UserID, ProfileID: w.ProfileID,
	}
}

func (s *Server) espContributionLocked(b *batch, f *contribution) esp.Contribution {
	w := s.renderContributionLocked(b, f)
	m := f.metadata(s.opts.Seed)
	c := esp.Contribution{
		ID: w.ID, BatchID: w.SubmissionBatchID, MasterID: w.MasterID, Status: w.Status, FileName: w.FileName,
		MimeType: w.MimeType, MediaType: w.MediaType, ImageWidth: w.ImageWidth, ImageHeight: w.ImageHeight,
		Headline: w.Headline, Caption: w.Caption, Keywords: slices.Clone(m.keywords),
		CountryOfShoot: w.CountryOfShoot, City: w.City, ProvinceState: w.ProvinceState, Copyright: w.Copyright,
		CreditLine: w.CreditLine, CameraShotDate: w.CameraShotDate, Submittable: w.Submittable,
		SubmittedAt: espTime(f.submitted), SubmittedToReview: espTime(f.toReview), PublishedAt: espTime(f.published),
		CreatedAt: espTime(f.created), UpdatedAt: espTime(f.updated),
	}
	if w.ThumbnailURL != nil {
		c.ThumbnailURL = *w.ThumbnailURL
	}
	for _, r := range f.reviews {
		if s.opts.Mode != ModePartner {
			break
		}
		c.Reviews = append(c.Reviews, esp.Review{ReviewedAt: espTime(r.at), Outcome: r.outcome,
			Reasons: slices.Clone(r.reasons), Notes: r.notes})
	}
	return c
}

func (s *Server) espReleaseLocked(r release) esp.Release {
	w := s.renderReleaseLocked(r)
	out := esp.Release{ID: w.ID, ReleaseType: w.ReleaseType, FileName: w.FileName, MimeType: w.MimeType,
		StorageURL: w.StorageURL, ModelDateOfBirth: r.dateOfBirth, ModelGender: r.gender}
	if len(r.ethnicities) > 0 {
		out.ModelEthnicities = slices.Clone(r.ethnicities)
	}
	return out
}

func espTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
