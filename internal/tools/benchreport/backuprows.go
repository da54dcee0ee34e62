package main

import (
	"fmt"
	"strconv"
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
func benchNsPerOp(out, name string) (float64, bool) {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || (f[0] != name && !strings.HasPrefix(f[0], name+"-")) {
			continue
		}
		for i := 2; i < len(f); i++ {
			if f[i] == "ns/op" {
				v, err := strconv.ParseFloat(f[i-1], 64)
				return v, err == nil
			}
		}
	}
	return 0, false
}
