package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// decodeJSON decodes an object with numbers kept as written.
func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

// Since schema 5 a file's raw JSON is stored without the members its
// columns reproduce; ContributionRaw gives back every member ESP sent with
// its value, the unmapped ones byte for byte, whatever ESP sent: mapped
// fields empty, null, of another type, escaped, with a time zone, twice.
func TestContributionRawRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	typical := benchFiles("b", 1)[0]
	cases := []struct {
		name string
		f    Contribution
		// unmapped members that must come back byte for byte
		exact []string
	}{
		{"typical", typical, []string{`"file_size":18234567`, `"iptc_category":""`, `"alternate_id":""`}},
		{"nested and spaced", Contribution{ID: "2", Status: "processed", Headline: "Fog", UpdatedAt: t0,
			Raw: []byte(`{ "id" : "2", "status":"processed", "headline":"Fog", "updated_at":"2026-11-01T00:00:00Z",
				"extra" : {"a": [1, 2.50, "x\"}"], "b": null}, "big": 12345678901234567890, "flag": false }`)},
			[]string{`"extra" : {"a": [1, 2.50, "x\"}"], "b": null}`, `"big": 12345678901234567890`, `"flag": false`}},
		{"mapped fields as ESP wrote them otherwise", Contribution{ID: "3", Status: "review", Headline: "Café <b>",
			Width: 12, Caption: "", Keywords: []string{"a", "b"}, CreatedAt: t0, PublishedAt: t0, Submittable: false,
			Raw: []byte(`{"id":3,"status":"review","headline":"Caf\u00e9 <b>","image_width":"12","caption":null,` +
				`"keywords":["a", "b"],"created_at":"2026-11-01T01:00:00+01:00","published_at":"2026-11-01T00:00:00.000Z",` +
				`"submittable":0,"media_type":""}`)}, nil},
		{"times as ESP writes them, in milliseconds", Contribution{ID: "8", UpdatedAt: time.Date(2023, 2, 21, 14, 6, 8, 860e6, time.UTC),
			CreatedAt: time.Date(2023, 2, 21, 14, 6, 8, 800e6, time.UTC), PublishedAt: time.Date(2023, 2, 21, 14, 6, 8, 860400e3, time.UTC),
			SubmittedAt: time.Date(2023, 2, 21, 14, 6, 8, 0, time.UTC),
			Raw: []byte(`{"id":"8","updated_at":"2023-02-21T14:06:08.860Z","created_at":"2023-02-21T14:06:08.800Z",` +
				`"published_at":"2023-02-21T14:06:08.86040Z","submitted_at":"2023-02-21T14:06:08.000Z"}`)},
			[]string{`"updated_at":"2023-02-21T14:06:08.860Z"`, `"created_at":"2023-02-21T14:06:08.800Z"`,
				`"published_at":"2023-02-21T14:06:08.86040Z"`, `"submitted_at":"2023-02-21T14:06:08.000Z"`}},
		{"an escaped key", Contribution{ID: "4", Headline: "Fog",
			Raw: []byte(`{"id":"4","head\u006cine":"Fog","x":1}`)}, []string{`"head\u006cine":"Fog"`, `"x":1`}},
		{"a mapped key twice", Contribution{ID: "5", Status: "processed",
			Raw: []byte(`{"id":"5","status":"review","status":"processed"}`)}, nil},
		{"not an object", Contribution{ID: "6", Raw: []byte(`[1,2]`)}, nil},
		{"empty object", Contribution{ID: "7", Raw: []byte(`{}`)}, nil},
	}
	var files []Contribution
	for _, c := range cases {
		files = append(files, c.f)
	}
	db.UpsertBatchList(ctx, []Batch{{ID: "b", ServerVersion: "v"}}, t0)
	if _, err := db.WriteBatch(ctx, BatchWrite{BatchID: "b", Version: "v", Files: files}, t0); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		got, err := db.ContributionRaw(ctx, c.f.ID)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !json.Valid(got) {
			t.Fatalf("%s: not JSON: %s", c.name, got)
		}
		if c.f.Raw[0] != '{' {
			if !bytes.Equal(got, c.f.Raw) {
				t.Errorf("%s: %s, want %s", c.name, got, c.f.Raw)
			}
			continue
		}
		// "a mapped key twice": Go's decoder keeps the last, as the columns did.
		if want := decodeJSON(t, c.f.Raw); !reflect.DeepEqual(decodeJSON(t, got), want) {
			t.Errorf("%s:\n got  %s\n sent %s", c.name, got, c.f.Raw)
		}
		for _, m := range c.exact {
			if !bytes.Contains(got, []byte(m)) {
				t.Errorf("%s: %s lacks %s as sent", c.name, got, m)
			}
		}
	}
	var stored string
	db.r.QueryRowContext(ctx, `SELECT raw FROM contributions WHERE id = '8'`).Scan(&stored)
	if stored != `{"published_at":"2023-02-21T14:06:08.86040Z"}` {
		t.Errorf("millisecond times stored as %s (want all but the one with a finer fraction left out)", stored)
	}
	db.r.QueryRowContext(ctx, `SELECT raw FROM contributions WHERE id = ?`, typical.ID).Scan(&stored)
	if len(stored) > len(typical.Raw)/4 {
		t.Errorf("typical file stores %d of its %d bytes: %s", len(stored), len(typical.Raw), stored)
	}
	if _, err := db.ContributionRaw(ctx, "nope"); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("unknown file: %v", err)
	}
}

// A row written before schema 5 holds ESP's whole object and reads back as
// it was; a file synced before schema 3 has none.
func TestContributionRawWhole(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := benchFiles("b", 1)[0]
	for _, q := range []string{`INSERT INTO batches (id) VALUES ('b')`,
		fmt.Sprintf(`INSERT INTO contributions (id, batch_id, status, headline, raw) VALUES ('%s', 'b', 'processed', '%s', '%s')`,
			f.ID, f.Headline, f.Raw),
		`INSERT INTO contributions (id, batch_id) VALUES ('old', 'b')`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.ContributionRaw(ctx, f.ID)
	if err != nil || !bytes.Equal(got, f.Raw) {
		t.Errorf("whole raw: %s, %v\nwant %s", got, err, f.Raw)
	}
	if got, err := db.ContributionRaw(ctx, "old"); err != nil || got != nil {
		t.Errorf("before schema 3: %s, %v", got, err)
	}
}

// The scanner refuses what is not one plain object, so such raw JSON is
// stored whole rather than cut.
func TestCompactRawKeepsOddInputWhole(t *testing.T) {
	c := rawCols{id: "1"}
	var scratch rawScratch
	for _, raw := range []string{`{"id":"1"`, `{"id":"1"} x`, `{"id" "1"}`, `{"id":"1",}`, `{"id":}`, `"s"`, `{"a":[1,2}`} {
		if got, omitted := compactRaw([]byte(raw), &c, &scratch); got != raw || omitted != 0 {
			t.Errorf("%s stored as %s, %b", raw, got, omitted)
		}
	}
	if got, omitted := compactRaw([]byte(`{"id":"1","x":2}`), &c, &scratch); got != `{"x":2}` || omitted != 1 {
		t.Errorf("plain object stored as %s, %b", got, omitted)
	}
	if got, omitted := compactRaw([]byte(` { "id" : "1" } `), &c, &scratch); got != "{}" || omitted != 1 {
		t.Errorf("spaced object stored as %s, %b", got, omitted)
	}
}

// The writer's time formatting is fmtTime's, and the raw JSON's times are
// time.RFC3339Nano's, for every time.
func TestTimeText(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	for _, tm := range []time.Time{{}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 6, paris), time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 120000000, paris),
		time.Date(12026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(-5, 6, 1, 0, 0, 0, 0, time.UTC)} {
		if got, want := timeText(tm), fmtTime(tm); got != want {
			t.Errorf("timeText(%v) = %q, fmtTime %q", tm, got, want)
		}
		want := "" // none for years RFC 3339 cannot write: such members are kept in raw
		if y := tm.UTC().Year(); !tm.IsZero() && y >= 0 && y <= 9999 {
			want = `"` + tm.UTC().Format(time.RFC3339Nano) + `"`
		}
		if got := string(appendRFC3339(nil, fmtTime(tm))); got != want {
			t.Errorf("appendRFC3339(%v) = %s, want %s", tm, got, want)
		}
	}
}
