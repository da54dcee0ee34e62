package main

import (
	"os"

	"github.com/stocksync/stocksync/core/datadir"
)

// EnvCrashAt names a step at which this process kills itself with SIGKILL
// (datadir.CrashPoint: "restore:staged", "switch:recorded",
// "switch:swapped-1", …). Only the reliability tests set it, to prove a
// restore killed at every step leaves a folder the next command repairs.
const EnvCrashAt = "STOCKSYNC_TEST_CRASH_AT"

// installCrashPoint sets datadir.CrashHook from EnvCrashAt; main calls it
// before it runs a command. Unset, it does nothing.
func installCrashPoint() {
	step := os.Getenv(EnvCrashAt)
	if step == "" {
		return
	}
	datadir.CrashHook = func(s string) {
		if s == step {
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Kill() // SIGKILL on unix, TerminateProcess on windows
			}
		}
	}
}
