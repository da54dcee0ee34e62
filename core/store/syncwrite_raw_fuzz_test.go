package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
)

// rawMember is one member of a JSON object: its key (unescaped) and its
// value exactly as written.
type rawMember struct {
	key   string
	value string
}

// objectMembers reads the members of the JSON object b in order, with an
// independent reader (encoding/json's tokens), or ok false if b is not one.
func objectMembers(b []byte) (members []rawMember, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		members = append(members, rawMember{tok.(string), string(v)})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false
	}
	return members, true
}

// foldGroups groups members whose keys are equal under Unicode case folding
// (as encoding/json matches a struct's fields), each group in its order:
// a decoder that matches keys that way takes the last member of a group, so
// the order inside a group is part of what the object says.
func foldGroups(members []rawMember) map[string][]rawMember {
	g := map[string][]rawMember{}
	for _, m := range members {
		k := foldKey(m.key)
		g[k] = append(g[k], m)
	}
	return g
}

func foldKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		// the smallest rune of r's case-folding orbit
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		b.WriteRune(min)
	}
	return b.String()
}

// wireLike decodes raw as the ESP client's decoder matches members to
// fields (encoding/json: case-insensitive, the last one wins), as loosely
// as it can, into a file's columns.
func wireLike(raw []byte) Contribution {
	var w struct {
		ID, MasterID, Status, FileName, MimeType, MediaType, ThumbnailURL, Headline, Caption any
		Country                                                                              any `json:"country_of_shoot"`
		City, Copyright                                                                      any
		Province                                                                             any `json:"province_state"`
		Credit                                                                               any `json:"credit_line"`
		Shot                                                                                 any `json:"camera_shot_date"`
		Width                                                                                any `json:"image_width"`
		Height                                                                               any `json:"image_height"`
		Keywords                                                                             any
		Submittable                                                                          any
		SubmittedAt                                                                          any `json:"submitted_at"`
		Created                                                                              any `json:"created_at"`
		Updated                                                                              any `json:"updated_at"`
		Published                                                                            any `json:"published_at"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	dec.Decode(&w)
	str := func(v any) string {
		switch v := v.(type) {
		case string:
			return v
		case json.Number:
			return v.String()
		}
		return ""
	}
	num := func(v any) int {
		var n int
		fmt.Sscan(str(v), &n)
		return n
	}
	tm := func(v any) time.Time {
		t, _ := time.Parse(time.RFC3339Nano, str(v))
		return t
	}
	c := Contribution{ID: str(w.ID), MasterID: str(w.MasterID), Status: str(w.Status), FileName: str(w.FileName),
		MimeType: str(w.MimeType), MediaType: str(w.MediaType), ThumbnailURL: str(w.ThumbnailURL),
		Headline: str(w.Headline), Caption: str(w.Caption), CountryOfShoot: str(w.Country), City: str(w.City),
		ProvinceState: str(w.Province), Copyright: str(w.Copyright), CreditLine: str(w.Credit),
		CameraShotDate: str(w.Shot), Width: num(w.Width), Height: num(w.Height), Submittable: w.Submittable == true,
		SubmittedAt: tm(w.SubmittedAt), CreatedAt: tm(w.Created), UpdatedAt: tm(w.Updated), PublishedAt: tm(w.Published),
		Raw: raw}
	if kw, ok := w.Keywords.([]any); ok {
		for _, k := range kw {
			c.Keywords = append(c.Keywords, str(k))
		}
	}
	return c
}

var rawSeeds = []string{
	`{"id":"1","headline":"Caf\u00e9","caption":"Café","city":"a\/b","copyright":"a/b"}`,
	`{"id":"2","image_width":"1200","image_height":1.2e3,"submittable":"true","status":12}`,
	`{"id":"3","headline":null,"caption":"","city":{},"keywords":null}`,
	`{"id":"4","created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00.123Z",` +
		`"published_at":"2026-11-01T00:00:00.123456Z","submitted_at":"2026-11-01T00:00:00.123456789Z"}`,
	`{"id":"5","created_at":"2026-11-01T05:30:00+05:30","updated_at":"2026-11-01T00:00:00z","published_at":"2026-11-01T00:00:00.000Z"}`,
	`{"id":"6","keywords":["b","a","a"," a ","A"],"x":1}`,
	`{"id":"7","keywords":["a<b","c&d"],"image_width":9007199254740993,"big":12345678901234567890123}`,
	`{"id":"8","image_width":-0,"image_height":1e3,"submittable":1}`,
	`{"id":"9","headline":{"en":"Fog"},"caption":["a"],"status":true}`,
	`{"id":"10","Headline":"A","headline":"B","HEADLINE":"C"}`,
	`{"id":"11","headline":"B","Headline":"A"}`,
	`{"ID":"12","id":"12"}`,
	`{"id":"13","ſtatus":"x","status":"y"}`,
	`{"id":"14","status":"y","ſtatus":"x"}`,
	`{"id":"15","image_width":99999999999999999999,"image_height":2147483648}`,
	`{"id":"16","headline":"\u2028 line","caption":"tab\there","city":"\ud83d\ude00"}`,
	`{"id":17,"submission_batch_id":"b","master_id":0017}`,
	`{"id":"18","updated_at":"2026-11-01T00:00:00.000000000Z","created_at":"2026-11-01T00:00:00.100Z"}`,
	`{"id":"19","keywords":[],"submittable":false,"image_width":0}`,
	`{"id":"21","Headline":"A","headline":"B"}`,
	`{"id":"22","SUBMITTED_TO_REVIEW_AT":"x","ſubmitted_to_review_at":"y","submitted_to_review_at":"2026-11-01T00:00:00Z"}`,
	`{"id":"23","\u0073tatus":"x","status":"y"}`,
	"{\"id\":\"24\",\"headline\":\"caf\xe9\",\"note\":\"\xff\xfe bad\"}",
	`{"id":"20","keywords":"a,b","headline":"  spaced  "}`,
}

// FuzzContributionRaw: whatever object ESP sends, ContributionRaw gives
// back the same members with the same values byte for byte (order aside,
// except among keys equal but for case, whose order a case-insensitive
// decoder such as encoding/json depends on).
func FuzzContributionRaw(f *testing.F) {
	for _, s := range rawSeeds {
		f.Add(s)
	}
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(f.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := db.UpsertBatchList(ctx, []Batch{{ID: "b", ServerVersion: "v"}}, t0); err != nil {
		f.Fatal(err)
	}
	n := 0
	f.Fuzz(func(t *testing.T, raw string) {
		sent, ok := objectMembers([]byte(raw))
		if !ok {
			return // ESP's decoder refuses what is not a JSON object
		}
		c := wireLike([]byte(raw))
		n++
		c.ID = fmt.Sprintf("%s#%d", c.ID, n) // a new row every time: the writer skips unchanged files
		if _, err := db.w.ExecContext(ctx, `DELETE FROM review_events; DELETE FROM reviews; DELETE FROM thumbnails;
			DELETE FROM contributions`); err != nil { // each run as fast as the first
			t.Fatal(err)
		}
		if _, err := db.WriteBatch(ctx, BatchWrite{BatchID: "b", Version: "v", Files: []Contribution{c}}, t0); err != nil {
			t.Fatal(err)
		}
		got, err := db.ContributionRaw(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		back, ok := objectMembers(got)
		if !ok {
			t.Fatalf("not a JSON object: %s\nsent %s", got, raw)
		}
		if !reflect.DeepEqual(foldGroups(back), foldGroups(sent)) {
			t.Fatalf("members differ:\n got  %s\n sent %s", got, raw)
		}
	})
}
