package main

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// idleTarget is issue 15's goal for the idle app: timer wake-ups per hour
// with the menu closed and nothing due.
const idleTarget = 1.0

// idleFigure is one idle case: the app's timer wake-ups over some hours, as
// counted by core/app's idle tests on the clock seam (every timer a real
// clock would have fired).
type idleFigure struct {
	name    string
	wakeups int
	hours   int
}

// nothingDue says the case has nothing scheduled but the periodic rechecks:
// the cases the ≤ 1 an hour target is about.
func (f idleFigure) nothingDue() bool {
	return strings.Contains(f.name, "no_account") || strings.Contains(f.name, "automatic_sync_off")
}

var (
	idleRun    = regexp.MustCompile(`^=== RUN\s+(\S+)`)
	idleWakeup = regexp.MustCompile(`(\d+) timer wake-ups in (\d+) hours`)
)

// idleTests runs core/app's idle tests (a second or two) and reads the
// figures they log.
func idleTests() ([]idleFigure, error) {
	out, err := exec.Command("go", "test", "-count=1", "-v", "-run",
		"^(TestIdleAppWakesAtMostOncePerHour|TestIdleAppWithADailyReminder)$", "./core/app").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go test ./core/app (idle tests): %v\n%s", err, out)
	}
	return parseIdle(string(out)), nil
}

func parseIdle(out string) []idleFigure {
	var figs []idleFigure
	current := ""
	for _, l := range strings.Split(out, "\n") {
		if m := idleRun.FindStringSubmatch(l); m != nil {
			current = m[1]
			continue
		}
		if m := idleWakeup.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			h, _ := strconv.Atoi(m[2])
			figs = append(figs, idleFigure{name: current, wakeups: n, hours: h})
		}
	}
	return figs
}

// idleSection renders the idle figures and the target.
func idleSection(figs []idleFigure) string {
	if len(figs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## Idle app\n\nTimer wake-ups of the app's controller with the menu closed, counted on the clock seam " +
		"(`core/clock`: every timer a real clock would fire) by core/app's idle tests " +
		"(`go test -run 'TestIdleApp' -v ./core/app`, part of the same command). Relative times are worded when the menu " +
		"opens, and one timer is armed for the next due thing (sync, reminder, recheck).\n\n" +
		"| case | wake-ups | over | per hour |\n|---|---:|---:|---:|\n")
	worst := -1.0
	for _, f := range figs {
		per := float64(f.wakeups) / float64(max(f.hours, 1))
		fmt.Fprintf(&b, "| %s | %d | %d h | %.2f |\n", strings.ReplaceAll(f.name, "_", " "), f.wakeups, f.hours, per)
		if f.nothingDue() && per > worst {
			worst = per
		}
	}
	if worst >= 0 {
		fmt.Fprintf(&b, "\n| target | result |\n|---|---|\n| idle with nothing due ≤ %.0f timer wake-up per hour | %.2f — %s |\n",
			idleTarget, worst, pass(worst <= idleTarget))
	}
	return b.String()
}
