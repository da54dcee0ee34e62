package reliability

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// Stalled connections (issue 12): ESP accepts a request and then sends
// nothing, stops in the middle of a body, or trickles one byte a second.
// The sync must stop with "ESP stopped answering" (exit 1) within the
// documented give-up (docs/cli.md: 40 s without progress; docs/esp-api.md:
// 15 s without a byte abandons a connection, 60 s per call), keep what it
// synced before, leave the database sound, and the next sync must complete.

type stallKind string

const (
	stallSilent  stallKind = "silent"   // the request is read, then nothing is sent
	stallMidBody stallKind = "mid_body" // headers and half the body, then nothing
	stallTrickle stallKind = "trickle"  // headers, then one byte of the body a second
)

// giveUpPromise is the longest a sync may wait on a silent ESP (issue 12).
const giveUpPromise = 60 * time.Second

// stallPlan holds the requests to one endpoint after the first pass ones
// (which are answered normally) without a whole answer, until the client
// gives up on them or end is called.
type stallPlan struct {
	endpoint string
	kind     stallKind
	pass     int
	release  chan struct{}
	once     sync.Once

	mu       sync.Mutex
	seen     int
	stalled  int
	first    time.Time
	answered []string // batch IDs ({b}) of the requests answered normally
}

// stallOn makes the proxy hold endpoint's requests after the first pass.
func (p *proxy) stallOn(endpoint string, kind stallKind, pass int) *stallPlan {
	st := &stallPlan{endpoint: endpoint, kind: kind, pass: pass, release: make(chan struct{})}
	p.mu.Lock()
	p.stall = st
	p.mu.Unlock()
	return st
}

// end lets every held request finish (with a broken answer).
func (s *stallPlan) end() {
	if s != nil {
		s.once.Do(func() { close(s.release) })
	}
}

// firstStall is when the first request was held, and how many were.
func (s *stallPlan) firstStall() (time.Time, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first, s.stalled
}

func (s *stallPlan) answeredBatches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answered)
}

// hold serves r as the plan says and reports whether it did; fetch gets
// the real answer from upstream (for the partial kinds).
func (s *stallPlan) hold(w http.ResponseWriter, r *http.Request, endpoint string, fetch func() ([]byte, int, error)) bool {
	if s == nil || endpoint != s.endpoint {
		return false
	}
	s.mu.Lock()
	s.seen++
	if s.seen <= s.pass {
		if endpoint == esp.EndpointContributionsList {
			s.answered = append(s.answered, r.PathValue("b"))
		}
		s.mu.Unlock()
		return false
	}
	if s.first.IsZero() {
		s.first = time.Now()
	}
	s.stalled++
	s.mu.Unlock()

	wait := func(d time.Duration) bool { // false once the client or the test has gone
		var tick <-chan time.Time
		if d > 0 {
			tk := time.NewTimer(d)
			defer tk.Stop()
			tick = tk.C
		}
		select {
		case <-r.Context().Done():
			return false
		case <-s.release:
			return false
		case <-tick:
			return true
		}
	}
	if s.kind == stallSilent {
		io.Copy(io.Discard, r.Body)
		wait(0)
		panic(http.ErrAbortHandler) // no answer at all, as a dead server
	}
	body, status, err := fetch()
	if err != nil || len(body) < 2 {
		body = []byte(`{"items":[],"meta":{"total_items":0}}`)
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	flush()
	switch s.kind {
	case stallMidBody:
		w.Write(body[:len(body)/2])
		flush()
		wait(0)
	case stallTrickle:
		for i := range body {
			if !wait(time.Second) {
				break
			}
			w.Write(body[i : i+1])
			flush()
		}
	}
	panic(http.ErrAbortHandler)
}

// fetchRaw gets upstream's answer to r as it is.
func (p *proxy) fetchRaw(r *http.Request, upstream string) ([]byte, int, error) {
	in, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, 0, err
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, upstream+r.URL.RequestURI(), bytes.NewReader(in))
	if err != nil {
		return nil, 0, err
	}
	req.Header = r.Header.Clone()
	resp, err := p.up.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp.StatusCode, err
}

type stallCase struct {
	id       string
	endpoint string
	kind     stallKind
	pass     int // requests to the endpoint answered before the stall
	what     string
	batches  int // on ESP, each with a changed file; 0 means 10
}

func stallCases() []stallCase {
	return []stallCase{
		{"token_silent", esp.EndpointToken, stallSilent, 0, "sign-in (token): accepted, then nothing", 0},
		{"batches_silent", esp.EndpointBatchesList, stallSilent, 0, "batch list: accepted, then nothing", 0},
		{"batches_mid_body", esp.EndpointBatchesList, stallMidBody, 0, "batch list: half the body, then nothing", 0},
		{"batches_trickle", esp.EndpointBatchesList, stallTrickle, 0, "batch list: 1 byte per second", 0},
		{"files_silent", esp.EndpointContributionsList, stallSilent, 2, "file lists, after 2 batches: accepted, then nothing", 0},
		{"files_mid_body", esp.EndpointContributionsList, stallMidBody, 2, "file lists, after 2 batches: half the body, then nothing", 0},
		{"files_trickle", esp.EndpointContributionsList, stallTrickle, 2, "file lists, after 2 batches: 1 byte per second", 0},
		{"push_silent", esp.EndpointContributionUpdate, stallSilent, 1, "sending edits (`--push`), after 1: accepted, then nothing", 0},
		{"files_silent_60", esp.EndpointContributionsList, stallSilent, 2, "file lists of 60 batches, after 2: accepted, then nothing", 60},
	}
}

// TestStalledConnections stops ESP answering in each way, at the start, in
// the middle of the file lists and while edits are sent, and measures how
// long `stocksync sync --push` takes to give up after the first held
// request. Each case waits out the real 40-second no-progress stop, so the
// test runs only with -reliability.long (make reliability); the cases run
// side by side, as they mostly wait.
func TestStalledConnections(t *testing.T) {
	linuxOnly(t)
	if !*flagLong {
		t.Skip("each case waits out the real 40-second no-progress stop: run with -reliability.long (make reliability does)")
	}
	for _, sc := range stallCases() {
		t.Run(sc.id, func(t *testing.T) {
			t.Parallel()
			rec := runStall(t, sc)
			report(t, rec)
			if !rec.OK {
				t.Errorf("%s: %s (exit %d, message %q)\nreproduce: go test ./internal/reliability -run 'TestStalledConnections/^%s$' -reliability.long",
					sc.id, rec.Detail, rec.Exit, rec.Message, sc.id)
			}
		})
	}
}

func runStall(t *testing.T, sc stallCase) record {
	rec := record{Group: "stall", Name: sc.what, Endpoint: sc.endpoint, Fault: string(sc.kind)}
	ctx := context.Background()
	batches := sc.batches
	if batches == 0 {
		batches = 10
	}
	e := newEnv(t, envOptions{proxy: true, server: espfake.Options{Seed: 91, Batches: batches, ContributionsPerBatch: 6,
		StatusMix: espfake.StatusMix{Pending: 0.6, Processed: 0.3, Rejected: 0.1}}})
	r := rand.New(rand.NewPCG(91, 2))
	e.mustRun("sync", "--json", "--no-thumbnails")
	edits := seedLocal(t, r, e, 3, 3, 3)
	staleEveryBatch(e.srv, edits)
	before, err := localRows(e.dbPath())
	if err != nil {
		t.Fatal(err)
	}
	_, filesBefore, err := localState(ctx, e.dbPath())
	if err != nil {
		t.Fatal(err)
	}

	st := e.px.stallOn(sc.endpoint, sc.kind, sc.pass)
	// A sync still waiting at twice the promise is killed: that is the
	// finding, and waiting longer only makes the test slower.
	runCtx, cancel := context.WithTimeout(ctx, 2*giveUpPromise)
	started := time.Now()
	res := e.runCtx(runCtx, "sync", "--json", "--push", "--no-thumbnails")
	exited := time.Now()
	cancel()
	first, held := st.firstStall()
	st.end()
	rec.Exit = res.code
	rec.Message = clipMsg(stallMessage(res))
	rec.Counts = map[string]int{"run_ms": int(exited.Sub(started).Milliseconds()), "held_requests": held}

	var problems []string
	if first.IsZero() {
		problems = append(problems, "no request was held: the stall never happened")
	} else {
		giveUp := exited.Sub(first)
		rec.Counts["give_up_ms"] = int(giveUp.Milliseconds())
		if giveUp > giveUpPromise {
			problems = append(problems, fmt.Sprintf("gave up %s after the first held request, past the %s promise", giveUp.Round(time.Second), giveUpPromise))
		}
	}
	out := res.stderr + "\n" + res.stdout
	switch {
	case res.err != nil:
		rec.Counts["killed"] = 1
		problems = append(problems, fmt.Sprintf("the sync was still waiting %s after it started (killed then)", exited.Sub(started).Round(time.Second)))
	case strings.Contains(out, "panic:") || strings.Contains(out, "goroutine "):
		problems = append(problems, "the command panicked: "+tail(res.stderr, 400))
	case res.code != exitFailure:
		problems = append(problems, fmt.Sprintf("exit %d, want %d: %s", res.code, exitFailure, tail(res.stderr, 300)))
	}
	if res.err == nil && !strings.Contains(rec.Message, "ESP stopped answering") {
		problems = append(problems, `the message does not say "ESP stopped answering"`)
	}

	// Nothing synced before the stall is lost, nothing local is touched,
	// and the database is sound.
	if err := checkIntegrity(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	}
	if after, err := localRows(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	} else if err := compareLocal(before, after, appliedOn(e.srv, edits)); err != nil {
		problems = append(problems, err.Error())
	}
	kept, updated, err := keptPerBatch(ctx, e, filesBefore, st.answeredBatches(), edits)
	if err != nil {
		problems = append(problems, err.Error())
	}
	rec.Counts["batches_kept"], rec.Counts["batches_updated"] = kept, updated

	// Once ESP answers again, the next sync completes and converges.
	e.px.clear()
	next := e.run("sync", "--json", "--push", "--no-thumbnails")
	if next.code != 0 {
		problems = append(problems, "the next sync failed: "+next.String())
	} else if err := converged(ctx, e.dbPath(), e.srv); err != nil {
		problems = append(problems, "next sync: "+err.Error())
	} else if rows, err := localRows(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	} else if n := len(rows["local_edits"]); n != 0 {
		problems = append(problems, fmt.Sprintf("the next sync left %d local edits unsent", n))
	}
	rec.OK = len(problems) == 0
	rec.Detail = strings.Join(problems, "; ")
	return rec
}

// stallMessage is what the user saw: the last line of standard error and
// the JSON result's error.
func stallMessage(res result) string {
	var msg []string
	if line := lastLine(res.stderr); line != "" {
		msg = append(msg, line)
	}
	if sr, ok := parseSyncResult(res.stdout); ok && sr.Error != "" {
		msg = append(msg, sr.Error)
	}
	return strings.Join(msg, " | ")
}

// staleEveryBatch changes one file in every batch on ESP (files with local
// edits left alone), so the next sync has every batch's files to fetch.
func staleEveryBatch(srv *espfake.Server, edits map[string]localEdit) {
	for _, b := range srv.BatchIDs() {
		for _, id := range srv.ContributionIDs(b) {
			if _, ok := edits[id]; ok {
				continue
			}
			h := "Changed on ESP " + id
			if srv.EditMetadata(b, id, esp.ContributionUpdate{Headline: &h}) == nil {
				break
			}
		}
	}
}

// keptPerBatch checks every batch's files in the database are either all
// as before the stalled run or all as ESP has them now (never a mixture,
// never fewer), and that every batch whose file list ESP answered during
// that run is up to date. It returns how many batches are as before
// (kept) and how many are up to date (updated). Files with local edits are
// left out: a sent edit changes them on ESP before their batch is fetched.
func keptPerBatch(ctx context.Context, e *env, filesBefore, answered []string, edits map[string]localEdit) (kept, updated int, err error) {
	_, serverFiles := serverState(e.srv.Portfolio())
	_, localFiles, err := localState(ctx, e.dbPath())
	if err != nil {
		return 0, 0, err
	}
	byBatch := func(keys []string) map[string][]string {
		m := map[string][]string{}
		for _, k := range keys {
			f := strings.SplitN(k, "|", 3)
			if _, edited := edits[f[0]]; !edited {
				m[f[1]] = append(m[f[1]], k)
			}
		}
		return m
	}
	was, now, local := byBatch(filesBefore), byBatch(serverFiles), byBatch(localFiles)
	var problems []string
	for b, files := range now {
		switch {
		case slices.Equal(local[b], files):
			updated++
		case slices.Equal(local[b], was[b]):
			kept++
			if slices.Contains(answered, b) {
				problems = append(problems, fmt.Sprintf("batch %s: ESP answered its file list, but the database still has the files from before", b))
			}
		default:
			problems = append(problems, fmt.Sprintf("batch %s: %d files in the database are neither as before (%d) nor as on ESP (%d)", b, len(local[b]), len(was[b]), len(files)))
		}
	}
	if len(problems) > 0 {
		return kept, updated, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return kept, updated, nil
}
