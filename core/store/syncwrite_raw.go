package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Since schema 5 contributions.raw keeps the JSON object ESP sent for a file
// without the members its columns reproduce, and contributions.raw_omitted
// says which those are (bit i for rawFields[i]; bit rawAltBit+i when a time
// had ESP's millisecond form). A member is left out only when its value,
// re-encoded from the stored column, is byte for byte what ESP sent (an ID,
// text, a count, true, an RFC 3339 UTC time, the keywords).
// What is kept is copied exactly as sent, in ESP's order: every field
// Stocksync does not map, and every mapped one that was empty, zero, false,
// null, of another type or written differently. ContributionRaw puts the
// object back together. The ~900 bytes of a typical file's JSON shrink to its
// unmapped remainder, which was a quarter of a first sync's write time
// (issue 15). Rows written before schema 5 hold the whole object
// (raw_omitted 0), which reads back as it was.

// rawCols are the column values a file's raw JSON members are compared with.
type rawCols struct {
	id, batchID, masterID, status, fileName, mimeType, mediaType, thumbURL, headline, caption string
	country, city, province, copyright, credit, shotDate                                      string
	keywords                                                                                  string // as stored: a JSON array
	width, height                                                                             int
	submittable                                                                               bool
	// The times as stored (timeLayout, "" = none).
	submitted, toReview, published, created, updated string
}

// rawField is one ESP member (esp.wireContribution) that a column holds.
type rawField struct {
	key string
	// enc appends the member's value as re-encoded from c, or returns dst
	// unchanged when the column is empty (such members are always kept).
	enc func(dst []byte, c *rawCols) []byte
	// alt, if set, is a second way ESP writes the value (times with
	// milliseconds); raw_omitted's bit rawAltBit+i says it was used.
	alt func(dst []byte, c *rawCols) []byte
}

// rawAltBit is the first of raw_omitted's bits saying a left-out member
// was written in its field's alt form.
const rawAltBit = 32

func rawString(key string, get func(*rawCols) string) rawField {
	return rawField{key: key, enc: func(dst []byte, c *rawCols) []byte {
		s := get(c)
		if s == "" || !plainJSON(s) {
			return dst
		}
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}}
}

func rawInt(key string, get func(*rawCols) int) rawField {
	return rawField{key: key, enc: func(dst []byte, c *rawCols) []byte {
		if v := get(c); v != 0 {
			return strconv.AppendInt(dst, int64(v), 10)
		}
		return dst
	}}
}

func rawTime(key string, get func(*rawCols) string) rawField {
	return rawField{key: key, enc: func(dst []byte, c *rawCols) []byte {
		return appendRFC3339(dst, get(c))
	}, alt: func(dst []byte, c *rawCols) []byte {
		return appendMillis(dst, get(c))
	}}
}

// appendMillis appends the stored time text col as a JSON string with
// exactly three fraction digits ("2023-02-21T14:06:08.860Z", as ESP writes
// its times), or nothing when col is empty or has a finer fraction.
func appendMillis(dst []byte, col string) []byte {
	if len(col) != len(timeLayout) || col[19] != '.' || col[29] != 'Z' || col[23:29] != "000000" {
		return dst
	}
	dst = append(dst, '"')
	dst = append(dst, col[:23]...)
	return append(dst, 'Z', '"')
}

// appendRFC3339 appends the stored time text col (timeLayout) as a JSON
// string in RFC 3339 with the fraction's trailing zeros cut, exactly what
// time.Time.Format(time.RFC3339Nano) writes for it in UTC; nothing for "".
func appendRFC3339(dst []byte, col string) []byte {
	if col == "" {
		return dst
	}
	if len(col) != len(timeLayout) || col[19] != '.' || col[29] != 'Z' {
		t := parseTime(col)
		if t.IsZero() {
			return dst
		}
		dst = append(dst, '"')
		dst = t.UTC().AppendFormat(dst, time.RFC3339Nano)
		return append(dst, '"')
	}
	frac := strings.TrimRight(col[20:29], "0")
	dst = append(dst, '"')
	dst = append(dst, col[:19]...)
	if frac != "" {
		dst = append(append(dst, '.'), frac...)
	}
	return append(dst, 'Z', '"')
}

// timeText is fmtTime, without time.Format's layout parsing (the writer
// formats six times per file).
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	u := t.UTC()
	year, month, day := u.Date()
	if year < 0 || year > 9999 {
		return fmtTime(t)
	}
	hour, min, sec := u.Clock()
	var b [len(timeLayout)]byte
	put := func(at, v, digits int) {
		for i := at + digits - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, year, 4)
	b[4] = '-'
	put(5, int(month), 2)
	b[7] = '-'
	put(8, day, 2)
	b[10] = 'T'
	put(11, hour, 2)
	b[13] = ':'
	put(14, min, 2)
	b[16] = ':'
	put(17, sec, 2)
	b[19] = '.'
	put(20, u.Nanosecond(), 9)
	b[29] = 'Z'
	return string(b[:])
}

// rawFields are the mapped members, in the order ESP sends them.
var rawFields = []rawField{
	rawString("id", func(c *rawCols) string { return c.id }),
	rawString("submission_batch_id", func(c *rawCols) string { return c.batchID }),
	rawString("master_id", func(c *rawCols) string { return c.masterID }),
	rawString("status", func(c *rawCols) string { return c.status }),
	rawString("file_name", func(c *rawCols) string { return c.fileName }),
	rawString("mime_type", func(c *rawCols) string { return c.mimeType }),
	rawString("media_type", func(c *rawCols) string { return c.mediaType }),
	rawInt("image_width", func(c *rawCols) int { return c.width }),
	rawInt("image_height", func(c *rawCols) int { return c.height }),
	rawString("thumbnail_url", func(c *rawCols) string { return c.thumbURL }),
	rawString("headline", func(c *rawCols) string { return c.headline }),
	rawString("caption", func(c *rawCols) string { return c.caption }),
	{key: "keywords", enc: func(dst []byte, c *rawCols) []byte {
		if c.keywords == "" || c.keywords == "[]" {
			return dst
		}
		return append(dst, c.keywords...)
	}},
	rawString("country_of_shoot", func(c *rawCols) string { return c.country }),
	rawString("city", func(c *rawCols) string { return c.city }),
	rawString("province_state", func(c *rawCols) string { return c.province }),
	rawString("copyright", func(c *rawCols) string { return c.copyright }),
	rawString("credit_line", func(c *rawCols) string { return c.credit }),
	rawString("camera_shot_date", func(c *rawCols) string { return c.shotDate }),
	{key: "submittable", enc: func(dst []byte, c *rawCols) []byte {
		if c.submittable {
			return append(dst, "true"...)
		}
		return dst
	}},
	rawTime("submitted_at", func(c *rawCols) string { return c.submitted }),
	rawTime("submitted_to_review_at", func(c *rawCols) string { return c.toReview }),
	rawTime("published_at", func(c *rawCols) string { return c.published }),
	rawTime("created_at", func(c *rawCols) string { return c.created }),
	rawTime("updated_at", func(c *rawCols) string { return c.updated }),
}

var rawFieldIndex = func() map[string]int {
	m := make(map[string]int, len(rawFields))
	for i, f := range rawFields {
		m[f.key] = i
	}
	return m
}()

// fileRawCols are the columns WriteBatch stores for f in batch batchID
// (keywords as stringsJSON made them), times formatted.
func fileRawCols(batchID string, f *Contribution, keywords string) rawCols {
	return rawCols{id: f.ID, batchID: batchID, masterID: f.MasterID, status: f.Status, fileName: f.FileName,
		mimeType: f.MimeType, mediaType: f.MediaType, thumbURL: f.ThumbnailURL, headline: f.Headline,
		caption: f.Caption, country: f.CountryOfShoot, city: f.City, province: f.ProvinceState,
		copyright: f.Copyright, credit: f.CreditLine, shotDate: f.CameraShotDate, keywords: keywords,
		width: f.Width, height: f.Height, submittable: f.Submittable, submitted: timeText(f.SubmittedAt),
		toReview: timeText(f.SubmittedToReviewAt), published: timeText(f.PublishedAt), created: timeText(f.CreatedAt),
		updated: timeText(f.UpdatedAt)}
}

// rawScratch are compactRaw's reusable buffers.
type rawScratch struct{ out, enc []byte }

// compactRaw is what contributions.raw and raw_omitted store of raw (see
// above): "" for none, and raw whole (omitted 0) when it is not an object
// this scanner reads plainly (a key with escapes, a mapped key twice, a
// key equal to a mapped one but for case, whose order against it matters
// to encoding/json), so nothing is ever lost. The result does not alias
// scratch.
func compactRaw(raw []byte, c *rawCols, scratch *rawScratch) (stored string, omitted int64) {
	if len(raw) == 0 {
		return "", 0
	}
	out := append(scratch.out[:0], '{')
	enc := scratch.enc
	var seen uint64
	plain := eachMember(raw, func(key, member, value []byte) bool {
		if bytes.IndexByte(key, '\\') >= 0 {
			return false
		}
		i, mapped := rawFieldIndex[string(key)]
		if !mapped && foldsToMapped(key) {
			// encoding/json matches keys case-insensitively and keeps the
			// last: moving a mapped member ahead of this one would change
			// which value such a decoder reads.
			return false
		}
		if mapped {
			if seen&(1<<i) != 0 {
				return false
			}
			seen |= 1 << i
			f := &rawFields[i]
			if enc = f.enc(enc[:0], c); len(enc) > 0 && bytes.Equal(enc, value) {
				omitted |= 1 << i
				return true
			}
			if f.alt != nil {
				if enc = f.alt(enc[:0], c); len(enc) > 0 && bytes.Equal(enc, value) {
					omitted |= 1<<i | 1<<(rawAltBit+i)
					return true
				}
			}
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, member...)
		return true
	})
	scratch.out, scratch.enc = out, enc
	if !plain {
		return string(raw), 0
	}
	return string(append(out, '}')), omitted
}

// foldsToMapped reports whether key, not itself a mapped key, equals one
// under Unicode case folding (as encoding/json matches a member to a field:
// "Headline", "ſtatus" with a long s).
func foldsToMapped(key []byte) bool {
	if !isASCII(key) {
		for _, f := range rawFields {
			if strings.EqualFold(string(key), f.key) {
				return true
			}
		}
		return false
	}
	var lower [32]byte // longer than every mapped key: none folds to one
	if len(key) > len(lower) {
		return false
	}
	for j, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[j] = c
	}
	_, mapped := rawFieldIndex[string(lower[:len(key)])]
	return mapped
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// expandRaw puts a file's JSON object back together from its stored raw,
// raw_omitted and columns: the members left out are written first, in
// ESP's order, then every stored member as ESP sent it.
func expandRaw(stored string, omitted int64, c *rawCols) (json.RawMessage, error) {
	if stored == "" {
		return nil, nil
	}
	raw := []byte(stored)
	if omitted == 0 {
		return raw, nil // stored whole
	}
	var members [][]byte
	if !eachMember(raw, func(_, member, _ []byte) bool {
		members = append(members, member)
		return true
	}) {
		return nil, errors.New("the stored JSON is damaged")
	}
	out := make([]byte, 0, len(raw)+1024)
	out = append(out, '{')
	var enc []byte
	for i, f := range rawFields {
		if omitted&(1<<i) == 0 {
			continue
		}
		if omitted&(1<<(rawAltBit+i)) != 0 && f.alt != nil {
			enc = f.alt(enc[:0], c)
		} else {
			enc = f.enc(enc[:0], c)
		}
		if len(enc) == 0 {
			return nil, fmt.Errorf("the stored JSON lacks %q and its column is empty", f.key)
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = strconv.AppendQuote(out, f.key)
		out = append(append(out, ':'), enc...)
	}
	for _, m := range members {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, m...)
	}
	return append(out, '}'), nil
}

// ContributionRaw returns the JSON object ESP last sent for the file with
// ESP contribution ID id (contributions.raw, schema 3; compacted since
// schema 5): every member ESP sent with the same value; members Stocksync
// does not map exactly as sent, mapped ones re-encoded from their columns
// (so member order and spacing may differ; a file last written without raw
// JSON, which only tests do, keeps its older JSON with today's columns). It
// returns nil for a file synced before schema 3, and an error wrapping
// sql.ErrNoRows for an unknown ID.
func (db *DB) ContributionRaw(ctx context.Context, id string) (json.RawMessage, error) {
	var c rawCols
	var stored, submittable string
	var omitted int64
	err := db.r.QueryRowContext(ctx, `SELECT id, batch_id, master_id, status, file_name, mime_type, media_type,
		thumbnail_url, headline, caption, country_of_shoot, city, province_state, copyright, credit_line,
		camera_shot_date, keywords, image_width, image_height, submittable, submitted_at, submitted_to_review_at,
		published_at, created_at, updated_at, raw, raw_omitted FROM contributions WHERE id = ?`, id).Scan(&c.id, &c.batchID,
		&c.masterID, &c.status, &c.fileName, &c.mimeType, &c.mediaType, &c.thumbURL, &c.headline, &c.caption,
		&c.country, &c.city, &c.province, &c.copyright, &c.credit, &c.shotDate, &c.keywords, &c.width, &c.height,
		&submittable, &c.submitted, &c.toReview, &c.published, &c.created, &c.updated, &stored, &omitted)
	if err != nil {
		return nil, db.wrapErr(fmt.Sprintf("read the JSON of file %s", id), err)
	}
	c.submittable = submittable == "1"
	out, err := expandRaw(stored, omitted, &c)
	if err != nil {
		return nil, fmt.Errorf("read the JSON of file %s in %s: %w", id, db.path, err)
	}
	return out, nil
}

// eachMember calls fn with every member of the JSON object raw, in order:
// its key (between the quotes, unescaped only if it had no escapes), the
// member's bytes from the key's opening quote to the value's end, and the
// value's bytes. It stops when fn returns false, and reports whether raw
// was an object it read to the end and fn never said stop.
func eachMember(raw []byte, fn func(key, member, value []byte) bool) bool {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return skipSpace(raw, i+1) == len(raw)
	}
	for {
		if i >= len(raw) || raw[i] != '"' {
			return false
		}
		start := i
		end, ok := skipString(raw, i)
		if !ok {
			return false
		}
		key := raw[start+1 : end-1]
		if i = skipSpace(raw, end); i >= len(raw) || raw[i] != ':' {
			return false
		}
		vs := skipSpace(raw, i+1)
		ve, ok := skipValue(raw, vs)
		if !ok || !fn(key, raw[start:ve], raw[vs:ve]) {
			return false
		}
		if i = skipSpace(raw, ve); i >= len(raw) {
			return false
		}
		switch raw[i] {
		case '}':
			return skipSpace(raw, i+1) == len(raw)
		case ',':
			i = skipSpace(raw, i+1)
		default:
			return false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] ('"').
func skipString(b []byte, i int) (int, bool) {
	for j := i + 1; ; {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false
		}
		q := j + k
		escapes := 0 // an odd number of backslashes before it escapes the quote
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			escapes++
		}
		if escapes%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := skipString(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j, j > i
}
