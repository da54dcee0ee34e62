package esp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Streaming decoders of server data. Lists are read item by item with a
// jsontext.Decoder (pages.go), so memory is bounded by one item plus the
// result. Each
// returns an error describing what was wrong; the caller turns it into an
// *Error of kind ErrMalformed (or a transport error, if the body broke off).

type wireBatch struct {
	ID                          flexID     `json:"id"`
	SubmissionName              flexString `json:"submission_name"`
	SubmissionType              flexString `json:"submission_type"`
	Status                      flexString `json:"status"`
	Note                        flexString `json:"note"`
	CreatedAt                   flexTime   `json:"created_at"`
	UpdatedAt                   flexTime   `json:"updated_at"`
	LastSubmittedAt             flexTime   `json:"last_submitted_at"`
	LastContributionSubmittedAt flexTime   `json:"last_contribution_submitted_at"`
	ContributionsCount          count      `json:"contributions_count"`
	SubmittedCount              count      `json:"submitted_contributions_count"`
	AwaitingReviewCount         count      `json:"contributions_awaiting_review_count"`
	ReviewedCount               count      `json:"reviewed_contributions_count"`
	RevisableCount              count      `json:"revisable_contributions_count"`
	ProcessedCount              count      `json:"processed_contributions_count"`
	RejectedCount               count      `json:"rejected_contributions_count"`
	PendingCount                count      `json:"pending_contributions_count"`
	IsGetty                     flexBool   `json:"is_getty"`
	IsIStock                    flexBool   `json:"is_istock"`
	IStockExclusive             flexBool   `json:"istock_exclusive"`
	UserID                      flexID     `json:"user_id"`
	ProfileID                   flexID     `json:"profile_id"`
}

func (w *wireBatch) batch() (Batch, error) {
	if !w.ID.set {
		return Batch{}, errors.New(`field "id" missing or empty`)
	}
	return Batch{
		ID:                          w.ID.s,
		Name:                        string(w.SubmissionName),
		Type:                        string(w.SubmissionType),
		Status:                      string(w.Status),
		Note:                        string(w.Note),
		CreatedAt:                   time.Time(w.CreatedAt),
		UpdatedAt:                   time.Time(w.UpdatedAt),
		LastSubmittedAt:             time.Time(w.LastSubmittedAt),
		LastContributionSubmittedAt: time.Time(w.LastContributionSubmittedAt),
		ContributionsCount:          int(w.ContributionsCount),
		SubmittedCount:              int(w.SubmittedCount),
		AwaitingReviewCount:         int(w.AwaitingReviewCount),
		ReviewedCount:               int(w.ReviewedCount),
		RevisableCount:              int(w.RevisableCount),
		ProcessedCount:              int(w.ProcessedCount),
		RejectedCount:               int(w.RejectedCount),
		PendingCount:                int(w.PendingCount),
		IsGetty:                     bool(w.IsGetty),
		IsIStock:                    bool(w.IsIStock),
		IStockExclusive:             bool(w.IStockExclusive),
		UserID:                      w.UserID.s,
		ProfileID:                   w.ProfileID.s,
	}, nil
}

type wireContribution struct {
	ID                       flexID         `json:"id"`
	SubmissionBatchID        flexID         `json:"submission_batch_id"`
	MasterID                 flexID         `json:"master_id"`
	Status                   flexString     `json:"status"`
	FileName                 flexString     `json:"file_name"`
	MimeType                 flexString     `json:"mime_type"`
	MediaType                flexString     `json:"media_type"`
	ImageWidth               count          `json:"image_width"`
	ImageHeight              count          `json:"image_height"`
	ThumbnailURL             flexString     `json:"thumbnail_url"`
	Headline                 flexString     `json:"headline"`
	Caption                  flexString     `json:"caption"`
	Keywords                 keywords       `json:"keywords"`
	CountryOfShoot           flexString     `json:"country_of_shoot"`
	City                     flexString     `json:"city"`
	ProvinceState            flexString     `json:"province_state"`
	Copyright                flexString     `json:"copyright"`
	CreditLine               flexString     `json:"credit_line"`
	CameraShotDate           flexString     `json:"camera_shot_date"`
	Submittable              flexBool       `json:"submittable"`
	SubmittedAt              flexTime       `json:"submitted_at"`
	SubmittedToReviewAt      flexTime       `json:"submitted_to_review_at"`
	PublishedAt              flexTime       `json:"published_at"`
	CreatedAt                flexTime       `json:"created_at"`
	UpdatedAt                flexTime       `json:"updated_at"`
	Errors                   fieldMessages  `json:"errors"`
	NominateForSignaturePlus flexBool       `json:"nominate_for_signature_plus"`
	CollectionCFWName        flexString     `json:"collection_cfw_name"`
	Reviews                  modeledReviews `json:"reviews"`
}

func (w *wireContribution) contribution() (Contribution, error) {
	if !w.ID.set {
		return Contribution{}, errors.New(`field "id" missing or empty`)
	}
	return Contribution{
		ID:                       w.ID.s,
		BatchID:                  w.SubmissionBatchID.s,
		MasterID:                 w.MasterID.s,
		Status:                   string(w.Status),
		FileName:                 string(w.FileName),
		MimeType:                 string(w.MimeType),
		MediaType:                string(w.MediaType),
		ImageWidth:               int(w.ImageWidth),
		ImageHeight:              int(w.ImageHeight),
		ThumbnailURL:             string(w.ThumbnailURL),
		Headline:                 string(w.Headline),
		Caption:                  string(w.Caption),
		Keywords:                 []string(w.Keywords),
		CountryOfShoot:           string(w.CountryOfShoot),
		City:                     string(w.City),
		ProvinceState:            string(w.ProvinceState),
		Copyright:                string(w.Copyright),
		CreditLine:               string(w.CreditLine),
		CameraShotDate:           string(w.CameraShotDate),
		Submittable:              bool(w.Submittable),
		SubmittedAt:              time.Time(w.SubmittedAt),
		SubmittedToReview:        time.Time(w.SubmittedToReviewAt),
		PublishedAt:              time.Time(w.PublishedAt),
		CreatedAt:                time.Time(w.CreatedAt),
		UpdatedAt:                time.Time(w.UpdatedAt),
		Errors:                   map[string][]string(w.Errors),
		NominateForSignaturePlus: bool(w.NominateForSignaturePlus),
		CollectionCFWName:        string(w.CollectionCFWName),
		Reviews:                  []Review(w.Reviews),
	}, nil
}

type wireRelease struct {
	ID               flexID     `json:"id"`
	ReleaseType      flexString `json:"release_type"`
	FileName         flexString `json:"file_name"`
	MimeType         flexString `json:"mime_type"`
	StorageURL       flexString `json:"storage_url"`
	ModelDateOfBirth flexString `json:"model_date_of_birth"`
	ModelGender      flexString `json:"model_gender"`
	ModelEthnicities stringList `json:"model_ethnicities"`
}

func (w *wireRelease) release() (Release, error) {
	if !w.ID.set {
		return Release{}, errors.New(`field "id" missing or empty`)
	}
	return Release{
		ID:               w.ID.s,
		ReleaseType:      string(w.ReleaseType),
		FileName:         string(w.FileName),
		MimeType:         string(w.MimeType),
		StorageURL:       string(w.StorageURL),
		ModelDateOfBirth: string(w.ModelDateOfBirth),
		ModelGender:      string(w.ModelGender),
		ModelEthnicities: []string(w.ModelEthnicities),
	}, nil
}

// describe turns a decoding error into words naming the field.
func describe(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var jse *jsontext.SyntacticError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the JSON ends too early" // jsontext wraps it in a SyntacticError
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("field %q has a %s where a %s belongs", te.Field, te.Value, kindName(te))
		}
		return fmt.Sprintf("a %s where a %s belongs", te.Value, kindName(te))
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &jse):
		return fmt.Sprintf("invalid JSON at byte %d", jse.ByteOffset)
	}
	return err.Error()
}

func kindName(te *json.UnmarshalTypeError) string {
	if te.Type == nil {
		return "value"
	}
	switch te.Type {
	case typeString:
		return "string"
	case typeInt:
		return "non-negative integer"
	case typeBool:
		return "boolean"
	case typeTime:
		return "RFC 3339 timestamp"
	case typeList:
		return "list"
	}
	return te.Type.String()
}

// decodeBatchList reads {"items":[batch…],"meta":{"total_items":N}}. total is
// -1 when the server sent none.
func decodeBatchList(r io.Reader) (items []Batch, total int, err error) {
	return decodeBatchListMax(r, 0)
}

// decodeBatchListMax is decodeBatchList refusing more than max items (0: no
// limit): a page holds at most the page size asked for, so a server that
// sends more is wrong, and stopping early keeps memory bounded.
func decodeBatchListMax(r io.Reader, max int) (items []Batch, total int, err error) {
	p := newPageDecoder(r)
	defer p.free()
	total = -1
	sawItems := false
	if err := p.expectDelim('{', "an object with items"); err != nil {
		return nil, 0, err
	}
	for p.more() {
		key, err := p.objectKey()
		if err != nil {
			return nil, 0, err
		}
		switch key {
		case "items":
			sawItems = true
			items, err = decodeArray(p, limitItems(decodeBatchItem, max))
			if err != nil {
				return nil, 0, err
			}
		case "meta":
			if total, err = p.meta(total); err != nil {
				return nil, 0, err
			}
		default:
			if err := p.skipValue(); err != nil {
				return nil, 0, err
			}
		}
	}
	if err := p.endOfDocument('}'); err != nil {
		return nil, 0, err
	}
	if !sawItems {
		return nil, 0, errors.New(`no "items" list`)
	}
	return items, total, nil
}

// decodeContributionList reads a plain array of contributions (confirmed);
// an {"items":[…]} envelope is accepted too.
func decodeContributionList(r io.Reader) ([]Contribution, error) {
	return decodeList(r, decodeContributionItem)
}

// decodeContributionListMax refuses more than max items (0: no limit).
func decodeContributionListMax(r io.Reader, max int) ([]Contribution, error) {
	return decodeList(r, limitItems(decodeContributionItem, max))
}

// limitItems makes item fail from the (max+1)th call on (max 0: never).
func limitItems[T any](item itemFunc[T], max int) itemFunc[T] {
	return limitItemsSaying(item, max, fmt.Sprintf("more items than the page size of %d asked for", max))
}

// limitItemsSaying is limitItems with the refusal's words. The count is
// checked before the item is read, so the refusal comes before any error
// in the item's own bytes.
func limitItemsSaying[T any](item itemFunc[T], max int, why string) itemFunc[T] {
	n := 0
	return func(p *pageDecoder) (T, error) {
		n++
		if max > 0 && n > max {
			var zero T
			return zero, errors.New(why)
		}
		return item(p)
	}
}

// decodeReleaseList reads a plain array of releases.
func decodeReleaseList(r io.Reader) ([]Release, error) {
	return decodeList(r, decodeReleaseItem)
}

func decodeBatchObject(r io.Reader) (Batch, error) {
	return decodeOne(r, modeledBatchWrapper, batchFromRaw)
}

func decodeContributionObject(r io.Reader) (Contribution, error) {
	return decodeOne(r, modeledContributionWrapper, contributionFromRaw)
}

func decodeBatchItem(p *pageDecoder) (Batch, error) {
	raw, err := p.item()
	if err != nil {
		return Batch{}, err
	}
	return batchFromRaw(raw)
}

func decodeContributionItem(p *pageDecoder) (Contribution, error) {
	raw, err := p.item()
	if err != nil {
		return Contribution{}, err
	}
	return contributionFromRaw(raw)
}

func decodeReleaseItem(p *pageDecoder) (Release, error) {
	raw, err := p.item()
	if err != nil {
		return Release{}, err
	}
	return releaseFromRaw(raw)
}

// batchFromRaw decodes one batch from raw, one JSON value the caller owns
// (it becomes the batch's Raw).
func batchFromRaw(raw json.RawMessage) (Batch, error) {
	var w wireBatch
	if err := decodeMembers(raw, &w, batchMembers); err != nil {
		return Batch{}, errors.New(describe(err))
	}
	v, err := w.batch()
	v.Raw = raw
	return v, err
}

// contributionFromRaw is batchFromRaw for a contribution.
func contributionFromRaw(raw json.RawMessage) (Contribution, error) {
	var w wireContribution
	if err := decodeMembers(raw, &w, contributionMembers); err != nil {
		return Contribution{}, errors.New(describe(err))
	}
	v, err := w.contribution()
	v.Raw = raw
	return v, err
}

// releaseFromRaw is batchFromRaw for a release.
func releaseFromRaw(raw json.RawMessage) (Release, error) {
	var w wireRelease
	if err := decodeMembers(raw, &w, releaseMembers); err != nil {
		return Release{}, errors.New(describe(err))
	}
	v, err := w.release()
	v.Raw = raw
	return v, err
}

func decodeArray[T any](p *pageDecoder, item itemFunc[T]) ([]T, error) {
	kind, err := p.token()
	if err != nil {
		return nil, err
	}
	if kind == 'n' {
		return nil, nil
	}
	if kind != '[' {
		return nil, fmt.Errorf("items: %s where a list belongs", tokenKind(kind))
	}
	out, err := decodeArrayBody(p, item)
	if err != nil {
		return nil, err
	}
	if _, err := p.token(); err != nil { // the closing ]
		return nil, err
	}
	return out, nil
}

// decodeArrayBody reads items up to, not including, the closing bracket.
func decodeArrayBody[T any](p *pageDecoder, item itemFunc[T]) ([]T, error) {
	var out []T
	for i := 0; p.more(); i++ {
		v, err := item(p)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}
