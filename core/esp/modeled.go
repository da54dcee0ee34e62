package esp

// Everything in this file is MODELED: no public source shows these parts of
// the ESP API, so Stocksync defines them (docs/esp-api.md, "Modeled").
// espfake/modeled.go is the server's side of the same choices. If Getty's
// real API turns out to differ, correct it here and there, in one change.

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// Single objects may come wrapped in {"submission_batch":{…}} or
// {"contribution":{…}}, the way request bodies are; both forms are accepted.
const (
	modeledBatchWrapper        = "submission_batch"
	modeledContributionWrapper = "contribution"
)

// modeledReviews is the "reviews" array on a contribution:
// [{"reviewed_at":RFC3339,"outcome":"accepted"|"revisable"|"rejected",
// "reasons":[string],"notes":string}], oldest first. Being modeled, it is
// decoded tolerantly: a reviews value or review of another shape is dropped
// rather than failing the sync.
type modeledReviews []Review

func (m *modeledReviews) UnmarshalJSON(data []byte) error {
	*m = nil
	if jsonKind(data) != "array" {
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil
	}
	out := make([]Review, 0, len(raw))
	for _, r := range raw {
		var w struct {
			ReviewedAt json.RawMessage `json:"reviewed_at"`
			Outcome    flexString      `json:"outcome"`
			Reasons    json.RawMessage `json:"reasons"`
			Notes      flexString      `json:"notes"`
		}
		if jsonKind(r) != "object" || json.Unmarshal(r, &w) != nil {
			continue
		}
		var at flexTime
		if len(w.ReviewedAt) > 0 && at.UnmarshalJSON(w.ReviewedAt) != nil {
			at = flexTime{}
		}
		var reasons stringList
		if len(w.Reasons) > 0 && reasons.UnmarshalJSON(w.Reasons) != nil {
			reasons = nil
		}
		out = append(out, Review{
			ReviewedAt: time.Time(at),
			Outcome:    strings.TrimSpace(string(w.Outcome)),
			Reasons:    []string(reasons),
			Notes:      string(w.Notes),
		})
	}
	if len(out) > 0 {
		*m = out
	}
	return nil
}

// modeledUpdateBody encodes a metadata update as {"contribution":{…}} with
// only the fields being changed (the wrapper is confirmed; which fields may
// be sent is modeled).
func modeledUpdateBody(u ContributionUpdate) ([]byte, error) {
	fields := map[string]any{}
	if u.Headline != nil {
		fields["headline"] = *u.Headline
	}
	if u.Caption != nil {
		fields["caption"] = *u.Caption
	}
	if u.Keywords != nil {
		kw := *u.Keywords
		if kw == nil {
			kw = []string{}
		}
		fields["keywords"] = kw
	}
	return json.Marshal(map[string]any{"contribution": fields})
}

// modeledErrorBody reads an error response. Confirmed on the web API:
// {"ErrorCode":"…","ErrorMessage":"…"}. Modeled: 422 bodies are field →
// messages, bare or under "errors"; "message"/"error" keys are read too.
// Messages are cut short: they go into error strings shown to users.
func modeledErrorBody(body []byte) (message string, fields map[string][]string) {
	body = bytes.TrimSpace(body)
	if jsonKind(body) != "object" {
		return "", nil
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return "", nil
	}
	for _, k := range []string{"ErrorMessage", "error_description", "message", "error", "ErrorCode"} {
		var s flexString
		if v, ok := raw[k]; ok && s.UnmarshalJSON(v) == nil && strings.TrimSpace(string(s)) != "" {
			message = clip(strings.TrimSpace(string(s)), 300)
			break
		}
	}
	var fm fieldMessages
	if v, ok := raw["errors"]; ok {
		_ = fm.UnmarshalJSON(v)
	} else if message == "" {
		_ = fm.UnmarshalJSON(body)
	}
	if len(fm) > 0 {
		fields = make(map[string][]string, len(fm))
		for k, v := range fm {
			msgs := make([]string, len(v))
			for i, s := range v {
				msgs[i] = clip(s, 300)
			}
			fields[clip(k, 100)] = msgs
		}
	}
	return message, fields
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
