package esp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Tolerant and strict JSON field types. Each returns *json.UnmarshalTypeError
// on a wrong type so the decoder names the field in the error.

var (
	typeString = reflect.TypeFor[string]()
	typeInt    = reflect.TypeFor[int]()
	typeBool   = reflect.TypeFor[bool]()
	typeTime   = reflect.TypeFor[time.Time]()
	typeList   = reflect.TypeFor[[]string]()
)

func typeErr(data []byte, want reflect.Type) error {
	return &json.UnmarshalTypeError{Value: jsonKind(data), Type: want}
}

func jsonKind(data []byte) string {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return "nothing"
	}
	switch data[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

func isNull(data []byte) bool { return string(bytes.TrimSpace(data)) == "null" }

// unquote decodes a JSON string, skipping the general decoder when the
// string has no escapes (the common case; decoding speed matters for
// 100,000-file portfolios).
func unquote(data []byte) (string, error) {
	data = bytes.TrimSpace(data)
	if len(data) >= 2 && data[0] == '"' && data[len(data)-1] == '"' {
		inner := data[1 : len(data)-1]
		if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) && !hasControl(inner) {
			return string(inner), nil
		}
	}
	var s string
	err := json.Unmarshal(data, &s)
	return s, err
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// flexID is an identifier: a non-empty string, or an integer number (IDs are
// numbers in string form, and some servers drop the quotes).
type flexID struct {
	s   string
	set bool
}

func (f *flexID) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	switch jsonKind(data) {
	case "string":
		s, err := unquote(data)
		if err != nil {
			return err
		}
		f.s, f.set = strings.TrimSpace(s), strings.TrimSpace(s) != ""
		return nil
	case "number":
		n := string(bytes.TrimSpace(data))
		if _, err := strconv.ParseUint(n, 10, 64); err != nil {
			return typeErr(data, typeString)
		}
		f.s, f.set = n, true
		return nil
	}
	return typeErr(data, typeString)
}

// flexString is text: a string, null, or a number or bool written as text.
type flexString string

func (f *flexString) UnmarshalJSON(data []byte) error {
	switch jsonKind(data) {
	case "null":
		*f = ""
		return nil
	case "string":
		s, err := unquote(data)
		if err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	case "number", "bool":
		*f = flexString(bytes.TrimSpace(data))
		return nil
	}
	return typeErr(data, typeString)
}

// flexBool accepts true/false, null, 0/1 and their string forms.
type flexBool bool

func (f *flexBool) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(data)), `"`)
	switch strings.ToLower(s) {
	case "true", "1", "yes":
		*f = true
		return nil
	case "false", "0", "no", "", "null":
		*f = false
		return nil
	}
	return typeErr(data, typeBool)
}

// count is a non-negative integer or null. Strict: a count of the wrong type
// would corrupt the store, so it fails the whole item.
type count int

func (c *count) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		*c = 0
		return nil
	}
	if jsonKind(data) != "number" {
		return typeErr(data, typeInt)
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(data)), 10, 32)
	if err != nil || n < 0 {
		return typeErr(data, typeInt)
	}
	*c = count(n)
	return nil
}

// flexTime is an RFC 3339 timestamp, or null/"" for none. Anything else (a
// string in another format, a number, …) is left zero rather than failing
// the item: the Getty-written SDK kept submitted_to_review_at as free text,
// and the text stays in the item's Raw JSON.
type flexTime time.Time

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

func (f *flexTime) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		*f = flexTime{}
		return nil
	}
	*f = flexTime{}
	if jsonKind(data) != "string" {
		return nil
	}
	s, err := unquote(data)
	if err != nil {
		return nil
	}
	if t, err := parseTime(s); err == nil {
		*f = flexTime(t)
	}
	return nil
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a timestamp")
}

// keywords accepts an array whose elements are strings or objects with a
// "term" (both seen on ESP), or a single comma-separated string. Elements of
// other shapes are skipped; blanks and duplicates are dropped.
type keywords []string

func (k *keywords) UnmarshalJSON(data []byte) error {
	switch jsonKind(data) {
	case "null":
		*k = nil
		return nil
	case "string":
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*k = normaliseKeywords(strings.Split(s, ","))
		return nil
	case "array":
	default:
		return typeErr(data, typeList)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		switch jsonKind(r) {
		case "string", "number":
			var s flexString
			if err := s.UnmarshalJSON(r); err == nil {
				out = append(out, string(s))
			}
		case "object":
			var obj struct {
				Term flexString `json:"term"`
			}
			if err := json.Unmarshal(r, &obj); err == nil {
				out = append(out, string(obj.Term))
			}
		}
	}
	*k = normaliseKeywords(out)
	return nil
}

func normaliseKeywords(in []string) []string {
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// stringList is an array of texts, a single text, or null.
type stringList []string

func (l *stringList) UnmarshalJSON(data []byte) error {
	switch jsonKind(data) {
	case "null":
		*l = nil
		return nil
	case "string", "number", "bool":
		var s flexString
		if err := s.UnmarshalJSON(data); err != nil {
			return err
		}
		*l = stringList{string(s)}
		return nil
	case "array":
		var raw []flexString
		if err := json.Unmarshal(data, &raw); err != nil {
			return typeErr(data, typeList)
		}
		if len(raw) == 0 {
			*l = nil
			return nil
		}
		out := make([]string, len(raw))
		for i, s := range raw {
			out[i] = string(s)
		}
		*l = out
		return nil
	}
	return typeErr(data, typeList)
}

// fieldMessages is ESP's validation errors: field → list of messages. Values
// that are a single string are accepted; anything else is ignored, as these
// are informational.
type fieldMessages map[string][]string

func (m *fieldMessages) UnmarshalJSON(data []byte) error {
	*m = nil
	if jsonKind(data) != "object" {
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil
	}
	out := make(map[string][]string, len(raw))
	for k, v := range raw {
		var l stringList
		if err := l.UnmarshalJSON(v); err == nil && len(l) > 0 {
			out[k] = l
		}
	}
	if len(out) > 0 {
		*m = out
	}
	return nil
}
