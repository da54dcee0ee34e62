package store

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/session"
)

// Files as the built-in ESP server sends them, through the real client and
// its decoder, read back from
// ContributionRaw with every member ESP sent, values byte for byte.
func TestContributionRawThroughESPClient(t *testing.T) {
	ctx := context.Background()
	srv := espfaketest.New(t, espfake.Options{Mode: espfake.ModePartner, Seed: 7, Batches: 4, ContributionsPerBatch: 20})
	cr := srv.Credentials()
	client, err := esp.New(esp.Config{APIRoot: srv.URL(), TokenURL: srv.TokenURL(), APIKey: cr.APIKey,
		APISecret: cr.APISecret, Username: cr.Username, Password: cr.Password, RequestsPerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, filepath.Join(t.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	batches, err := client.ListBatches(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var list []Batch
	for _, b := range batches {
		list = append(list, Batch{ID: b.ID, ServerVersion: "v", Raw: b.Raw})
	}
	now := time.Now()
	if _, err := db.UpsertBatchList(ctx, list, now); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, b := range batches {
		files, err := client.ListContributions(ctx, b.ID, b.ContributionsCount, 0)
		if err != nil {
			t.Fatal(err)
		}
		var rows []Contribution
		for _, c := range files {
			rows = append(rows, Contribution{ID: c.ID, MasterID: c.MasterID, Status: c.Status, FileName: c.FileName,
				MimeType: c.MimeType, MediaType: c.MediaType, Width: c.ImageWidth, Height: c.ImageHeight,
				ThumbnailURL: c.ThumbnailURL, Headline: c.Headline, Caption: c.Caption, Keywords: c.Keywords,
				CountryOfShoot: c.CountryOfShoot, City: c.City, ProvinceState: c.ProvinceState, Copyright: c.Copyright,
				CreditLine: c.CreditLine, CameraShotDate: c.CameraShotDate, Submittable: c.Submittable,
				SubmittedAt: c.SubmittedAt, SubmittedToReviewAt: c.SubmittedToReview, PublishedAt: c.PublishedAt,
				CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Errors: c.Errors, Raw: c.Raw})
		}
		if _, err := db.WriteBatchContributions(ctx, b.ID, "v", rows, now); err != nil {
			t.Fatal(err)
		}
		for _, c := range files {
			got, err := db.ContributionRaw(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			sent, _ := objectMembers(c.Raw)
			back, ok := objectMembers(got)
			if !ok || !reflect.DeepEqual(foldGroups(back), foldGroups(sent)) {
				t.Errorf("file %s:\n got  %s\n sent %s", c.ID, got, c.Raw)
			}
			checked++
		}
	}
	var omitted int
	db.r.QueryRowContext(ctx, `SELECT count(*) FROM contributions WHERE raw_omitted != 0`).Scan(&omitted)
	if checked < 60 || omitted == 0 {
		t.Errorf("%d files checked, %d stored compactly", checked, omitted)
	}
}

// FuzzContributionRawESP is FuzzContributionRaw through the ESP client: the
// object is served over loopback as a batch's one file, decoded by
// core/esp's decoder (which refuses some), written and read back.
func FuzzContributionRawESP(f *testing.F) {
	for _, s := range rawSeeds {
		f.Add(s)
	}
	var body atomic.Value
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("[" + body.Load().(string) + "]"))
	}))
	f.Cleanup(hs.Close)
	s := session.Session{BearerToken: "tok"}
	client, err := esp.New(esp.Config{APIRoot: hs.URL + "/api", Session: &s, RequestsPerSecond: -1, MaxRetries: -1})
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(f.TempDir(), "stocksync.db"), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	now := time.Now()
	if _, err := db.UpsertBatchList(ctx, []Batch{{ID: "b", ServerVersion: "v"}}, now); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		sent, ok := objectMembers([]byte(raw))
		if !ok {
			return
		}
		body.Store(raw)
		files, err := client.ListContributions(ctx, "b", 1, 0)
		if err != nil || len(files) != 1 {
			return // refused by the decoder: nothing is stored
		}
		c := files[0]
		if _, err := db.w.ExecContext(ctx, `DELETE FROM review_events; DELETE FROM reviews; DELETE FROM thumbnails;
			DELETE FROM contributions`); err != nil {
			t.Fatal(err)
		}
		row := Contribution{ID: c.ID, MasterID: c.MasterID, Status: c.Status, FileName: c.FileName,
			MimeType: c.MimeType, MediaType: c.MediaType, Width: c.ImageWidth, Height: c.ImageHeight,
			ThumbnailURL: c.ThumbnailURL, Headline: c.Headline, Caption: c.Caption, Keywords: c.Keywords,
			CountryOfShoot: c.CountryOfShoot, City: c.City, ProvinceState: c.ProvinceState, Copyright: c.Copyright,
			CreditLine: c.CreditLine, CameraShotDate: c.CameraShotDate, Submittable: c.Submittable,
			SubmittedAt: c.SubmittedAt, SubmittedToReviewAt: c.SubmittedToReview, PublishedAt: c.PublishedAt,
			CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Errors: c.Errors, Raw: c.Raw}
		if _, err := db.WriteBatchContributions(ctx, "b", "v", []Contribution{row}, now); err != nil {
			t.Fatal(err)
		}
		got, err := db.ContributionRaw(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		back, ok := objectMembers(got)
		if !ok || !reflect.DeepEqual(foldGroups(back), foldGroups(sent)) {
			t.Fatalf("members differ:\n got  %s\n sent %s", got, raw)
		}
	})
}
