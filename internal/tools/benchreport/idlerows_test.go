package main

import (
	"strings"
	"testing"
)

func TestIdleSection(t *testing.T) {
	out := `=== RUN   TestIdleAppWakesAtMostOncePerHour
=== RUN   TestIdleAppWakesAtMostOncePerHour/no_account
    idle_test.go:41: 4 timer wake-ups in 24 hours
=== RUN   TestIdleAppWakesAtMostOncePerHour/automatic_sync_off
    idle_test.go:41: 30 timer wake-ups in 24 hours
=== RUN   TestIdleAppWakesAtMostOncePerHour/hourly_sync
    idle_test.go:41: 28 timer wake-ups in 24 hours
=== RUN   TestIdleAppWithADailyReminder
    idle_test.go:70: 10 timer wake-ups in 48 hours; notifications ["x"]
`
	figs := parseIdle(out)
	if len(figs) != 4 || figs[1].wakeups != 30 || figs[3].hours != 48 || figs[3].name != "TestIdleAppWithADailyReminder" {
		t.Fatalf("parsed %+v", figs)
	}
	s := idleSection(figs)
	if !strings.Contains(s, "| idle with nothing due ≤ 1 timer wake-up per hour | 1.25 — **missed** |") {
		t.Errorf("missed row (the worst nothing-due case decides):\n%s", s)
	}
	figs[1].wakeups = 4
	if s := idleSection(figs); !strings.Contains(s, "| 0.17 — **met** |") {
		t.Errorf("met row:\n%s", s)
	}
	if idleSection(nil) != "" {
		t.Error("a section without figures")
	}
}
