package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// Clock skew (issue 12): this computer's clock a year or some hours ahead
// of ESP's, or behind it. Signing in, a working session, incremental sync,
// pushing edits, thumbnails, backups and their reminder must all work as
// with a right clock, and a session ESP ended must still sign out.
//
// The child's own clock cannot be moved: stocksync is a pure-Go binary
// (modernc SQLite, no libc), and Go reads the time through the kernel's
// vDSO, so libfaketime's LD_PRELOAD does not reach it (tried: `faketime -f
// +365d` leaves time.Now unchanged, for a static and for a cgo build), and
// there is no clock variable in the CLI. So the real binary runs against a
// built-in server whose clock is skewed instead — the skew between the two
// is what the client sees in every server timestamp, session expiry and
// token lifetime. A local clock that was wrong and then corrected (local
// timestamps from the "future") is tested in-process in clockjump_test.go.

type skewCase struct {
	id   string
	name string
	skew time.Duration // this computer's clock minus ESP's
}

const year = 365 * 24 * time.Hour

func skewCases() []skewCase {
	return []skewCase{
		{"ahead_1y", "this computer 1 year ahead of ESP", year},
		{"behind_1y", "this computer 1 year behind ESP", -year},
		{"ahead_6h", "this computer 6 hours ahead of ESP", 6 * time.Hour},
		{"behind_6h", "this computer 6 hours behind ESP", -6 * time.Hour},
	}
}

// TestClockSkew drives the real binary, signed in with a browser session
// (the web API, as ESP works today), against a server whose clock is
// skewed from this computer's.
func TestClockSkew(t *testing.T) {
	linuxOnly(t)
	for _, sc := range skewCases() {
		t.Run(sc.id, func(t *testing.T) {
			t.Parallel()
			rec := runSkew(t, sc)
			report(t, rec)
			if !rec.OK {
				t.Errorf("%s: %s\nreproduce: go test ./internal/reliability -run 'TestClockSkew/^%s$'", sc.name, rec.Detail, sc.id)
			}
		})
	}
}

func runSkew(t *testing.T, sc skewCase) record {
	rec := record{Group: "clock", Name: sc.name, Counts: map[string]int{}}
	ctx := context.Background()
	e := newEnv(t, envOptions{web: true, server: espfake.Options{Seed: 55, Batches: 8, ContributionsPerBatch: 6,
		StatusMix: espfake.StatusMix{Pending: 0.6, Processed: 0.3, Rejected: 0.1},
		Now:       func() time.Time { return time.Now().Add(-sc.skew) }}})
	r := rand.New(rand.NewPCG(55, 3))
	var problems []string
	step := func(what string, res result, want int) bool {
		if res.code != want {
			problems = append(problems, fmt.Sprintf("%s: exit %d, want %d: %s", what, res.code, want, oneLineTail(res.stderr)))
			return false
		}
		return true
	}
	syncStep := func(what string, args ...string) (syncResult, bool) {
		res := e.run(append([]string{"sync", "--json"}, args...)...)
		if !step(what, res, 0) {
			return syncResult{}, false
		}
		sr, _ := parseSyncResult(res.stdout)
		if err := converged(ctx, e.dbPath(), e.srv); err != nil {
			problems = append(problems, what+": "+err.Error())
		}
		return sr, true
	}
	finish := func() record {
		rec.OK = len(problems) == 0
		rec.Detail = strings.Join(problems, "; ")
		return rec
	}

	// The session's expiry, by this computer's clock, is a year (or hours)
	// off; only ESP's answer counts.
	if !step("login --check", e.run("login", "--check"), 0) {
		return finish()
	}
	first, ok := syncStep("first sync", "--no-thumbnails")
	if !ok {
		return finish()
	}
	rec.Counts["files_first_sync"] = first.Run.FilesWritten
	step("thumbnails --wait", e.run("thumbnails", "--wait"), 0)

	// Incremental sync: a busy day on ESP, local edits to send, then a
	// sync with nothing new, which must fetch no file again.
	edits := seedLocal(t, r, e, 2, 2, 3)
	mutateServer(r, e.srv, edits)
	if sr, ok := syncStep("incremental sync --push", "--push", "--no-thumbnails"); ok {
		rec.Counts["files_incremental"], rec.Counts["edits_sent"] = sr.Run.FilesWritten, sr.Run.EditsSent
		if sr.Run.EditsSent != len(edits) {
			problems = append(problems, fmt.Sprintf("incremental sync sent %d of %d edits", sr.Run.EditsSent, len(edits)))
		}
	}
	if sr, ok := syncStep("no-change sync", "--no-thumbnails"); ok {
		rec.Counts["files_no_change"] = sr.Run.FilesWritten
		if sr.Run.FilesWritten != 0 {
			problems = append(problems, fmt.Sprintf("a sync with nothing new on ESP wrote %d files again", sr.Run.FilesWritten))
		}
	}

	// Backups and the reminder: right after a backup nothing is due.
	if err := os.MkdirAll(e.backups(), 0o700); err != nil {
		t.Fatal(err)
	}
	step("backup destination", e.run("backup", "destination", e.backups()), 0)
	step("backup", e.run("backup"), 0)
	if res := e.run("backup", "status", "--json"); step("backup status --json", res, 0) {
		var bs struct {
			LastBackup *json.RawMessage `json:"last_backup"`
			Reminder   struct {
				Due bool `json:"due"`
			} `json:"reminder"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &bs); err != nil {
			problems = append(problems, "backup status --json: "+err.Error())
		} else if bs.LastBackup == nil || bs.Reminder.Due {
			problems = append(problems, fmt.Sprintf("right after a backup, backup status says last backup %v, reminder due %v", bs.LastBackup != nil, bs.Reminder.Due))
		}
	}
	if res := e.run("status"); step("status", res, 0) {
		rec.Message = statusLine(res.stdout, "Last sync")
	}

	// A session ESP ended still signs out (exit 5), changing nothing local.
	before, err := localRows(e.dbPath())
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ExpireSessions()
	step("sync after ESP ended the session", e.run("sync", "--no-thumbnails"), exitSignedOut)
	if after, err := localRows(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	} else if err := compareLocal(before, after, func(string) bool { return false }); err != nil {
		problems = append(problems, "signed out: "+err.Error())
	}
	if err := checkIntegrity(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	}
	return finish()
}

// statusLine is the line of `stocksync status` that starts with prefix.
func statusLine(out, prefix string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), prefix) {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

func oneLineTail(s string) string {
	return strings.Join(strings.Fields(tail(s, 300)), " ")
}
