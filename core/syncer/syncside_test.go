package syncer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/session"
	"github.com/stocksync/stocksync/core/store"
)

// Every batch's releases are stored with all their fields.
func TestReleasesSynced(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 21, Batches: 12, ContributionsPerBatch: 2})
	res := e.sync(t, false)
	var want []string
	docs := 0
	for _, b := range e.srv.Portfolio().Batches {
		for _, r := range b.Releases {
			want = append(want, fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%q", b.ID, r.ID, r.ReleaseType, r.FileName, r.MimeType,
				r.ModelDateOfBirth, r.ModelGender, r.ModelEthnicities))
			if r.StorageURL != "" {
				docs++
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("the server has no releases: pick another seed")
	}
	rs, err := e.db.ListReleases(context.Background(), store.ReleaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		eth := r.ModelEthnicities
		if len(eth) == 0 {
			eth = nil
		}
		got = append(got, fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%q", r.BatchID, r.ID, r.Type, r.FileName, r.MimeType,
			r.ModelDateOfBirth, r.ModelGender, eth))
		if r.Document != store.DocQueued || r.StorageURL == "" {
			t.Errorf("release %s: document %q, storage_url %q", r.ID, r.Document, r.StorageURL)
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("releases differ:\n server %q\n local  %q", want, got)
	}
	if res.Releases != len(want) || res.ReleaseDocsQueued != docs {
		t.Errorf("result counts %d releases, %d documents; want %d, %d", res.Releases, res.ReleaseDocsQueued, len(want), docs)
	}
	// Nothing changed: a second sync lists no releases and queues nothing.
	if res := e.sync(t, false); res.Releases != 0 || res.ReleaseDocsQueued != 0 {
		t.Errorf("no-change sync: %+v", res)
	}
}

// Review events come from status changes between syncs, made through the
// server's own mutation API; a file accepted carries ESP's published_at.
func TestReviewEventsAcrossSyncs(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 22, Batches: 3, ContributionsPerBatch: 4,
		StatusMix: espfake.StatusMix{Review: 1}})
	e.sync(t, false)
	ctx := context.Background()
	if evs, _ := e.db.ReviewEvents(ctx, store.ReviewEventFilter{}); len(evs) != 0 {
		t.Fatalf("files only in review gave events: %+v", evs)
	}
	b := e.srv.BatchIDs()[0]
	ids := e.srv.ContributionIDs(b)
	if err := e.srv.Accept(b, ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Reject(b, ids[1], []string{"Trademark"}, "Logo visible"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.RequestRevision(b, ids[2], []string{"Noise"}, "Too much noise"); err != nil {
		t.Fatal(err)
	}
	res := e.sync(t, false)
	if res.ReviewEvents != 3 {
		t.Errorf("second sync derived %d events, want 3", res.ReviewEvents)
	}
	evs, err := e.db.ReviewEvents(ctx, store.ReviewEventFilter{DecisionsOnly: true})
	if err != nil || len(evs) != 3 {
		t.Fatalf("events %+v, %v", evs, err)
	}
	server := map[string]esp.Contribution{}
	for _, c := range e.srv.Portfolio().Batches[0].Contributions {
		server[c.ID] = c
	}
	for _, ev := range evs {
		c := server[ev.ContributionID]
		want := map[string]string{ids[0]: store.BucketAccepted, ids[1]: store.BucketRejected, ids[2]: store.BucketRevisable}[ev.ContributionID]
		if ev.Outcome != want || ev.FromStatus != esp.StatusReview || ev.ToStatus != c.Status || ev.BatchID != b {
			t.Errorf("event %+v, want outcome %q from review to %q", ev, want, c.Status)
		}
		switch {
		case ev.Outcome == store.BucketAccepted && !c.PublishedAt.IsZero():
			if !ev.At.Equal(c.PublishedAt) || ev.AtSource != store.AtPublished {
				t.Errorf("acceptance at %v (%s), want published_at %v", ev.At, ev.AtSource, c.PublishedAt)
			}
		case ev.AtSource == store.AtUpdated:
			if !ev.At.Equal(c.UpdatedAt) {
				t.Errorf("event at %v, want updated_at %v", ev.At, c.UpdatedAt)
			}
		case ev.AtSource == store.AtReview:
		default:
			if ev.At.Before(ev.NotBefore) || ev.At.After(time.Now()) {
				t.Errorf("observed event at %v outside its window from %v", ev.At, ev.NotBefore)
			}
		}
	}
	if res := e.sync(t, false); res.ReviewEvents != 0 {
		t.Errorf("third sync derived %d events from nothing", res.ReviewEvents)
	}
}

// webEnv is the built-in server in its default web mode, signed in through
// its sign-in page with a real cookie jar, as a browser would, and a client
// using the session captured from that jar.
func webEnv(t *testing.T, opts espfake.Options, tweak func(*esp.Config)) *env {
	t.Helper()
	opts.Mode = espfake.ModeWeb
	srv := espfaketest.New(t, opts)
	e := newEnv(t, espfake.Options{Batches: -1, Mode: espfake.ModePartner})
	e.srv = srv
	e.signIn(t, tweak)
	return e
}

// signIn signs in through the server's pages and gives the engine a new client.
func (e *env) signIn(t *testing.T, tweak func(*esp.Config)) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	page, err := session.SignInURL(e.srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := browser.Get(page) // redirected to the sign-in form
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cr := e.srv.Credentials()
	form := url.Values{"username": {cr.Username}, "password": {cr.Password}, "return_to": {resp.Request.URL.Query().Get("return_to")}}
	resp, err = browser.PostForm(resp.Request.URL.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	landed := resp.Request.URL
	sess, ok := session.Capture(e.srv.URL(), landed.String(), jar.Cookies(&url.URL{Scheme: landed.Scheme, Host: landed.Host, Path: "/"}), time.Now())
	if !ok {
		t.Fatalf("not signed in after the sign-in page (landed on %s, %d cookies)", landed, len(sess.Cookies))
	}
	cfg := esp.Config{APIRoot: e.srv.URL(), Session: &sess, RequestsPerSecond: -1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond}
	if tweak != nil {
		tweak(&cfg)
	}
	client, err := esp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.client, e.eng.ESP = client, client
}

func rowCounts(t *testing.T, db *store.DB) string {
	t.Helper()
	var out []string
	err := db.Read(context.Background(), func(tx *sql.Tx) error {
		for _, tb := range []string{"pending_uploads", "local_paths", "local_edits", "batches", "contributions"} {
			var n int
			if err := tx.QueryRow("SELECT count(*) FROM " + tb).Scan(&n); err != nil {
				return err
			}
			out = append(out, fmt.Sprintf("%s=%d", tb, n))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

// Signed in through the sign-in page, a sync works; the session expiring
// mid-sync (or before a push) stops the run at once with a typed error,
// local-only data is untouched, the run is recorded as signed out, and a
// sync after signing in again completes.
func TestSignedOutMidSync(t *testing.T) {
	e := webEnv(t, espfake.Options{Seed: 23, Batches: 30, ContributionsPerBatch: 2, StatusMix: espfake.StatusMix{Pending: 1}}, nil)
	e.sync(t, false)
	assertConverged(t, e)
	addLocalOnly(t, e)
	before, counts := localOnlyDigest(t, e.db), rowCounts(t, e.db)

	// Signed out before sending local edits: the edit stays waiting.
	e.srv.ExpireSessions()
	if _, err := e.eng.Run(context.Background(), Options{Push: true}); !errors.Is(err, esp.ErrSignedOut) {
		t.Fatalf("push: err = %v, want esp.ErrSignedOut", err)
	}
	if localOnlyDigest(t, e.db) != before || rowCounts(t, e.db) != counts {
		t.Fatalf("a push that was signed out changed local data: %s → %s", counts, rowCounts(t, e.db))
	}

	// Signed out in the middle of fetching files.
	e.signIn(t, nil)
	for _, b := range e.srv.BatchIDs() {
		h := "changed on ESP"
		ids := e.srv.ContributionIDs(b)
		e.srv.EditMetadata(b, ids[len(ids)-1], esp.ContributionUpdate{Headline: &h})
	}
	e.eng.Fetchers = 1
	e.eng.ESP = &expiringAt{Client: e.client, srv: e.srv, at: 4}
	res, err := e.eng.Run(context.Background(), Options{})
	if !errors.Is(err, esp.ErrSignedOut) {
		t.Fatalf("err = %v, want esp.ErrSignedOut", err)
	}
	if res.Run.Outcome != store.OutcomeSignedOut || !strings.Contains(res.Run.Message, "signed out") {
		t.Errorf("run %+v", res.Run)
	}
	if res.Run.BatchesSynced > 3 {
		t.Errorf("%d batches synced: the run went on after the session expired at the 4th", res.Run.BatchesSynced)
	}
	last, _ := e.db.LastSyncRun(context.Background())
	if last.Outcome != store.OutcomeSignedOut {
		t.Errorf("recorded outcome %q", last.Outcome)
	}
	// Issue #14: the stored run says what happened, with its kind, and
	// neither claims that nothing changed (batches were written before the
	// session ended) nor names a command (the app has no Terminal).
	// The three batches fetched before the session ended are written even
	// if their write was still queued when the fourth request was refused
	// (CI once saw 0 here: the stop cancelled writes of data ESP had sent).
	if res.Run.BatchesSynced != 3 {
		t.Fatalf("%d batches synced before the session ended at the 4th, want the 3 fetched", res.Run.BatchesSynced)
	}
	if last.Problem != store.SyncProblemSignedOut || !strings.Contains(last.Message, "synced)") {
		t.Errorf("stored problem %q, message %q; want signed_out and the batches synced", last.Problem, last.Message)
	}
	for _, bad := range []string{"nothing local", "Nothing local", "stocksync", "sign in again"} {
		if strings.Contains(last.Message, bad) {
			t.Errorf("stored message %q says %q", last.Message, bad)
		}
	}
	if localOnlyDigest(t, e.db) != before || rowCounts(t, e.db) != counts {
		t.Errorf("local data changed: %s → %s", counts, rowCounts(t, e.db))
	}
	e.signIn(t, nil)
	e.sync(t, false)
	assertConverged(t, e)
}

// expiringAt is the real client; the server ends the session just before
// the at-th file list is asked for, as when its time runs out mid-sync.
type expiringAt struct {
	*esp.Client
	srv *espfake.Server
	at  int32
	n   atomic.Int32
}

func (x *expiringAt) ListContributions(ctx context.Context, batchID string, expected, pageSize int) ([]esp.Contribution, error) {
	if x.n.Add(1) == x.at {
		x.srv.ExpireSessions()
	}
	return x.Client.ListContributions(ctx, batchID, expected, pageSize)
}

// A run whose requests ESP holds without answering stops with
// ErrNoProgress instead of hanging, in the fetch and the push phase.
func TestStalledRunGivesUp(t *testing.T) {
	for _, push := range []bool{false, true} {
		e := newEnv(t, espfake.Options{Seed: 24, Batches: 6, ContributionsPerBatch: 2, StatusMix: espfake.StatusMix{Pending: 1},
			FaultTimeout: time.Minute})
		e.sync(t, false)
		addLocalOnly(t, e)
		before := localOnlyDigest(t, e.db)
		for _, b := range e.srv.BatchIDs() {
			h := "changed on ESP"
			e.srv.EditMetadata(b, e.srv.ContributionIDs(b)[0], esp.ContributionUpdate{Headline: &h})
		}
		e.srv.AddFault(espfake.Fault{Kind: espfake.FaultTimeout, Probability: 1})
		e.eng.StallTimeout = 300 * time.Millisecond
		res, err := e.eng.Run(context.Background(), Options{Push: push})
		var se *StalledError
		if !errors.Is(err, ErrNoProgress) || !errors.As(err, &se) {
			t.Fatalf("push=%v: err = %v, want ErrNoProgress", push, err)
		}
		wantPhase := PhaseListing
		if push {
			wantPhase = PhasePushing
		}
		if se.Phase != wantPhase || res.Run.Outcome != store.OutcomeFailed || !strings.Contains(res.Run.Message, "ESP stopped answering") {
			t.Errorf("push=%v: phase %s, run %+v", push, se.Phase, res.Run)
		}
		if localOnlyDigest(t, e.db) != before {
			t.Errorf("push=%v: local-only data changed", push)
		}
		e.srv.ClearFaults()
		e.sync(t, push)
		assertConverged(t, e)
	}
}
