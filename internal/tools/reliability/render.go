package main

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
)

// endpoints and faults in the order the matrix shows them.
var (
	endpoints = []string{"token", "batches.list", "contributions.list", "contributions.get", "contributions.update", "thumbnail"}
	faults    = []string{"500", "503", "429", "reset", "timeout", "truncated", "malformed_json", "wrong_types", "empty_body", "html",
		"token_expired", "401", "403"}
	faultText = map[string]string{
		"500": "500 with a JSON error", "503": "503 with Retry-After: 1", "429": "429 with Retry-After: 1",
		"reset": "connection reset (TCP RST)", "timeout": "no answer for 1.5 s, then dropped", "truncated": "body breaks off halfway",
		"malformed_json": "200, body not JSON", "wrong_types": "200, ids as booleans, counts as strings", "empty_body": "200, empty body",
		"html": "502 with a proxy's HTML page", "token_expired": "all tokens expire mid-run, then 401", "401": "401 (token refused)",
		"403": "403 (no rights)",
	}
)

func render(r *report) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	byGroup := map[string][]record{}
	for _, rec := range r.records {
		byGroup[rec.Group] = append(byGroup[rec.Group], rec)
	}
	w("# Reliability and security\n\n")
	w("Users keep irreplaceable work in Stocksync, so its claims are tested the hard way: the real `stocksync` binary as child processes, ")
	w("real SIGKILLs, real SQLite files, real tmpfs mounts and real loopback HTTP against the built-in ESP server (`core/esp/espfake`), ")
	w("with a proxy in front of it for the faults and hostile data it cannot produce itself. The tests live in `internal/reliability` ")
	w("(test files only); this page is written by one command, from the repository root:\n\n")
	w("```sh\nmake reliability   # go run ./internal/tools/reliability -out docs/RELIABILITY.md\n```\n\n")
	w("Latest run: %s, commit `%s`, %s/%s, %d CPUs, %s; took %s. Flags: %d crash trials from seed %d, %s matrix, long cases %v, %s per fuzz target.\n\n",
		r.started.UTC().Format("2006-01-02 15:04 MST"), r.commit, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), strings.TrimPrefix(r.goVer, "go version "),
		r.took.Round(1e9), r.params.trials, r.params.seed, r.params.matrix, r.params.long, r.params.fuzzTime)

	// Summary.
	w("## Summary\n\n| test | what it proves | latest figures | failures |\n|---|---|---|---:|\n")
	crash := byGroup["crash"]
	cTrials, cKilled, cFail := 0, 0, 0
	for _, c := range crash {
		if c.Seed == 0 && c.Counts == nil {
			continue // a pending note
		}
		cTrials++
		cKilled += c.Counts["killed"]
		if !c.OK {
			cFail++
		}
	}
	w("| [Crash](#1-crash-test) `TestCrash` | SIGKILL at random moments never damages the database or a local-only row; the next run converges exactly | %d trials, %d killed mid-run | %d |\n",
		cTrials, cKilled, cFail)
	matrix := byGroup["matrix"]
	mFail := countFail(matrix)
	w("| [Fault matrix](#2-fault-matrix) `TestFaultMatrix` | every endpoint × fault completes or stops with a message naming both; nothing local lost | %d cells (%d endpoints × %d faults × 2) | %d |\n",
		len(matrix), len(endpoints), len(faults), mFail)
	var execs int64
	fFail := 0
	for _, f := range r.fuzz {
		execs += f.execs
		if !f.ok {
			fFail++
		}
	}
	w("| [Fuzzing](#3-fuzzing) | no server answer or file crashes a decoder or breaks its guarantees | %d targets, %s execs | %d |\n", len(r.fuzz), comma(execs), fFail)
	for _, g := range []struct{ group, anchor, title, test, proves string }{
		{"hostile", "4-hostile-server-data", "Hostile data", "TestHostileServerData", "nothing written outside the data folder; limits enforced with clear errors; memory bounded"},
		{"disk", "5-disk-trouble", "Disk trouble", "TestDiskTrouble", "full, read-only or vanished folders: clear error, no partial snapshot, no damaged database"},
		{"concurrency", "6-concurrency", "Concurrency", "TestConcurrentProcesses, TestRacingSyncs", "processes side by side never see \"database is locked\"; a second sync is refused"},
		{"secrets", "7-secrets", "Secrets", "TestSecretsNeverWritten, TestTLSChecksNeverDisabled", "no password, secret or token in files, snapshots, logs, output or argv; TLS checks on"},
	} {
		recs := byGroup[g.group]
		w("| [%s](#%s) `%s` | %s | %d cases | %d |\n", g.title, g.anchor, g.test, g.proves, len(recs), countFail(recs))
	}
	summaryClockStall(w, byGroup["clock"], byGroup["stall"])
	w("| [Race detector](#8-race-detector-and-ci) | the fast subset and every other test run with `-race` in CI | %s | %s |\n\n", fastFigure(r.fast), fastFailures(r.fast))

	renderFindings(w, r)
	renderCrash(w, r, crash)
	renderMatrix(w, matrix)
	renderFuzz(w, r)
	renderCases(w, "4. Hostile server data", "TestHostileServerData",
		"The proxy rewrites the server's JSON: file and batch IDs, file names, titles, keywords and thumbnail URLs become path-like (`../`, absolute, `%2e%2e`), "+
			"NUL-bearing, 100 KB to 1 MB long, invalid UTF-8 or odd Unicode (RTL override, lone surrogates, BOM); thumbnails become HTML pages or 9 MB; "+
			"lists become 40 MB. After `sync`, `thumbnails --wait`, `list files --json` and `status`: no file appeared anywhere in the sandbox outside the data folder "+
			"(home, TMPDIR and working directory included), the data folder holds only its known names (thumbnails under hashed names), "+
			"`PRAGMA integrity_check` is ok, no command panicked or failed without a message, and the children's peak memory (VmHWM) stayed under 512 MB.",
		"go test ./internal/reliability -run TestHostileServerData -reliability.long", byGroup["hostile"], "peak_rss_mb", "peak memory (MB)")
	renderCases(w, "5. Disk trouble", "TestDiskTrouble",
		"Real tmpfs mounts (the test skips, saying why, where mounting is not permitted). The data folder: 1.5 MB full while a sync writes several MB and "+
			"thumbnails download, then given room; remounted read-only under `sync`, `edit` and `status`; deleted while a sync runs. The backup destination: "+
			"256 KB full, read-only, and deleted as soon as the snapshot's temporary folder appears. Each must fail with a message that says what happened, "+
			"leave no snapshot folder behind, keep `PRAGMA integrity_check` ok and every local-only row byte-identical. "+
			"Then the data folder's own faults (issue 12): an empty, foreign or damaged database under every command; a read-only folder under `list`, "+
			"`backup status` and `backup --to`; a restore SIGKILLed at each step (before the switch, recorded, between database and settings, after) "+
			"and a writer SIGKILLed while its rollback journal exists, followed by each command; bad arguments, links, leftovers and a snapshot missing files.",
		"go test ./internal/reliability -run 'TestDiskTrouble|TestDamagedOrForeign|TestReadOnlyDataFolder|TestRestoreKilled|TestHotJournal|TestBadArguments|TestRestoreWithMissing'", byGroup["disk"], "", "")
	renderCases(w, "6. Concurrency", "TestConcurrentProcesses, TestRacingSyncs",
		"A `stocksync sync` (with its detached thumbnail downloader) runs while three more processes loop on `status --json`, `list files --json`, "+
			"`edit` and `backup`; all must exit 0 and none may print \"database is locked\"; the snapshots verify and the next sync converges. "+
			"Two syncs started within 0–20 ms of each other, repeatedly: exactly one runs, the other exits 4 naming what holds the lock.",
		"go test ./internal/reliability -run 'TestConcurrentProcesses|TestRacingSyncs'", byGroup["concurrency"], "", "")
	renderSecrets(w, byGroup["secrets"])
	renderRace(w, r)
	renderClock(w, byGroup["clock"])
	renderStall(w, byGroup["stall"])
	renderTests(w, r)
	return b.String()
}

func renderFindings(w func(string, ...any), r *report) {
	w("## Findings\n\nBugs the campaign found in other packages, each with a regression test in `internal/reliability` that fails while the bug is there.\n\n")
	w("| # | bug | where | regression test | status |\n|---:|---|---|---|---|\n")
	for i, f := range findings {
		status := "open — " + f.fix
		if t, ok := r.subtests[f.test]; ok && t.outcome == "PASS" {
			status = "**passes** — " + f.fix
		} else if ok && t.outcome == "FAIL" {
			status = "**fails** — suggested fix: " + f.fix
		}
		w("| %d | %s | `%s` | `%s` | %s |\n", i+1, f.what, f.where, f.test, status)
	}
	w("\nSmaller observations (no failing test):\n\n")
	for _, m := range minor {
		w("- %s\n", m)
	}
	w("\n")
}

func renderCrash(w func(string, ...any), r *report, recs []record) {
	w("## 1. Crash test\n\n")
	w("`TestCrash` builds the real binary once, then for each trial generates a portfolio from the trial's seed (40 batches of 10–40 files, 4 ms of added latency), " +
		"adds local-only rows through the store (pending uploads, local paths and edits with odd Unicode, quotes and newlines), and runs one command as a child process, " +
		"killing its whole process group with SIGKILL after a seeded random delay within the command's measured duration. Trials cycle through: " +
		"the initial sync; an incremental sync after a busy day on ESP (reviews, edits, added and removed batches); `sync --push` with 40 local edits; " +
		"`thumbnails --wait`; `sync` together with the detached thumbnail downloader it starts (killed too, at its own random moment); and " +
		"`backup --with-thumbnails`, half the time with a previous snapshot to hard-link from. After each kill: `PRAGMA integrity_check` and " +
		"`foreign_key_check` are clean; every local-only row is byte-identical (an edit may instead be gone only if ESP holds exactly its values); " +
		"every thumbnail under its real name decodes whole, and every one the database calls done exists; every snapshot folder verifies. Then " +
		"the next `sync` converges exactly to the server (batches, files, statuses, titles, keywords, reviews, updated_at), a push leaves no edit unsent, " +
		"`thumbnails --wait` downloads every thumbnail of a file still on ESP, a new backup succeeds, and `stocksync check` finds no error.\n\n")
	w("```sh\ngo test ./internal/reliability -run TestCrash -reliability.trials=%d -reliability.seed=%d -reliability.long\n```\n\n", r.params.trials, r.params.seed)
	type agg struct{ trials, killed, fail, thumbTemps, thumbTempsAfter, destTemps int }
	byKind := map[string]*agg{}
	var kinds []string
	var pending []string
	var failures []record
	for _, c := range recs {
		if c.Counts == nil {
			pending = append(pending, c.Name+": "+c.Detail)
			continue
		}
		a := byKind[c.Name]
		if a == nil {
			a = &agg{}
			byKind[c.Name] = a
			kinds = append(kinds, c.Name)
		}
		a.trials++
		a.killed += c.Counts["killed"]
		a.thumbTemps += c.Counts["thumb_temps"]
		a.thumbTempsAfter += c.Counts["thumb_temps_after"]
		a.destTemps += c.Counts["dest_temps_after"]
		if !c.OK {
			a.fail++
			failures = append(failures, c)
		}
	}
	w("| killed during | trials | killed mid-run | finished before the kill | failures | temp files left in thumbnails/ (after the next run) | temp folders left in the backup destination |\n|---|---:|---:|---:|---:|---:|---:|\n")
	var tot agg
	for _, k := range kinds {
		a := byKind[k]
		w("| %s | %d | %d | %d | %d | %d | %d |\n", k, a.trials, a.killed, a.trials-a.killed, a.fail, a.thumbTempsAfter, a.destTemps)
		tot.trials += a.trials
		tot.killed += a.killed
		tot.fail += a.fail
		tot.thumbTempsAfter += a.thumbTempsAfter
		tot.destTemps += a.destTemps
	}
	w("| **all** | **%d** | **%d** | %d | **%d** | %d | %d |\n\n", tot.trials, tot.killed, tot.trials-tot.killed, tot.fail, tot.thumbTempsAfter, tot.destTemps)
	for _, p := range pending {
		w("Pending: %s\n\n", p)
	}
	if len(failures) > 0 {
		w("Failed trials (reproduce with the seed):\n\n")
		for _, f := range failures {
			w("- seed %d, %s: %s\n", f.Seed, f.Name, oneLine(f.Detail, 600))
		}
		w("\n")
	}
}

func renderMatrix(w func(string, ...any), recs []record) {
	w("## 2. Fault matrix\n\n")
	w("`TestFaultMatrix` injects each fault into each endpoint `stocksync sync --push` and `stocksync thumbnails --wait` use, once *transient* " +
		"(the first two matching requests; one for the two kinds of refused token, since the client fetches a fresh token once by design) and once " +
		"*persistent* (every matching request). The ten kinds the built-in server injects come from `espfake.Fault`; empty bodies, 401 and 403 come from " +
		"the proxy. Each cell starts from a synced folder with local-only rows and waiting edits and a few changed batches on ESP. The run must either " +
		"complete or stop with exit 1 or 3 and a message (the command's own output: its last line and the JSON result's error and failures) that " +
		"names the endpoint and the cause; the database stays sound; local-only rows stay byte-identical (edits may be gone only if ESP holds them); " +
		"no thumbnail is half-written and no temporary file is left. Then the fault is removed and the next run must converge, send every edit, and " +
		"download every thumbnail the fault had only delayed. *timeout* here is the server holding a request without answering and then dropping " +
		"it; the client's own 30-second timeout is tested in `core/esp` (`TestPerRequestTimeout`). *wrong_types* rewrites ids and counts, which " +
		"token and thumbnail answers do not have, so there it changes nothing and the run completes.\n\n")
	w("```sh\ngo test ./internal/reliability -run TestFaultMatrix -reliability.matrix=full\n```\n\n")
	w("T = transient, P = persistent. *completed*: the run finished (retries got past the fault); *stopped*: it stopped with a message naming the endpoint and cause; " +
		"*left*: thumbnails were left queued or failed, with the command's message. ✗ marks a failed cell (details below).\n\n")
	cells := map[string]record{}
	for _, c := range recs {
		cells[c.Endpoint+"|"+c.Fault+"|"+c.Mode] = c
	}
	w("| fault | %s |\n|---|%s\n", strings.Join(endpoints, " | "), strings.Repeat("---|", len(endpoints)))
	for _, f := range faults {
		var row []string
		for _, ep := range endpoints {
			var parts []string
			for _, mode := range []string{"transient", "persistent"} {
				c, ok := cells[ep+"|"+f+"|"+mode]
				if !ok {
					continue
				}
				mark := "✓"
				if !c.OK {
					mark = "✗"
				}
				out := strings.TrimPrefix(c.Outcome, "left undownloaded")
				if c.Outcome == "left undownloaded" {
					out = "left"
				}
				if out == "" {
					out = "—"
				}
				parts = append(parts, fmt.Sprintf("%s %s %s", strings.ToUpper(mode[:1]), out, mark))
			}
			row = append(row, strings.Join(parts, "<br>"))
		}
		w("| %s<br><sub>%s</sub> | %s |\n", f, faultText[f], strings.Join(row, " | "))
	}
	w("\n")
	var failed []record
	for _, c := range recs {
		if !c.OK {
			failed = append(failed, c)
		}
	}
	sort.Slice(failed, func(i, j int) bool { return failed[i].Name < failed[j].Name })
	if len(failed) > 0 {
		w("Failed cells:\n\n")
		for _, c := range failed {
			w("- `%s`: %s. The user saw: %q\n", c.Name, oneLine(c.Detail, 400), oneLine(c.Message, 300))
		}
		w("\n")
	}
	w("<details><summary>What the user saw when a persistent fault stopped the run</summary>\n\n| cell | exit | message |\n|---|---:|---|\n")
	var stopped []record
	for _, c := range recs {
		if c.Mode == "persistent" && c.Outcome != "completed" {
			stopped = append(stopped, c)
		}
	}
	sort.Slice(stopped, func(i, j int) bool { return stopped[i].Name < stopped[j].Name })
	for _, c := range stopped {
		w("| `%s` | %d | %s |\n", c.Name, c.Exit, strings.ReplaceAll(oneLine(c.Message, 300), "|", "\\|"))
	}
	w("\n</details>\n\n")
}

func renderFuzz(w func(string, ...any), r *report) {
	w("## 3. Fuzzing\n\n")
	w("Every `func FuzzXxx(f *testing.F)` in the module, found by the tool and run for %s each with:\n\n", r.params.fuzzTime)
	w("```sh\ngo test -run='^$' -fuzz='^FuzzName$' -fuzztime=%s ./package\n```\n\n", r.params.fuzzTime)
	w("Seed corpora are committed under each package's `testdata/fuzz/<FuzzName>/` and run as ordinary tests in `make test`. " +
		"`core/esp` fuzzes each decoder of server data directly; `internal/reliability` fuzzes whole HTTP answers (any status and body as the " +
		"answer to each client call, the token response included, through the real client on loopback) and thumbnail bodies through the real " +
		"downloader into a real folder; `core/filemeta` fuzzes `stocksync add`'s metadata extraction (whole files, XMP, IPTC-IIM).\n\n")
	w("| package | target | execs | corpus growth | result |\n|---|---|---:|---|---|\n")
	for _, f := range r.fuzz {
		res := "no crash"
		if !f.ok {
			res = "**finding**: " + oneLine(f.finding, 300)
		}
		w("| `%s` | `%s` | %s | %s | %s |\n", strings.TrimPrefix(f.pkg, "github.com/stocksync/stocksync/"), f.name, comma(f.execs), f.interesting, res)
	}
	if len(r.fuzz) == 0 {
		w("| — | — | — | — | skipped (-fuzztime=0) |\n")
	}
	crashed := 0
	for _, f := range r.fuzz {
		if !f.ok {
			crashed++
		}
	}
	if crashed == 0 {
		w("\nFindings by fuzzing in this campaign: none crashed; the bugs fuzzing is after (unbounded pages, saved damaged images) were found by the hostile-data and fault tests above, and each now has a regression test.\n\n")
	} else {
		w("\n**%d target(s) failed in this run**: the failing input is in the package's testdata/fuzz folder; reproduce it with `go test -run=FuzzName/<input> ./package`, fix, and keep the input as a regression seed.\n\n", crashed)
	}
}

func renderCases(w func(string, ...any), title, tests, intro, cmd string, recs []record, countKey, countTitle string) {
	w("## %s\n\n%s\n\n```sh\n%s\n```\n\n", title, intro, cmd)
	if countKey != "" {
		w("| case | result | %s | details |\n|---|---|---:|---|\n", countTitle)
	} else {
		w("| case | result | message the user saw | details |\n|---|---|---|---|\n")
	}
	for _, c := range recs {
		res := "✓"
		if !c.OK {
			res = "✗ **fails**"
		}
		if strings.HasPrefix(c.Detail, "skipped") {
			res = "skipped"
		}
		third := strings.ReplaceAll(oneLine(c.Message, 250), "|", "\\|")
		if countKey != "" {
			third = fmt.Sprint(c.Counts[countKey])
		}
		detail := strings.ReplaceAll(oneLine(c.Detail, 400), "|", "\\|")
		if len(c.Counts) > 0 && countKey == "" {
			detail = strings.TrimPrefix(detail+"; "+countsText(c.Counts), "; ")
		}
		w("| %s | %s | %s | %s |\n", c.Name, res, third, detail)
	}
	w("\n")
}

func renderSecrets(w func(string, ...any), recs []record) {
	w("## 7. Secrets\n\n")
	w("`TestSecretsNeverWritten` gives the built-in server a random password and API secret and a 2-second token lifetime, then runs `login --debug`, " +
		"`sync --json --debug` (with its detached thumbnail downloader), `thumbnails --wait`, `edit`, a `sync --push --debug` after the tokens expired " +
		"(so refresh tokens are used), `backup --with-thumbnails`, `backup list`, `status` and `list files --json`. The proxy records every access and " +
		"refresh token handed out. Every file under the sandbox (data folder, snapshots, home with its log folder, TMPDIR, working directory), every " +
		"run's output (the `--debug` request log included) and the command line of every stocksync process while it ran (read from /proc/PID/cmdline " +
		"every 2 ms) are searched for the password, the API secret and each token, raw, URL-encoded and base64-encoded. The `--debug` log must show " +
		"`Authorization=[redacted]`, and no token or API key may be sent to the thumbnail host. A second case makes the server echo the request's " +
		"headers in its error messages. `TestTLSChecksNeverDisabled`: `esp.New` refuses a transport with `InsecureSkipVerify`, a server with a " +
		"self-signed certificate is refused, and no non-test Go file in the repository sets `InsecureSkipVerify: true`. (The credentials reach the " +
		"process through STOCKSYNC_ESP_* variables where no keychain exists, which is their documented channel; /proc/PID/environ is readable only by " +
		"the same user and is not scanned.)\n\n")
	w("```sh\ngo test ./internal/reliability -run 'TestSecretsNeverWritten|TestTLSChecksNeverDisabled'\n```\n\n")
	w("| case | result | scanned | found |\n|---|---|---|---|\n")
	for _, c := range recs {
		res := "✓"
		if !c.OK {
			res = "✗ **fails**"
		}
		found := "nothing"
		if c.Detail != "" {
			found = oneLine(c.Detail, 400)
		}
		w("| %s | %s | %s | %s |\n", c.Name, res, countsText(c.Counts), found)
	}
	w("\n")
}

func renderRace(w func(string, ...any), r *report) {
	w("## 8. Race detector and CI\n\n")
	w("CI (`.ci/run`) runs `make test`, which is `go test -race -count=1 ./...`: every test in the repository, this package's fast subset included, " +
		"runs under the race detector on every change. The fast subset is 5 crash trials (one of each kind but snapshots), a thin fault matrix " +
		"(13 cells: every fault, endpoint and mode at least once), the hostile-data cases that need no gigabytes, every disk case, both concurrency " +
		"tests, the secrets scan, the clock-skew cases, the regression tests and the fuzz seed corpora (the stalled-connection cases, which wait out the real 40-second stop, run only in the long run). The children are built once per test binary without `-race`, " +
		"so what is timed and killed is the real program.\n\n")
	w("```sh\ngo test -race -count=1 ./internal/reliability\n```\n\n")
	if r.fast != nil {
		w("Latest: %s in %.0f s", okText(r.fast.ok), r.fast.seconds)
		if l := leaves(r.fast.failed); len(l) > 0 {
			w(" — failing: `%s`", strings.Join(l, "`, `"))
		}
		w(".\n\n")
	}
}

func renderTests(w func(string, ...any), r *report) {
	w("## Test run\n\nThe long run's top-level tests:\n\n| test | result | time |\n|---|---|---:|\n")
	for _, t := range r.tests {
		w("| `%s` | %s | %.0f s |\n", t.name, t.outcome, t.seconds)
	}
	w("\n")
}

func countFail(recs []record) int {
	n := 0
	for _, r := range recs {
		if !r.OK {
			n++
		}
	}
	return n
}

func fastFigure(f *fastResult) string {
	if f == nil {
		return "not timed in this run"
	}
	return fmt.Sprintf("fast subset %.0f s under -race", f.seconds)
}

func fastFailures(f *fastResult) string {
	if f == nil {
		return "—"
	}
	return fmt.Sprint(len(leaves(f.failed)))
}

// leaves drops failed tests whose subtests failed (they fail because of them).
func leaves(names []string) []string {
	var out []string
	for _, n := range names {
		parent := false
		for _, m := range names {
			parent = parent || strings.HasPrefix(m, n+"/")
		}
		if !parent {
			out = append(out, n)
		}
	}
	return out
}

func countsText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %s", strings.ReplaceAll(k, "_", " "), comma(int64(m[k]))))
	}
	return strings.Join(parts, ", ")
}

func oneLine(s string, n int) string {
	s = strings.ToValidUTF8(strings.Join(strings.Fields(s), " "), "�")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

func comma(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
