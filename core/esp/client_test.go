package esp_test

import (
	"bytes"
	"errors"
	"image/jpeg"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

func TestListBatchesMatchesServer(t *testing.T) {
	tests := []struct {
		name     string
		batches  int
		pageSize int
		cap      int
	}{
		{"one page", 7, 100, 0},
		{"many pages", 35, 10, 0},
		{"exact pages", 30, 10, 0},
		{"server caps page size", 23, 100, 5},
		{"empty portfolio", -1, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := pair(t, espfake.Options{Seed: 1, Batches: tt.batches, ContributionsPerBatch: 2, BatchPageSizeCap: tt.cap}, nil)
			got, err := c.ListBatches(ctx(t), tt.pageSize)
			if err != nil {
				t.Fatal(err)
			}
			var want []esp.Batch
			for _, b := range srv.Portfolio().Batches {
				want = append(want, b.Batch)
			}
			if !reflect.DeepEqual(noRaw(got, clearBatchRaw), want) {
				t.Errorf("ListBatches differs from the server:\n got %d batches %+v\nwant %d batches %+v", len(got), first(got), len(want), first(want))
			}
		})
	}
}

func first[T any](s []T) any {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

func TestListBatchesPageReportsTotal(t *testing.T) {
	_, c := pair(t, espfake.Options{Seed: 2, Batches: 12, ContributionsPerBatch: 1}, nil)
	items, total, err := c.ListBatchesPage(ctx(t), 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(items), 5; got != want {
		t.Errorf("items = %d, want %d", got, want)
	}
	if total != 12 {
		t.Errorf("total = %d, want 12", total)
	}
}

func TestListContributionsMatchesServer(t *testing.T) {
	tests := []struct {
		name     string
		files    int
		expected int // what the caller believes; -1 means the true count
		pageSize int
		cap      int
	}{
		{"one page", 20, -1, 200, 0},
		{"several pages", 45, -1, 10, 0},
		{"exact multiple", 40, -1, 10, 0},
		{"batch grew since the count", 45, 12, 10, 0},
		{"batch shrank since the count", 8, 50, 10, 0},
		{"server caps page size", 33, -1, 200, 7},
		{"empty batch", 0, -1, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := pair(t, espfake.Options{Seed: 3, Batches: 1, ContributionsFunc: fixed(tt.files), ContributionPageSizeCap: tt.cap, KeywordStyle: espfake.KeywordMixed}, nil)
			b := srv.Portfolio().Batches[0]
			exp := tt.expected
			if exp < 0 {
				exp = b.ContributionsCount
			}
			got, err := c.ListContributions(ctx(t), b.ID, exp, tt.pageSize)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(noRaw(got, clearContributionRaw), b.Contributions) {
				t.Errorf("got %d contributions, want %d; first got %+v\nfirst want %+v", len(got), len(b.Contributions), first(got), first(b.Contributions))
			}
		})
	}
}

func fixed(n int) func(int, *rand.Rand) int { return func(int, *rand.Rand) int { return n } }

func TestGetBatchContributionAndReleases(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 4, Batches: 6, ContributionsPerBatch: 3}, nil)
	for _, b := range srv.Portfolio().Batches {
		got, err := c.GetBatch(ctx(t), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(noRaw([]esp.Batch{got}, clearBatchRaw)[0], b.Batch) {
			t.Errorf("GetBatch(%s) = %+v, want %+v", b.ID, got, b.Batch)
		}
		rels, err := c.ListReleases(ctx(t), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(noRaw(rels, clearReleaseRaw), b.Releases) {
			t.Errorf("ListReleases(%s) = %+v, want %+v", b.ID, rels, b.Releases)
		}
		for _, want := range b.Contributions {
			got, err := c.GetContribution(ctx(t), b.ID, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(noRaw([]esp.Contribution{got}, clearContributionRaw)[0], want) {
				t.Errorf("GetContribution(%s) = %+v, want %+v", want.ID, got, want)
			}
		}
	}
}

func TestNotFound(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 5, Batches: 1, ContributionsPerBatch: 1}, nil)
	b := srv.Portfolio().Batches[0]
	calls := map[string]func() error{
		"batch":        func() error { _, err := c.GetBatch(ctx(t), "999"); return err },
		"contribution": func() error { _, err := c.GetContribution(ctx(t), b.ID, "1"); return err },
		"list":         func() error { _, err := c.ListContributionsPage(ctx(t), "nope", 1, 10); return err },
		"releases":     func() error { _, err := c.ListReleases(ctx(t), "999/../x"); return err },
		"update": func() error {
			h := "x"
			_, err := c.UpdateContribution(ctx(t), "999", "1", esp.ContributionUpdate{Headline: &h})
			return err
		},
	}
	for name, call := range calls {
		err := call()
		var e *esp.Error
		if !errors.Is(err, esp.ErrNotFound) || !errors.As(err, &e) || e.Status != 404 {
			t.Errorf("%s: err = %v, want ErrNotFound with status 404", name, err)
		}
	}
}

func TestForbiddenCarriesServerMessage(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 6, Batches: 1, ContributionsPerBatch: 1}, nil)
	b := srv.Portfolio().Batches[0]
	srv2, c2 := pair(t, espfake.Options{Seed: 6, Batches: 1, ContributionsPerBatch: 1, ForbiddenTypes: []string{b.Type}}, nil)
	_ = srv2
	if _, err := c.GetBatch(ctx(t), b.ID); err != nil {
		t.Fatalf("allowed batch: %v", err)
	}
	_, err := c2.GetBatch(ctx(t), b.ID)
	var e *esp.Error
	if !errors.Is(err, esp.ErrForbidden) || !errors.As(err, &e) || !strings.Contains(e.Message, b.Type) {
		t.Errorf("err = %v, want ErrForbidden naming %s", err, b.Type)
	}
}

func TestUpdateContribution(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 7, Batches: 1, ContributionsPerBatch: 30, StatusMix: espfake.StatusMix{Pending: 1, Processed: 1}}, nil)
	b := srv.Portfolio().Batches[0]
	var pending, submitted *esp.Contribution
	for i := range b.Contributions {
		switch b.Contributions[i].Status {
		case esp.StatusPending:
			pending = &b.Contributions[i]
		case esp.StatusProcessed:
			submitted = &b.Contributions[i]
		}
	}
	if pending == nil || submitted == nil {
		t.Fatal("seed has no pending or no processed file")
	}
	headline := "Fishing boats at dawn"
	kw := []string{"boat", "dawn", " boat ", ""}
	got, err := c.UpdateContribution(ctx(t), b.ID, pending.ID, esp.ContributionUpdate{Headline: &headline, Keywords: &kw})
	if err != nil {
		t.Fatal(err)
	}
	if got.Headline != headline || !reflect.DeepEqual(got.Keywords, []string{"boat", "dawn"}) || got.Caption != pending.Caption {
		t.Errorf("updated = %q %q %q", got.Headline, got.Keywords, got.Caption)
	}
	after := srv.Portfolio().Batches[0]
	if !after.UpdatedAt.After(b.UpdatedAt) {
		t.Errorf("batch updated_at %v did not move past %v", after.UpdatedAt, b.UpdatedAt)
	}
	fetched, err := c.GetContribution(ctx(t), b.ID, pending.ID)
	if err != nil || !reflect.DeepEqual(fetched, got) {
		t.Errorf("GetContribution after update = %+v, %v; want %+v", fetched, err, got)
	}

	_, err = c.UpdateContribution(ctx(t), b.ID, submitted.ID, esp.ContributionUpdate{Headline: &headline})
	var e *esp.Error
	if !errors.Is(err, esp.ErrValidation) || !errors.As(err, &e) || e.Status != 422 || len(e.Fields["status"]) == 0 {
		t.Errorf("editing a submitted file: err = %v, want ErrValidation with a status message", err)
	}
}

func TestUnknownStatusKept(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 8, Batches: 1, ContributionsPerBatch: 2}, nil)
	b := srv.Portfolio().Batches[0]
	if err := srv.SetStatus(b.ID, b.Contributions[0].ID, "archived_by_getty"); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetContribution(ctx(t), b.ID, b.Contributions[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "archived_by_getty" || esp.KnownStatus(got.Status) {
		t.Errorf("status = %q, want it kept as sent", got.Status)
	}
}

func TestDownloadThumbnail(t *testing.T) {
	for _, sameHost := range []bool{false, true} {
		srv, c := pair(t, espfake.Options{Seed: 9, Batches: 1, ContributionsPerBatch: 2, ThumbnailsOnAPIHost: sameHost}, nil)
		con := srv.Portfolio().Batches[0].Contributions[0]
		var buf, again bytes.Buffer
		n, ctype, err := c.DownloadThumbnail(ctx(t), con.ThumbnailURL, &buf, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(buf.Len()) || ctype != "image/jpeg" {
			t.Errorf("n = %d (buffer %d), type %q", n, buf.Len(), ctype)
		}
		img, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("not a JPEG: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 64 || b.Dy() != 48 {
			t.Errorf("size %v, want 64x48", b)
		}
		if _, _, err := c.DownloadThumbnail(ctx(t), con.ThumbnailURL, &again, 0); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
			t.Errorf("second download differs (err %v)", err)
		}
		for _, r := range srv.Requests() {
			if r.Endpoint != esp.EndpointThumbnail {
				continue
			}
			if got := r.APIKey || r.Authorization; got != sameHost {
				t.Errorf("sameHost=%v: thumbnail request sent credentials = %v", sameHost, got)
			}
		}
		_, _, err = c.DownloadThumbnail(ctx(t), con.ThumbnailURL, &bytes.Buffer{}, 100)
		if !errors.Is(err, esp.ErrTooLarge) {
			t.Errorf("100-byte limit: err = %v, want ErrTooLarge", err)
		}
	}
	_, c := pair(t, espfake.Options{Seed: 9, Batches: 1, ContributionsPerBatch: 1}, nil)
	for _, bad := range []string{"file:///etc/passwd", "ftp://x/y.jpg", "not a url", "http:///nohost.jpg"} {
		var buf bytes.Buffer
		if _, _, err := c.DownloadThumbnail(ctx(t), bad, &buf, 0); err == nil || buf.Len() != 0 {
			t.Errorf("DownloadThumbnail(%q) = %v with %d bytes, want refusal", bad, err, buf.Len())
		}
	}
}

func TestAuthSchemes(t *testing.T) {
	for _, scheme := range []esp.AuthScheme{esp.Bearer, esp.Token} {
		srv, c := pair(t, espfake.Options{Seed: 10, Batches: 2, ContributionsPerBatch: 1}, func(c *esp.Config) { c.AuthScheme = scheme })
		if _, err := c.ListBatches(ctx(t), 10); err != nil {
			t.Fatalf("%v: %v", scheme, err)
		}
		for _, r := range srv.Requests() {
			if r.Endpoint == esp.EndpointBatchesList && (r.AuthScheme != scheme.String() || !r.APIKey) {
				t.Errorf("%v: request sent scheme %q, Api-Key %v", scheme, r.AuthScheme, r.APIKey)
			}
		}
	}
}

func TestBadCredentials(t *testing.T) {
	tests := []struct {
		name  string
		tweak func(*esp.Config)
	}{
		{"wrong password", func(c *esp.Config) { c.Password = "hunter2-wrong" }},
		{"wrong username", func(c *esp.Config) { c.Username = "someone" }},
		{"wrong api key", func(c *esp.Config) { c.APIKey = "key-wrong" }},
		{"wrong secret", func(c *esp.Config) { c.APISecret = "secret-wrong" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := pair(t, espfake.Options{Seed: 11, Batches: 1, ContributionsPerBatch: 1}, tt.tweak)
			for _, err := range []error{c.VerifyCredentials(ctx(t)), func() error { _, err := c.ListBatches(ctx(t), 10); return err }()} {
				if !errors.Is(err, esp.ErrBadCredentials) {
					t.Errorf("err = %v, want ErrBadCredentials", err)
				}
				for _, secret := range []string{"hunter2-wrong", "secret-wrong", espfake.DemoPassword, espfake.DemoAPISecret} {
					if err != nil && strings.Contains(err.Error(), secret) {
						t.Errorf("error %q reveals a secret", err)
					}
				}
			}
		})
	}
}

func TestVerifyCredentials(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 12, Batches: 1, ContributionsPerBatch: 1}, nil)
	if err := c.VerifyCredentials(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Counts()[esp.EndpointToken]; got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}

func TestTokenExpiryMidRun(t *testing.T) {
	srvClock := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	cliClock := &clock{now: srvClock.now}
	srv, c := pair(t, espfake.Options{Seed: 13, Batches: 3, ContributionsPerBatch: 2, TokenTTL: time.Hour, Now: srvClock.Now},
		func(cfg *esp.Config) { cfg.Now = cliClock.Now })
	b := srv.Portfolio().Batches[0]
	call := func() {
		t.Helper()
		if _, err := c.GetBatch(ctx(t), b.ID); err != nil {
			t.Fatal(err)
		}
	}
	tokens := func() int { return srv.Counts()[esp.EndpointToken] }

	call()
	call()
	if got := tokens(); got != 1 {
		t.Fatalf("token requests after two calls = %d, want 1", got)
	}
	srv.ExpireTokens() // server-side: the next call meets a 401 and refreshes
	call()
	if got := tokens(); got != 2 {
		t.Errorf("after server expiry: token requests = %d, want 2", got)
	}
	srvClock.now = srvClock.now.Add(2 * time.Hour) // the server's clock runs out the token
	call()
	if got := tokens(); got != 3 {
		t.Errorf("after server clock passed expiry: token requests = %d, want 3", got)
	}
	cliClock.now = cliClock.now.Add(2 * time.Hour) // the client sees expiry coming and renews first
	before401 := count401(srv)
	call()
	if got := tokens(); got != 4 {
		t.Errorf("after client clock passed expiry: token requests = %d, want 4", got)
	}
	if got := count401(srv); got != before401 {
		t.Errorf("client renewed late: %d new 401s", got-before401)
	}
	srv.RevokeRefreshTokens() // refresh refused: sign in with the password again
	call()
	var grants []string
	for _, r := range srv.Requests() {
		if r.Endpoint == esp.EndpointToken {
			grants = append(grants, strconv.Itoa(r.Status))
		}
	}
	if want := []string{"200", "200", "200", "200", "400", "200"}; !reflect.DeepEqual(grants, want) {
		t.Errorf("token statuses = %v, want %v", grants, want)
	}
}

func TestTokenExpiredFaultAlways(t *testing.T) {
	srv, c := pair(t, espfake.Options{Seed: 14, Batches: 1, ContributionsPerBatch: 1,
		Faults: []espfake.Fault{{Endpoint: esp.EndpointBatchesGet, Kind: espfake.FaultTokenExpired, Probability: 1}}}, nil)
	_, err := c.GetBatch(ctx(t), srv.BatchIDs()[0])
	if !errors.Is(err, esp.ErrBadCredentials) {
		t.Errorf("err = %v, want ErrBadCredentials after one fresh token", err)
	}
	if got := srv.Counts()[esp.EndpointBatchesGet]; got != 2 {
		t.Errorf("batch requests = %d, want 2 (one retry with a fresh token)", got)
	}
}

func count401(srv *espfake.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Status == 401 {
			n++
		}
	}
	return n
}
