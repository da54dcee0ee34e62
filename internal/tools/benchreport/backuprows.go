package main

import (
	"fmt"
	"strings"
)

// backupTarget is issue 15's goal for BenchmarkSnapshotVerify100k: a
// snapshot of the 100,000-file database and its verification, in seconds.
const backupTarget = 2.0

// backupBenchtime is how often each backup benchmark runs: the figure is
// their mean, so one slow run on a shared machine does not decide it.
const backupBenchtime = "3x"

// backupSection renders the backup benchmarks' output (goBench) and the
// snapshot + verify target.
func backupSection(out string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Backups\n\n`go test -run=^$ -bench=. -benchtime=%s ./core/backup` (part of the same command):\n\n```\n%s\n```\n\n", backupBenchtime, out)
	if ns, ok := benchNsPerOp(out, "BenchmarkSnapshotVerify100k"); ok {
		s := ns / 1e9
		fmt.Fprintf(&b, "| target | result |\n|---|---|\n| snapshot + verify of the 100,000-file database ≤ %.0f s | %.2f s — %s |\n\n", backupTarget, s, pass(s <= backupTarget))
	}
	b.WriteString("See `docs/benchmarks-backup.md` for what each backup benchmark measures.\n")
	return b.String()
}

// benchNsPerOp finds name's ns/op in go test -bench output.
func benchNsPerOp(out, name string) (float64, bool) { return benchMetric(out, name, "ns/op") }
