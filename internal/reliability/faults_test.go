package reliability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
)

// matrixEndpoints are the endpoints `stocksync sync --push` and
// `stocksync thumbnails` use.
var matrixEndpoints = []string{esp.EndpointToken, esp.EndpointBatchesList, esp.EndpointContributionsList,
	esp.EndpointContributionsGet, esp.EndpointContributionUpdate, esp.EndpointThumbnail}

// matrixFaults are espfake's fault kinds plus those only the proxy injects.
var matrixFaults = func() []string {
	var out []string
	for _, k := range espfake.FaultKinds {
		out = append(out, string(k))
	}
	return append(out, faultEmpty, faultUnauth, faultForbidden)
}()

var proxyFaults = []string{faultEmpty, faultUnauth, faultForbidden}

type cell struct{ endpoint, fault, mode string }

func (c cell) String() string { return c.endpoint + "/" + c.fault + "/" + c.mode }

// matrixCells is every endpoint × fault × mode for "full". For "thin" it is
// each fault once, on endpoints in turn: persistent where the endpoint is
// called once per run (token, batch list, thumbnails), transient elsewhere,
// so that every fault, endpoint and mode is covered in a few seconds.
func matrixCells(full bool) []cell {
	var out []cell
	for fi, f := range matrixFaults {
		for ei, ep := range matrixEndpoints {
			for _, mode := range []string{"transient", "persistent"} {
				if full {
					out = append(out, cell{ep, f, mode})
					continue
				}
				once := ep == esp.EndpointToken || ep == esp.EndpointBatchesList || ep == esp.EndpointThumbnail
				if ei == (fi*5)%len(matrixEndpoints) && (mode == "persistent") == once {
					out = append(out, cell{ep, f, mode})
				}
			}
		}
	}
	return out
}

// TestFaultMatrix injects each fault into each endpoint the client uses,
// once for the first two requests (transient) and once for every request
// (persistent). The run must complete or stop with a message naming the
// endpoint and the cause; the database stays sound, local-only rows stay
// as they were (or edits are on the server), nothing is half-written, and
// once the fault is gone the next run converges.
func TestFaultMatrix(t *testing.T) {
	linuxOnly(t)
	cells := matrixCells(*flagMatrix == "full")
	// The cells mostly wait (on backoff, on children): run four at a time
	// whatever -parallel says.
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, c := range cells {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t.Run(strings.ReplaceAll(c.String(), ".", "_"), func(t *testing.T) {
				rec := runCell(t, c)
				report(t, rec)
				if !rec.OK {
					t.Errorf("%s: %s (exit %d, message %q)\nreproduce: go test ./internal/reliability -run 'TestFaultMatrix/^%s$' -reliability.matrix=full",
						c, rec.Detail, rec.Exit, rec.Message, strings.ReplaceAll(c.String(), ".", "_"))
				}
			})
		}()
	}
	wg.Wait()
}

func runCell(t *testing.T, c cell) record {
	rec := record{Group: "matrix", Name: c.String(), Endpoint: c.endpoint, Fault: c.fault, Mode: c.mode}
	viaProxy := slices.Contains(proxyFaults, c.fault)
	e := newEnv(t, envOptions{proxy: viaProxy, server: espfake.Options{Seed: 77, Batches: 6, ContributionsPerBatch: 8,
		StatusMix:    espfake.StatusMix{Pending: 0.5, Processed: 0.3, Rejected: 0.2},
		FaultTimeout: 1500 * time.Millisecond}})
	r := rand.New(rand.NewPCG(77, 1))
	e.mustRun("sync", "--json", "--no-thumbnails")
	thumbCell := c.endpoint == esp.EndpointThumbnail
	if thumbCell {
		e.mustRun("thumbnails", "--wait")
	}
	edits := seedLocal(t, r, e, 5, 5, 4)
	cellChanges(e.srv, edits)
	if thumbCell {
		// Fetch the new files, queueing their thumbnails.
		e.mustRun("sync", "--json", "--no-thumbnails")
	}
	before, err := localRows(e.dbPath())
	if err != nil {
		t.Fatal(err)
	}

	count := transientCount(c.fault)
	if c.mode == "persistent" {
		count = 0
	}
	if viaProxy {
		e.px.addFault(c.endpoint, c.fault, count)
	} else {
		f := espfake.Fault{Endpoint: c.endpoint, Kind: espfake.FaultKind(c.fault), Count: count, RetryAfter: time.Second}
		if count == 0 {
			f.Probability = 1
		}
		e.srv.AddFault(f)
	}
	var res result
	if thumbCell {
		res = e.run("thumbnails", "--wait")
	} else {
		res = e.run("sync", "--json", "--push", "--no-thumbnails")
	}
	rec.Exit = res.code
	problems := evaluateRun(e, c, res, &rec)

	// Whatever happened, nothing local is lost or half-written.
	ctx := context.Background()
	if err := checkIntegrity(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	}
	if after, err := localRows(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	} else if err := compareLocal(before, after, appliedOn(e.srv, edits)); err != nil {
		problems = append(problems, err.Error())
	}
	if th, err := checkThumbnails(ctx, e.data); err != nil {
		problems = append(problems, err.Error())
	} else if len(th.problems) > 0 || th.temps > 0 {
		problems = append(problems, fmt.Sprintf("thumbnails: %d temporary files left; %s", th.temps, strings.Join(th.problems, "; ")))
	}

	// Once the fault is gone, the next run converges.
	e.srv.ClearFaults()
	if e.px != nil {
		e.px.clear()
	}
	problems = append(problems, recoverAfter(e, thumbCell, slices.Contains(passingFaults, c.fault))...)
	rec.OK = len(problems) == 0
	rec.Detail = strings.Join(problems, "; ")
	return rec
}

// transientCount is how many requests a transient fault spoils: two, so a
// retry meets the fault too — but one for refused tokens, since the client
// fetches a fresh token once by design and a fresh token refused again means
// the credentials or the account are at fault.
func transientCount(fault string) int {
	if fault == string(espfake.FaultTokenExpired) || fault == faultUnauth {
		return 1
	}
	return 2
}

// cellChanges makes a few batches stale without touching edited files.
func cellChanges(srv *espfake.Server, edits map[string]localEdit) {
	ids := srv.BatchIDs()
	n := 0
	for _, b := range ids {
		for _, id := range srv.ContributionIDs(b) {
			if _, ok := edits[id]; ok || n >= 3 {
				continue
			}
			if srv.Accept(b, id) == nil {
				n++
			}
		}
	}
	srv.AddContribution(ids[len(ids)-1], espfake.ContributionSpec{Headline: "New on ESP"})
	srv.AddBatch(espfake.BatchSpec{Files: 3})
}

// evaluateRun classifies the faulty run and checks its message.
func evaluateRun(e *env, c cell, res result, rec *record) []string {
	var problems []string
	out := res.stderr + "\n" + res.stdout
	if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
		return []string{"the command panicked: " + tail(res.stderr, 400)}
	}
	var msg []string
	// The last line of stderr is the command's own message (progress bars
	// come before it).
	if line := lastLine(res.stderr); strings.HasPrefix(line, "stocksync:") {
		msg = append(msg, line)
	}
	if line := lastLine(res.stdout); strings.HasPrefix(line, "Thumbnails:") {
		msg = append(msg, line)
	}
	if sr, ok := parseSyncResult(res.stdout); ok {
		if sr.Error != "" {
			msg = append(msg, sr.Error)
		}
		for _, f := range sr.Failures {
			msg = append(msg, f.What+": "+f.Err)
		}
	}
	stopped := res.code != 0
	if c.endpoint == esp.EndpointThumbnail {
		// Thumbnails that could not be downloaded are left queued (an
		// outage) or failed (for good); the command's own output must say so.
		live, _, err := thumbStates(e.dbPath())
		if err != nil {
			return []string{err.Error()}
		}
		stopped = stopped || live[store.ThumbQueued] > 0 || live[store.ThumbFailed] > 0
	}
	rec.Message = clipMsg(strings.Join(msg, " | "))
	switch {
	case res.code == 0 && !stopped:
		rec.Outcome = "completed"
		return nil
	case res.code == 0, res.code == exitFailure, res.code == exitPartial,
		res.code == exitSignedOut && (c.fault == faultUnauth || c.fault == "token_expired"): // docs/cli.md: 5 when ESP refuses the credentials
		rec.Outcome = "stopped"
		if c.endpoint == esp.EndpointThumbnail {
			rec.Outcome = "left undownloaded"
		}
	default:
		return []string{fmt.Sprintf("unexpected exit %d (%v): %s", res.code, res.err, tail(res.stderr, 300))}
	}
	text := strings.ToLower(strings.Join(msg, " "))
	if !containsAny(text, endpointWords[c.endpoint]) {
		problems = append(problems, fmt.Sprintf("the message does not name the endpoint (%s)", c.endpoint))
	}
	if !containsAny(text, causeWords[c.fault]) {
		problems = append(problems, fmt.Sprintf("the message does not name the cause (%s)", c.fault))
	}
	return problems
}

const (
	exitFailure = 1
	exitPartial = 3
	exitBusy    = 4
	// exitSignedOut: ESP no longer accepts the session or credentials.
	exitSignedOut = 5
)

// endpointWords and causeWords are what a message may say to name them.
var endpointWords = map[string][]string{
	esp.EndpointToken:              {"token", "sign-in", "sign in"},
	esp.EndpointBatchesList:        {"batches.list", "list batches", "batch list"},
	esp.EndpointContributionsList:  {"contributions.list"},
	esp.EndpointContributionsGet:   {"contributions.get"},
	esp.EndpointContributionUpdate: {"contributions.update"},
	esp.EndpointThumbnail:          {"thumbnail"},
}

var causeWords = map[string][]string{
	"500":            {"http 500"},
	"503":            {"http 503"},
	"429":            {"http 429", "limiting"},
	"reset":          {"reset", "eof", "connection"},
	"timeout":        {"timeout", "deadline", "eof", "reset"},
	"truncated":      {"eof", "truncated", "broke off"},
	"malformed_json": {"malformed", "damaged", "not an image"}, // a garbled image is "damaged"
	"wrong_types":    {"malformed", "damaged", "not an image"},
	"html":           {"http 502"},
	"token_expired":  {"http 401", "refused the sign-in"},
	faultEmpty:       {"malformed", "empty", "not an image"}, // an empty thumbnail is "not an image"
	faultUnauth:      {"http 401", "refused the sign-in"},
	faultForbidden:   {"http 403", "no rights"},
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// lastLine is the last line of a command's output as a terminal would show
// it: after the last newline, and after any carriage return a progress bar
// left on that line.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	line := lines[len(lines)-1]
	if i := strings.LastIndexByte(strings.TrimRight(line, "\r "), '\r'); i >= 0 {
		line = line[i+1:]
	}
	return strings.TrimSpace(line)
}

func clipMsg(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

// failedThumbnail is the error of a failed thumbnail of a file still on ESP, or "".
func failedThumbnail(path string) string {
	db, err := openRaw(path)
	if err != nil {
		return ""
	}
	defer db.Close()
	var s string
	db.QueryRow(`SELECT t.last_error FROM thumbnails t JOIN contributions c ON c.id = t.contribution_id
		WHERE t.state = ? AND c.removed_at = '' LIMIT 1`, store.ThumbFailed).Scan(&s)
	return s
}

// passingFaults are those a later try gets past (outages, broken connections).
var passingFaults = []string{"500", "503", "429", "reset", "timeout", "truncated", "html"}

// recoverAfter runs the command again without faults: it must succeed and
// converge, with every edit sent and every thumbnail of a file on ESP downloaded.
func recoverAfter(e *env, thumbs, passing bool) []string {
	var problems []string
	res := e.run("sync", "--json", "--push", "--no-thumbnails")
	if res.code != 0 {
		return []string{"the next sync failed: " + res.String()}
	}
	if err := converged(context.Background(), e.dbPath(), e.srv); err != nil {
		problems = append(problems, "next sync: "+err.Error())
	}
	if rows, err := localRows(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	} else if n := len(rows["local_edits"]); n != 0 {
		problems = append(problems, fmt.Sprintf("next sync left %d local edits unsent (conflicts?)", n))
	}
	if thumbs {
		if res := e.run("thumbnails", "--wait"); res.code != 0 {
			return append(problems, "the next thumbnails --wait failed: "+res.String())
		}
		live, _, err := thumbStates(e.dbPath())
		if err != nil {
			return append(problems, err.Error())
		}
		// A thumbnail refused for good (403, not an image…) may stay failed;
		// one that met a passing fault must be downloaded now.
		if live[store.ThumbQueued] != 0 || (passing && live[store.ThumbFailed] != 0) {
			problems = append(problems, fmt.Sprintf("after the fault was gone, thumbnails --wait left %d queued and %d failed (%s)",
				live[store.ThumbQueued], live[store.ThumbFailed], failedThumbnail(e.dbPath())))
		}
	}
	return problems
}
