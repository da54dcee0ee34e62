package espfake

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Contribution lists are the bulk of an initial sync's responses (100 per
// batch), so they are encoded by hand instead of by encoding/json's
// reflection, to the same bytes json.Marshal gives (TestAppendContributionMatchesMarshal
// holds the two together: a field added to wireContribution must be added here).

// appendContributionJSON appends c as json.Marshal encodes it.
func appendContributionJSON(b []byte, c *wireContribution) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, c.ID)
	b = appendKey(b, "submission_batch_id", c.SubmissionBatchID)
	b = appendKey(b, "master_id", c.MasterID)
	b = appendKey(b, "status", c.Status)
	b = appendKey(b, "file_name", c.FileName)
	b = appendKey(b, "mime_type", c.MimeType)
	b = appendKey(b, "media_type", c.MediaType)
	b = append(b, `,"image_width":`...)
	b = strconv.AppendInt(b, int64(c.ImageWidth), 10)
	b = append(b, `,"image_height":`...)
	b = strconv.AppendInt(b, int64(c.ImageHeight), 10)
	b = appendOptKey(b, "thumbnail_url", c.ThumbnailURL)
	b = appendKey(b, "headline", c.Headline)
	b = appendKey(b, "caption", c.Caption)
	b = append(b, `,"keywords":`...)
	switch kw := c.Keywords.(type) {
	case []string:
		b = appendJSONStrings(b, kw)
	case []keywordTerm:
		b = append(b, '[')
		for i, k := range kw {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"term":`...)
			b = appendJSONString(b, k.Term)
			b = append(b, '}')
		}
		b = append(b, ']')
	default:
		b = appendMarshal(b, kw)
	}
	b = appendKey(b, "country_of_shoot", c.CountryOfShoot)
	b = appendKey(b, "city", c.City)
	b = appendKey(b, "province_state", c.ProvinceState)
	b = appendKey(b, "copyright", c.Copyright)
	b = appendKey(b, "credit_line", c.CreditLine)
	b = appendKey(b, "camera_shot_date", c.CameraShotDate)
	b = append(b, `,"submittable":`...)
	b = strconv.AppendBool(b, c.Submittable)
	b = appendOptKey(b, "submitted_at", c.SubmittedAt)
	b = appendOptKey(b, "submitted_to_review_at", c.SubmittedToReviewAt)
	b = appendOptKey(b, "published_at", c.PublishedAt)
	b = appendOptKey(b, "created_at", c.CreatedAt)
	b = appendOptKey(b, "updated_at", c.UpdatedAt)
	b = append(b, `,"errors":{},"nominate_for_signature_plus":`...)
	b = strconv.AppendBool(b, c.NominateForSignaturePlus)
	b = appendOptKey(b, "collection_cfw_name", c.CollectionCFWName)
	if c.Reviews != nil { // omitzero
		b = append(b, `,"reviews":[`...)
		for i, r := range c.Reviews {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"reviewed_at":`...)
			b = appendJSONString(b, r.ReviewedAt)
			b = appendKey(b, "outcome", r.Outcome)
			b = append(b, `,"reasons":`...)
			b = appendJSONStrings(b, r.Reasons)
			b = appendKey(b, "notes", r.Notes)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendKey appends ,"key":"value".
func appendKey(b []byte, key, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendJSONString(b, value)
}

// appendOptKey appends ,"key":"value" or ,"key":null.
func appendOptKey(b []byte, key string, value *string) []byte {
	if value == nil {
		b = append(b, ',', '"')
		b = append(b, key...)
		return append(b, `":null`...)
	}
	return appendKey(b, key, *value)
}

// appendJSONStrings appends a list of strings (null for a nil one).
func appendJSONStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONString appends s quoted as json.Marshal quotes it: text that
// needs no escaping is copied, anything else (quotes, backslashes, control
// characters, <, >, &, U+2028, U+2029, invalid UTF-8) goes through json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendMarshal(b, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			return appendMarshal(b, s)
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshal(b []byte, v any) []byte {
	j, err := json.Marshal(v)
	if err != nil { // strings and string lists always encode
		return append(b, "null"...)
	}
	return append(b, j...)
}
