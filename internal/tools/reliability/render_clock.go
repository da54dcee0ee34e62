package main

import (
	"fmt"
	"strings"
)

// Sections 9 and 10: clock skew and stalled connections (issue 12).

func summaryClockStall(w func(string, ...any), clock, stall []record) {
	w("| [Clock skew](#9-clock-skew) `TestClockSkew, TestClockCorrected` | a clock a year or hours off ESP's, or corrected after being wrong, signs no one out, refuses no login, breaks no incremental sync, backup or reminder | %d cases | %d |\n",
		len(clock), countFail(clock))
	w("| [Stalled connections](#10-stalled-connections) `TestStalledConnections` | ESP silent, stopping mid-body or trickling: the sync stops with \"ESP stopped answering\" within 60 s, keeps what it synced, the next sync completes | %s | %d |\n",
		stallFigure(stall), countFail(stall))
}

// stallFigure is the range of measured give-up times.
func stallFigure(recs []record) string {
	lo, hi := -1, -1
	for _, r := range recs {
		ms, ok := r.Counts["give_up_ms"]
		if !ok || r.Counts["killed"] > 0 {
			continue
		}
		if lo < 0 || ms < lo {
			lo = ms
		}
		hi = max(hi, ms)
	}
	if lo < 0 {
		return fmt.Sprintf("%d cases", len(recs))
	}
	killed := 0
	for _, r := range recs {
		killed += r.Counts["killed"]
	}
	fig := fmt.Sprintf("%d cases, gave up after %s–%s s", len(recs), secs(lo), secs(hi))
	if killed > 0 {
		fig += fmt.Sprintf("; %d still waiting at 120 s", killed)
	}
	return fig
}

func secs(ms int) string { return fmt.Sprintf("%.1f", float64(ms)/1000) }

func renderClock(w func(string, ...any), recs []record) {
	w("## 9. Clock skew\n\n")
	w("`TestClockSkew` runs the real binary, signed in with a browser session (`STOCKSYNC_ESP_SESSION`, the web API as ESP works today), " +
		"against a built-in server whose clock is a year or six hours ahead of or behind this computer's, so every server timestamp, " +
		"the session's expiry and the token lifetimes the client sees are that far off: `login --check`, a first sync, `thumbnails --wait`, " +
		"a busy day on ESP with local edits and `sync --push`, a sync with nothing new (it must fetch no file again), `backup` and " +
		"`backup status --json` (nothing due right after a backup), `status`; then ESP ends the session and `sync` must exit 5 with nothing " +
		"local touched — ESP's answer, not this computer's clock, decides. The database must converge to ESP's after every sync. " +
		"The child's own clock cannot be moved: stocksync is pure Go (modernc SQLite), Go reads the time through the kernel's vDSO, and " +
		"libfaketime's LD_PRELOAD does not reach it (`faketime -f +365d` leaves `time.Now` unchanged for a static and for a cgo build); " +
		"the CLI has no clock variable. So a clock that was wrong and then corrected — local sync runs, snapshots, safety snapshots and " +
		"backup records from the \"future\" or the \"past\" — is tested in-process by `TestClockCorrected` through the seams the CLI and " +
		"the app pass the time to (`syncer.Engine.Now`, `esp.Config.Now`, `backup.SnapshotOptions.Now`, `backup.SafetyOptions.Now`, " +
		"`reminder.Input.Now`), on a real SQLite file against the built-in server on loopback: the incremental sync after the correction " +
		"converges and a no-change sync fetches nothing; the newest sync run and backup on record are the real newest; no snapshot taken " +
		"with the right clock is pruned for one from the future; a file added after the correction counts as not backed up, and a weekly " +
		"reminder is due 8 days after the last backup. `TestBackupStatusAfterClockCorrected` shows the same through `backup status --json`.\n\n")
	w("```sh\ngo test ./internal/reliability -run 'TestClockSkew|TestClockCorrected|TestBackupStatusAfterClockCorrected'\n```\n\n")
	w("| case | result | files fetched (first / incremental / no change) | edits sent | what the user saw | details |\n|---|---|---|---:|---|---|\n")
	for _, c := range recs {
		res := "✓"
		if !c.OK {
			res = "✗ **fails**"
		}
		files := fmt.Sprintf("%d / %d / %d", c.Counts["files_first_sync"], c.Counts["files_incremental"], c.Counts["files_no_change"])
		edits := fmt.Sprint(c.Counts["edits_sent"])
		if strings.HasSuffix(c.Name, "(in-process)") {
			files = fmt.Sprintf("— / %d / %d", c.Counts["files_incremental"], c.Counts["files_no_change"])
			edits = "—"
		}
		w("| %s | %s | %s | %s | %s | %s |\n", c.Name, res, files, edits, cell(c.Message, 200), cell(c.Detail, 500))
	}
	w("\n")
}

func renderStall(w func(string, ...any), recs []record) {
	w("## 10. Stalled connections\n\n")
	w("`TestStalledConnections` puts the proxy between `stocksync sync --push` and the built-in server and stops ESP answering one " +
		"endpoint: *silent* (the request is read, then nothing at all is sent), *mid_body* (headers and half the body, then nothing) or " +
		"*trickle* (headers, then one byte of the body a second) — at the sign-in, on the batch list, on the file lists after two batches " +
		"were answered, and while local edits are sent after one was. Each case starts from a synced folder with local-only rows, waiting " +
		"edits and a changed file in every batch. The sync must stop with exit 1 and \"ESP stopped answering\" within the promised 60 s " +
		"(docs/cli.md: 40 s without anything back; docs/esp-api.md: a connection silent for 15 s is abandoned and retried, 30 s per " +
		"attempt, 60 s per call), measured from the first held request to the child's exit — the figure below, not a timed assertion but " +
		"the product's promise; a sync still waiting at 120 s is killed. Every batch's files must be either all as before or all as ESP " +
		"has them now, every batch whose file list ESP answered must be up to date, local-only rows byte-identical (edits may be gone only " +
		"if ESP holds them), `PRAGMA integrity_check` ok; then ESP answers again and the next sync must complete, converge and send every " +
		"edit. The cases wait out the real timers side by side, so they run only with `-reliability.long`.\n\n")
	w("```sh\ngo test ./internal/reliability -run TestStalledConnections -reliability.long\n```\n\n")
	w("| case | result | gave up after | requests held | batches kept / updated | message the user saw | details |\n|---|---|---:|---:|---|---|---|\n")
	for _, c := range recs {
		res := "✓"
		if !c.OK {
			res = "✗ **fails**"
		}
		gave := "—"
		if ms, ok := c.Counts["give_up_ms"]; ok {
			gave = secs(ms) + " s"
			if c.Counts["killed"] > 0 {
				gave = "still waiting at " + gave + " (killed)"
			}
		}
		w("| %s | %s | %s | %d | %d / %d | %s | %s |\n", c.Name, res, gave, c.Counts["held_requests"],
			c.Counts["batches_kept"], c.Counts["batches_updated"], cell(c.Message, 160), cell(c.Detail, 400))
	}
	w("\n")
}

// cell is s on one line, clipped, safe inside a table cell.
func cell(s string, n int) string {
	s = strings.ReplaceAll(oneLine(s, n), "|", "\\|")
	if s == "" {
		return "—"
	}
	return s
}
