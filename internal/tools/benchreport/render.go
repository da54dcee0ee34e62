package main

import (
	"fmt"
	"math"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func render(p params, ms []measurement, big, naive *measurement, thumbRate float64, thumbDone int, backup, storeBench, throttle string, idle []idleFigure, warmProfile string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Benchmarks\n\n")
	w("Every figure on this page comes from one command, run from the repository root:\n\n")
	w("```sh\nmake bench    # go run ./internal/tools/benchreport -out docs/BENCHMARKS.md  (about 25 minutes)\n```\n\n")
	w("It starts the built-in ESP server (`core/esp/espfake`) with **%s batches × %d files = %s files** and **%s added latency per request**, "+
		"and runs the real `stocksync sync` binary as a child process against it over loopback, with at most **%d requests in flight**. "+
		"The server serves ESP's web API and the child signs in as the product does by default, with a browser session "+
		"(in `STOCKSYNC_ESP_SESSION`): no token round trip. "+
		"Wall time and peak memory (max RSS) are the child's. The *floor* is requests × latency ÷ %d: the time the requests alone take "+
		"at full concurrency, which no client can beat.\n\n",
		comma(p.batches), p.files, comma(p.batches*p.files), p.latency, p.inflight, p.inflight)
	w("Measured %s on %s/%s, %d CPUs, %s.\n\n", time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), goVersion())
	w("## Sync\n\n")
	w("| run | requests | wall | floor | wall ÷ floor | files written | files/s | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, m := range ms {
		fl := m.floor(p.latency, p.inflight)
		rss := "— (in process)"
		if m.peakRSS > 0 {
			rss = fmt.Sprintf("%.0f MB", float64(m.peakRSS)/(1<<20))
		}
		name := m.name
		if m.runs > 1 {
			name += fmt.Sprintf(" — median of %d runs", m.runs)
		}
		w("| %s | %s | %s | %s | %.2f | %s | %s | %s |\n", name, comma(int(m.requests)), dur(m.wall), dur(fl), ratio(m.wall, fl),
			comma(m.files), comma(int(float64(m.files)/m.wall.Seconds())), rss)
	}
	if big != nil {
		fl := big.floor(p.latency, p.inflight)
		w("| %s | %s | %s | %s | %.2f | %s | %s | %.0f MB |\n", big.name, comma(int(big.requests)), dur(big.wall), dur(fl), ratio(big.wall, fl),
			comma(big.files), comma(int(float64(big.files)/big.wall.Seconds())), float64(big.peakRSS)/(1<<20))
	}
	if naive != nil {
		w("| %s (1 in flight, pages of %d, contributions paged) | %s | %s | %s | %.2f | %s | %s | — |\n", naive.name, naivePageSize, comma(int(naive.requests)), dur(naive.wall),
			dur(time.Duration(naive.requests)*p.latency), ratio(naive.wall, time.Duration(naive.requests)*p.latency), comma(naive.files),
			comma(int(float64(naive.files)/naive.wall.Seconds())))
	}
	initial, nochange, warm := ms[0], ms[1], ms[2]
	pages := int(math.Ceil(float64(p.batches) / 100))
	w("\n### Targets\n\n| target | result |\n|---|---|\n")
	ir := ratio(initial.wall, initial.floor(p.latency, p.inflight))
	w("| initial sync ≤ 1.15 × floor | %.2f × — %s |\n", ir, pass(ir <= 1.15))
	if big != nil {
		br := ratio(big.wall, big.floor(p.latency, p.inflight))
		w("| initial sync, %s files, ≤ 1.15 × floor | %.2f × — %s |\n", comma(big.files), br, pass(br <= 1.15))
		w("| initial sync, %s files, peak memory ≤ 150 MB | %.0f MB — %s |\n", comma(big.files), float64(big.peakRSS)/(1<<20), pass(big.peakRSS <= 150<<20))
	}
	w("| no-change sync ≤ ⌈batches ÷ page size⌉ + 1 = %d requests | %d — %s |\n", pages+1, nochange.requests, pass(nochange.requests <= int64(pages+1)))
	nr := ratio(nochange.wall, nochange.floor(p.latency, p.inflight))
	w("| no-change sync ≤ 1.5 × floor, CLI (new process, session sign-in) | %.2f × — %s |\n", nr, pass(nr <= 1.5))
	wr := ratio(warm.wall, warm.floor(p.latency, p.inflight))
	w("| no-change sync ≤ 1.3 × floor, app (warm client) | %.2f × — %s |\n", wr, pass(wr <= 1.3))
	thumbFloor := float64(p.inflight) / p.latency.Seconds()
	w("| thumbnails ≥ 0.95 × floor | %.2f × (%.0f/s of %.0f/s) — %s |\n", thumbRate/thumbFloor, thumbRate, thumbFloor, pass(thumbRate/thumbFloor >= 0.95))
	if fps, ok := benchMetric(storeBench, "BenchmarkWriteBatchFiles", "files/s"); ok {
		w("| store writer ≥ 40,000 files/s (`BenchmarkWriteBatchFiles`) | %s files/s — %s |\n", comma(int(fps)), pass(fps >= 40000))
	}
	peak := int64(0)
	for _, m := range ms {
		peak = max(peak, m.peakRSS)
	}
	w("| peak memory ≤ 150 MB | %.0f MB — %s |\n", float64(peak)/(1<<20), pass(peak <= 150<<20))
	if naive != nil {
		sp := ratio(naive.wall, initial.wall)
		w("| initial sync ≥ 20 × faster than naive | %.1f × — %s |\n", sp, pass(sp >= 20))
	}
	w("%s", readingTargets)
	w("\n### Where the time goes\n\nThe database side of a sync, on its own: one batch of 50 new files written in one transaction "+
		"(`go test -run=^$ -bench=. -benchtime=300x ./core/store`, part of the same command), then the top of its CPU profile "+
		"(the store's and SQLite's lines). Server data commits without an fsync per transaction (WAL, synchronous=NORMAL; "+
		"see docs/architecture.md):\n\n```\n%s\n```\n", storeBench)
	if warmProfile != "" {
		w("\nThe no-change sync as the app runs it, profiled over repeated runs in one process (`-warm-profile`; the built-in "+
			"server's lines are its cost on the same 2 cores). Over three round trips of 50 ms, what is left is CPU: "+
			"decoding the pages, the server rendering them, comparing the list with the stored batches, recording the run:\n\n```\n%s\n```\n", warmProfile)
	}
	w("\n## Thumbnails\n\n")
	w("The background downloader, %d workers, same server and latency, measured for %d s: **%.0f thumbnails/s** (%s downloaded); "+
		"the floor is %d ÷ %s = %.0f/s.\n\n", p.inflight, p.thumbSeconds, thumbRate, comma(thumbDone), p.inflight, p.latency,
		float64(p.inflight)/p.latency.Seconds())
	w("%s", backupSection(backup))
	w("\n%s", throttleSection(throttle))
	if s := idleSection(idle); s != "" {
		w("\n%s", s)
	}
	return b.String()
}

// benchMetric reads one metric of one benchmark from go test -bench output.
func benchMetric(out, bench, unit string) (float64, bool) {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) == 0 || !strings.HasPrefix(f[0], bench+"-") && f[0] != bench {
			continue
		}
		for i := 1; i+1 < len(f); i++ {
			if f[i+1] == unit {
				v, err := strconv.ParseFloat(f[i], 64)
				return v, err == nil
			}
		}
	}
	return 0, false
}

func pass(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**missed**"
}

func dur(d time.Duration) string {
	if d >= 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func comma(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func goVersion() string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out))
}

// readingTargets explains the targets the figures miss on this rig.
const readingTargets = `
### Reading the targets

Absolute figures on a 2-core machine shared with other work are noisy; the ratios above come from one run, side by
side. Each figure's "met" or "missed" is computed by benchreport from that run.

- **Store writer** (` + "`BenchmarkWriteBatchFiles`" + `, one 50-file batch per transaction, each file with ESP's raw
  JSON, a review, a review event and a thumbnail job): the writer is set-wise (multi-row ` + "`INSERT … ON CONFLICT`" + `
  statements parsed once per database, reviews deleted and inserted per 64 files, no per-file read-back, buffers
  reused). Schema 5 writes a file into 8 B-trees instead of 12 (indexes no query used are gone), keeps of a file's
  raw JSON only the members its columns cannot reproduce exactly (` + "`store.ContributionRaw`" + ` rebuilds the whole
  object), and copies the WAL into the database in the background every 8 sync commits. What is left in the profile
  below is SQLite's inserts, the driver binding each value, and the commit's WAL writes. A sync writes the batches that
  arrived during a commit in one transaction (` + "`WriteBatches`" + `; ` + "`BenchmarkWriteBatchesGrouped`" + ` measures 8 × 50 files).
- **Initial sync** is bound by CPU, not by the network: the CLI (JSON decoding and the writer) and the built-in server
  (in the benchmark's own process) share the 2 cores.
- **No-change sync**: both runs sign in with a session, as the product does by default, so there is no token round
  trip, and each row is the median of several runs (one run is a few hundred ms on a shared machine). The batch
  list's pages all go out at once, sized from the count the last sync listed, while the run's start is recorded; the
  floor spreads its 20 requests over 8 slots, but 20 requests in 8 slots take three round trips (150 ms at 50 ms
  latency, 1.2 × the floor), so no client gets below 1.2 here. What is left is CPU on the 2 cores the client shares
  with the built-in server: each page is read whole, its request slot freed, then decoded in one pass (the
  ` + "`jsontext`" + ` tokenizer of encoding/json/v2, each member straight into its field); the server answers from cached
  sort orders and pre-encoded items; the stored batches are read while the list is on the network (from ESP's first
  answer) and, if no batch changed meanwhile (schema 6's generation), the list is compared with that read, byte for
  byte, so after the last page only the comparison (about 1 ms for 2,000 batches) and the run's record are left.
  The CLI adds the process start and the database open: SQLite's quick_check (about 0.3 s on this database) runs only
  when the database was not closed cleanly, was changed or replaced since, or was last checked a day ago
  (` + "`store.Open`" + `).
- **Thumbnails**: the queue is read ahead while downloads run, and each image is fsynced once (no folder fsync: a
  lost rename is queued again by the next downloader). Each image is checked by its structure (JPEG segments and
  tables to EOI, PNG chunk CRCs to IEND, GIF blocks and frames to the trailer), not decoded to pixels; a download
  holds a request slot only while it fetches, so checking and saving overlap the next download, and the client keeps
  2 × 8 idle connections per host.
`
