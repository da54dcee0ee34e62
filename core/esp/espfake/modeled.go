package espfake

// Everything in this file is MODELED: no public source shows these parts of
// the ESP API, so Stocksync defines them (docs/esp-api.md, "Modeled").
// core/esp/modeled.go is the client's side of the same choices; correct both
// in one change if Getty's real API turns out to differ.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Default page sizes when a request gives none (the batch default of 10 is
// confirmed; the contribution default is modeled).
const (
	defaultBatchPageSize        = 10
	defaultContributionPageSize = 20
)

// Validation limits on metadata updates.
const (
	maxHeadlineLen = 255
	maxCaptionLen  = 2000
	maxKeywords    = 50
)

// modeledReview is one entry of a contribution's "reviews" array.
type modeledReview struct {
	ReviewedAt string   `json:"reviewed_at"`
	Outcome    string   `json:"outcome"`
	Reasons    []string `json:"reasons"`
	Notes      string   `json:"notes"`
}

func renderReviews(rs []review) []modeledReview {
	out := make([]modeledReview, len(rs))
	for i, r := range rs {
		reasons := r.reasons
		if reasons == nil {
			reasons = []string{}
		}
		out[i] = modeledReview{ReviewedAt: formatTime(r.at), Outcome: r.outcome, Reasons: reasons, Notes: r.notes}
	}
	return out
}

// Error bodies. {"ErrorCode","ErrorMessage"} is confirmed on the web API's
// 401; using it for every status is modeled.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"ErrorCode": code, "ErrorMessage": message})
}

// writeValidation answers 422 with field → messages, bare (modeled).
func writeValidation(w http.ResponseWriter, fields map[string][]string) {
	writeJSON(w, http.StatusUnprocessableEntity, fields)
}

// writeTokenError answers the token endpoint the way RFC 6749 says.
func writeTokenError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// updateRequest is the body of PUT …/contributions/{id}: {"contribution":{…}}
// (confirmed), or the same fields unwrapped (some clients sent that). Which
// fields may be changed is modeled.
type updateRequest struct {
	Headline *string          `json:"headline"`
	Caption  *string          `json:"caption"`
	Keywords *json.RawMessage `json:"keywords"`
}

func parseUpdate(body []byte) (updateRequest, []string, error) {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return updateRequest{}, nil, fmt.Errorf("the body is not a JSON object")
	}
	inner := body
	if c, ok := env["contribution"]; ok {
		inner = c
	}
	var u updateRequest
	if err := json.Unmarshal(inner, &u); err != nil {
		return updateRequest{}, nil, fmt.Errorf("contribution: %v", err)
	}
	var kws []string
	if u.Keywords != nil {
		var raw []json.RawMessage
		if err := json.Unmarshal(*u.Keywords, &raw); err != nil {
			return updateRequest{}, nil, fmt.Errorf("keywords must be a list")
		}
		kws = []string{}
		for _, r := range raw {
			var s string
			var obj struct {
				Term string `json:"term"`
			}
			switch {
			case json.Unmarshal(r, &s) == nil:
				kws = append(kws, s)
			case json.Unmarshal(r, &obj) == nil:
				kws = append(kws, obj.Term)
			default:
				return updateRequest{}, nil, fmt.Errorf("keywords must be strings or {\"term\":…} objects")
			}
		}
	}
	return u, kws, nil
}

// validateUpdate says what ESP would refuse; nil when the change is fine.
func validateUpdate(status string, u updateRequest, keywords []string, keywordsSet bool) map[string][]string {
	fields := map[string][]string{}
	if status != "pending" {
		fields["status"] = []string{"contribution has already been submitted and can no longer be edited"}
	}
	if u.Headline != nil && len([]rune(*u.Headline)) > maxHeadlineLen {
		fields["headline"] = []string{fmt.Sprintf("is too long (maximum is %d characters)", maxHeadlineLen)}
	}
	if u.Caption != nil && len([]rune(*u.Caption)) > maxCaptionLen {
		fields["caption"] = []string{fmt.Sprintf("is too long (maximum is %d characters)", maxCaptionLen)}
	}
	if keywordsSet && len(normaliseKeywords(keywords)) > maxKeywords {
		fields["keywords"] = []string{fmt.Sprintf("too many keywords (maximum is %d)", maxKeywords)}
	}
	if len(fields) == 0 {
		return nil
	}
	return fields
}

// The update and submit responses are the contribution itself, unwrapped.
// (Submit's is confirmed; update's is modeled the same way.)

// Batch status: "closed" is confirmed; "open" for a batch that still has
// unsubmitted files is modeled.
const (
	batchOpen   = "open"
	batchClosed = "closed"
)

// Token error codes for an API call with a missing or stale token.
const (
	codeTokenRequired = "TokenRequired" // confirmed
	codeInvalidToken  = "InvalidToken"  // modeled
	codeInvalidAPIKey = "InvalidApiKey" // modeled, answered with 403 like Getty's API gateway
)

func formatTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	t := time.UnixMilli(ms).UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(timeLayout)
	}
	hour, minute, sec := t.Clock()
	// The layout's digits written directly: Format parses the layout every call.
	b := []byte("0000-00-00T00:00:00.000Z")
	put := func(at, width, v int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, 4, year)
	put(5, 2, int(month))
	put(8, 2, day)
	put(11, 2, hour)
	put(14, 2, minute)
	put(17, 2, sec)
	put(20, 3, t.Nanosecond()/1e6)
	return string(b)
}

// timeLayout is how ESP writes times: UTC, milliseconds, "Z".
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// parseSortOrder accepts the forms seen: DESC/Descending and ASC/Ascending.
func parseSortOrder(s string) (desc bool, ok bool) {
	switch strings.ToLower(s) {
	case "", "desc", "descending":
		return true, true
	case "asc", "ascending":
		return false, true
	}
	return false, false
}
