package syncer

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/store"
)

func TestInitialSyncEqualsServer(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 1, Batches: 25, ContributionsPerBatch: 3, ContributionsPerBatchMax: 30})
	res := e.sync(t, false)
	assertConverged(t, e)
	integrityOK(t, e.db)
	if res.Run.Outcome != store.OutcomeOK || res.Run.BatchesListed != 25 || res.Run.BatchesSynced != 25 {
		t.Errorf("run = %+v", res.Run)
	}
	last, err := e.db.LastSyncRun(context.Background())
	if err != nil || last.Outcome != store.OutcomeOK || last.ID != res.Run.ID || last.Requests == 0 {
		t.Errorf("recorded run = %+v, %v", last, err)
	}
}

func TestNoChangeSyncOnlyListsBatches(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 2, Batches: 250, ContributionsPerBatch: 2})
	e.sync(t, false)
	var res Result
	n := e.requestsDuring(func() { res = e.sync(t, false) })
	// ⌈250 ÷ 100⌉ batch-list pages and nothing else.
	if n != 3 {
		t.Errorf("no-change sync made %d requests, want 3", n)
	}
	if res.Run.BatchesSynced != 0 || res.Run.FilesWritten != 0 {
		t.Errorf("no-change sync wrote: %+v", res.Run)
	}
	assertConverged(t, e)
}

func TestIncrementalSyncConverges(t *testing.T) {
	type change struct {
		name string
		do   func(t *testing.T, e *env, b string, ids []string)
		// batches whose files must be fetched again
		refetch int
	}
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	changes := []change{
		{"accept", func(t *testing.T, e *env, b string, ids []string) { must(t, e.srv.Accept(b, ids[0])) }, 1},
		{"revision", func(t *testing.T, e *env, b string, ids []string) {
			must(t, e.srv.RequestRevision(b, ids[0], []string{"Noise"}, "Too much noise in the shadows"))
		}, 1},
		{"reject", func(t *testing.T, e *env, b string, ids []string) {
			must(t, e.srv.Reject(b, ids[1], []string{"Trademark"}, "Logo visible on the cup"))
		}, 1},
		{"metadata", func(t *testing.T, e *env, b string, ids []string) {
			h := "Edited on the server"
			must(t, e.srv.EditMetadata(b, ids[0], esp.ContributionUpdate{Headline: &h}))
		}, 1},
		{"removed file", func(t *testing.T, e *env, b string, ids []string) { must(t, e.srv.RemoveContribution(b, ids[1])) }, 1},
		{"added file", func(t *testing.T, e *env, b string, ids []string) {
			_, err := e.srv.AddContribution(b, espfake.ContributionSpec{Headline: "New one"})
			must(t, err)
		}, 1},
		{"new batch", func(t *testing.T, e *env, b string, ids []string) {
			_, err := e.srv.AddBatch(espfake.BatchSpec{Name: "Autumn", Files: 4})
			must(t, err)
		}, 1},
		{"removed batch", func(t *testing.T, e *env, b string, ids []string) { must(t, e.srv.RemoveBatch(b)) }, 0},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, espfake.Options{Seed: 3, Batches: 6, ContributionsPerBatch: 5, StatusMix: espfake.StatusMix{Pending: 1}})
			e.sync(t, false)
			b := e.srv.BatchIDs()[2]
			ids := e.srv.ContributionIDs(b)
			c.do(t, e, b, ids)
			res := e.sync(t, false)
			if res.Run.BatchesSynced != c.refetch {
				t.Errorf("batches fetched again = %d, want %d", res.Run.BatchesSynced, c.refetch)
			}
			assertConverged(t, e)
			integrityOK(t, e.db)
		})
	}
}

func TestRemovedOnServerIsMarkedNotDeleted(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, espfake.Options{Seed: 4, Batches: 3, ContributionsPerBatch: 3})
	e.sync(t, false)
	b := e.srv.BatchIDs()[0]
	gone := e.srv.ContributionIDs(b)[0]
	if err := e.db.SetLocalPath(ctx, gone, "/Users/ann/Pictures/gone.jpg", time.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.RemoveContribution(b, gone)
	e.sync(t, false)
	f, err := e.db.GetContribution(ctx, gone)
	if err != nil {
		t.Fatalf("removed file's row is gone: %v", err)
	}
	if f.RemovedAt.IsZero() {
		t.Error("removed file not marked removed")
	}
	paths, _ := e.db.LocalPaths(ctx)
	if paths[gone] != "/Users/ann/Pictures/gone.jpg" {
		t.Errorf("local path lost: %q", paths[gone])
	}
	e.srv.RemoveBatch(b)
	e.sync(t, false)
	all, _ := e.db.ListBatches(ctx, store.BatchFilter{IncludeRemoved: true})
	var found bool
	for _, x := range all {
		if x.ID == b {
			found = true
			if x.RemovedAt.IsZero() {
				t.Error("removed batch not marked removed")
			}
		}
	}
	if !found {
		t.Error("removed batch deleted")
	}
}

func addLocalOnly(t testing.TB, e *env) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i, p := range []string{"/Users/ann/Pictures/a.jpg", "/Users/ann/Pictures/b ü.jpg"} {
		if _, err := e.db.AddPendingUpload(ctx, store.PendingUpload{Path: p, Title: "Title " + p,
			Description: "Desc", Keywords: []string{"autumn", "leaf"}, Size: int64(1000 + i)}, now); err != nil {
			t.Fatal(err)
		}
	}
	var pending string
	for _, b := range e.srv.Portfolio().Batches {
		for _, c := range b.Contributions {
			e.db.SetLocalPath(ctx, c.ID, "/Users/ann/Pictures/"+c.ID+".jpg", now)
			if c.Status == esp.StatusPending && pending == "" {
				pending = c.ID
			}
		}
	}
	if pending != "" {
		h := "My local title"
		// Before the first sync the file is not known locally: then there is nothing to edit.
		if _, err := e.db.PutLocalEdit(ctx, store.LocalEdit{ContributionID: pending, Headline: &h}, now); err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
	}
}

func TestSyncNeverTouchesLocalOnlyData(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 5, Batches: 8, ContributionsPerBatch: 6})
	e.sync(t, false)
	addLocalOnly(t, e)
	before := localOnlyDigest(t, e.db)
	for _, b := range e.srv.BatchIDs()[:3] {
		ids := e.srv.ContributionIDs(b)
		e.srv.SetStatus(b, ids[0], esp.StatusProcessed)
		e.srv.RemoveContribution(b, ids[1])
	}
	e.srv.RemoveBatch(e.srv.BatchIDs()[4])
	e.sync(t, false)
	if after := localOnlyDigest(t, e.db); after != before {
		t.Error("local-only data changed during sync")
	}
	assertConverged(t, e)
}

func TestPushSendsEditAndClearsIt(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, espfake.Options{Seed: 6, Batches: 2, ContributionsPerBatch: 4, StatusMix: espfake.StatusMix{Pending: 1}})
	e.sync(t, false)
	b := e.srv.BatchIDs()[0]
	id := e.srv.ContributionIDs(b)[1]
	h, kw := "Red maple leaf on wet stone", []string{"maple", "leaf", "autumn"}
	if _, err := e.db.PutLocalEdit(ctx, store.LocalEdit{ContributionID: id, Headline: &h, Keywords: &kw}, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Without push, nothing is sent.
	e.sync(t, false)
	if edits, _ := e.db.LocalEdits(ctx, ""); len(edits) != 1 {
		t.Fatalf("edit gone without push: %d", len(edits))
	}
	res := e.sync(t, true)
	if res.Run.EditsSent != 1 || res.Run.Conflicts != 0 {
		t.Errorf("run = %+v", res.Run)
	}
	for _, pb := range e.srv.Portfolio().Batches {
		for _, c := range pb.Contributions {
			if c.ID == id && (c.Headline != h || strings.Join(c.Keywords, ",") != "maple,leaf,autumn") {
				t.Errorf("server has %q %q", c.Headline, c.Keywords)
			}
		}
	}
	if edits, _ := e.db.LocalEdits(ctx, ""); len(edits) != 0 {
		t.Errorf("edit not cleared after ESP confirmed it: %+v", edits)
	}
	assertConverged(t, e)
}

func TestPushConflictKeepsEdit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, espfake.Options{Seed: 7, Batches: 2, ContributionsPerBatch: 4, StatusMix: espfake.StatusMix{Pending: 1}})
	e.sync(t, false)
	b := e.srv.BatchIDs()[0]
	ids := e.srv.ContributionIDs(b)
	mine, theirs := "Mine", "Theirs"
	e.db.PutLocalEdit(ctx, store.LocalEdit{ContributionID: ids[0], Headline: &mine}, time.Now())
	e.db.PutLocalEdit(ctx, store.LocalEdit{ContributionID: ids[1], Headline: &mine}, time.Now())
	e.srv.EditMetadata(b, ids[0], esp.ContributionUpdate{Headline: &theirs}) // changed on ESP after the edit
	e.srv.Submit(b, ids[1])                                                  // submitted: can't be edited any more
	res := e.sync(t, true)
	if res.Run.EditsSent != 0 || res.Run.Conflicts != 2 {
		t.Errorf("run = %+v", res.Run)
	}
	conf, _ := e.db.LocalEdits(ctx, store.EditConflict)
	if len(conf) != 2 {
		t.Fatalf("conflicts kept = %d, want 2", len(conf))
	}
	for _, c := range conf {
		if *c.Headline != "Mine" || c.Conflict == "" {
			t.Errorf("conflict = %+v", c)
		}
	}
	for _, pb := range e.srv.Portfolio().Batches {
		for _, c := range pb.Contributions {
			if c.ID == ids[0] && c.Headline != "Theirs" {
				t.Errorf("server copy overwritten: %q", c.Headline)
			}
		}
	}
}

func TestBadCredentialsStopAtOnce(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 8, Batches: 3, ContributionsPerBatch: 2, Password: "right"})
	cr := e.srv.Credentials()
	bad, _ := esp.New(esp.Config{APIRoot: e.srv.URL(), TokenURL: e.srv.TokenURL(), APIKey: cr.APIKey,
		APISecret: cr.APISecret, Username: cr.Username, Password: "wrong"})
	e.eng.ESP = bad
	res, err := e.eng.Run(context.Background(), Options{})
	if !errors.Is(err, esp.ErrBadCredentials) {
		t.Fatalf("err = %v, want ErrBadCredentials", err)
	}
	// The stored run has the kind; the words of advice are the frontends' (issue #14).
	if res.Run.Outcome != store.OutcomeFailed || res.Run.Problem != store.SyncProblemBadCredentials ||
		!strings.Contains(res.Run.Message, "ESP refused the sign-in") || strings.Contains(res.Run.Message, "stocksync") {
		t.Errorf("run = %+v", res.Run)
	}
	if last, err := e.db.LastSyncRun(context.Background()); err != nil || last.Problem != store.SyncProblemBadCredentials || last.Message != res.Run.Message {
		t.Errorf("stored run = %+v, %v", last, err)
	}
	if n := bad.Stats().Requests; n > 2 {
		t.Errorf("%d requests after the sign-in failed", n)
	}
}

func TestFailedBatchDoesNotAbortOthers(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 9, Batches: 10, ContributionsPerBatch: 3})
	e.client, _ = esp.New(esp.Config{APIRoot: e.srv.URL(), TokenURL: e.srv.TokenURL(), APIKey: e.srv.Credentials().APIKey,
		APISecret: e.srv.Credentials().APISecret, Username: e.srv.Credentials().Username, Password: e.srv.Credentials().Password,
		MaxRetries: -1, RequestsPerSecond: -1, ModeledReviews: true})
	e.eng.ESP = e.client
	e.srv.AddFault(espfake.Fault{Endpoint: esp.EndpointContributionsList, Kind: espfake.FaultInternalError, Count: 2})
	res, err := e.eng.Run(context.Background(), Options{})
	if !errors.Is(err, ErrPartial) {
		t.Fatalf("err = %v, want ErrPartial", err)
	}
	if len(res.Failures) != 2 || res.Run.BatchesSynced != 8 || res.Run.Outcome != store.OutcomePartial {
		t.Errorf("failures %v, run %+v", res.Failures, res.Run)
	}
	for _, f := range res.Failures {
		if !strings.HasPrefix(f.What, "batch ") || !strings.Contains(f.Err, "contributions.list") {
			t.Errorf("failure does not name the batch and endpoint: %+v", f)
		}
	}
	e.sync(t, false)
	assertConverged(t, e)
}

func TestSecondSyncRefusedWhileOneRuns(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 10, Batches: 20, ContributionsPerBatch: 2})
	// The first run holds in its listing report (sent on the run's own
	// goroutine, with the lock held) until the second has been refused: the
	// two overlap however the goroutines are scheduled. (With a server
	// latency standing in for this hold, a loaded machine could delay the
	// second start until the first had ended, and the second then ran.)
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	e.eng.Progress = func(p Progress) {
		if p.Phase == PhaseListing {
			once.Do(func() { close(started); <-release })
		}
	}
	done := make(chan error)
	go func() { _, err := e.eng.Run(context.Background(), Options{}); done <- err }()
	<-started
	other := &Engine{DB: e.db, ESP: e.client, LockPath: e.eng.LockPath, Command: "second"}
	_, err := other.Run(context.Background(), Options{})
	close(release)
	var he *lockfile.HeldError
	if !errors.As(err, &he) || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second sync: err = %v, want HeldError", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("first sync: %v", err)
	}
	assertConverged(t, e)
}

// Cancelling at any point leaves a consistent database that the next sync completes.
func TestCancelAnywhereThenConverge(t *testing.T) {
	// Six seeds on small portfolios keep this under ~20 s with -race; the
	// SIGKILL campaign in docs/RELIABILITY.md runs many more trials.
	seeds := 6
	for seed := range seeds {
		e := newEnv(t, espfake.Options{Seed: uint64(100 + seed), Batches: 16, ContributionsPerBatch: 1, ContributionsPerBatchMax: 12,
			Latency: time.Millisecond})
		addLocalOnly(t, e)
		before := localOnlyDigest(t, e.db)
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		ctx, cancel := context.WithCancel(context.Background())
		stopAt := r.IntN(16)
		e.eng.Progress = func(p Progress) {
			if p.BatchesDone >= stopAt {
				cancel()
			}
		}
		time.AfterFunc(time.Duration(r.IntN(60))*time.Millisecond, cancel)
		_, err := e.eng.Run(ctx, Options{})
		cancel()
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("seed %d: %v", seed, err)
		}
		integrityOK(t, e.db)
		e.eng.Progress = nil
		e.sync(t, false)
		assertConverged(t, e)
		if localOnlyDigest(t, e.db) != before {
			t.Fatalf("seed %d: local-only data changed", seed)
		}
	}
}

func TestProgressReportsReachDone(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 11, Batches: 12, ContributionsPerBatch: 4})
	var mu sync.Mutex
	var got []Progress
	e.eng.Progress = func(p Progress) { mu.Lock(); got = append(got, p); mu.Unlock() }
	e.sync(t, false)
	mu.Lock()
	defer mu.Unlock()
	last := got[len(got)-1]
	if last.Phase != PhaseDone {
		t.Fatalf("last report %+v", last)
	}
	if last.BatchesDone != 12 || last.FilesDone != 48 || last.FilesTotal != 48 {
		t.Errorf("final progress %+v", last)
	}
	phases := []Phase{}
	for _, p := range got {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	}
	want := []Phase{PhaseStarting, PhaseListing, PhaseFiles, PhaseDone}
	if strings.Join(toStrings(phases), ",") != strings.Join(toStrings(want), ",") {
		t.Errorf("phases %v, want %v", phases, want)
	}
}

func toStrings(ps []Phase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

// Regression: deleting the data folder during a sync did not stop it, and
// the run reported success for work written into a deleted file.
func TestDataFolderRemovedDuringSync(t *testing.T) {
	e := newEnv(t, espfake.Options{Seed: 12, Batches: 20, ContributionsPerBatch: 3})
	var once sync.Once
	e.eng.Progress = func(p Progress) {
		if p.Phase == PhaseFiles {
			once.Do(func() { os.Remove(e.db.Path()) })
		}
	}
	res, err := e.eng.Run(context.Background(), Options{})
	if !errors.Is(err, store.ErrGone) {
		t.Fatalf("err = %v, want ErrGone", err)
	}
	if res.Run.Outcome != store.OutcomeFailed || !strings.Contains(res.Run.Message, "removed") {
		t.Errorf("run = %+v", res.Run)
	}
}
