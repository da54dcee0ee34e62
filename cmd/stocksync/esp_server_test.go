package main

import (
	"strings"
	"testing"
)

// issue #12 item 14: every size flag of esp-server is bounded, and the
// message names the limit (--batches 100000000 used to exhaust memory).
func TestESPServerSizeFlagsBounded(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--batches", "100000000"}, "limit of 100000"},
		{[]string{"--batches", "-3"}, "0 or more"},
		{[]string{"--files-per-batch", "101"}, "limit of 100 files per batch"},
		{[]string{"--mode", "partner", "--files-per-batch", "20000"}, "limit of 10000"},
		{[]string{"--batches", "100000", "--files-per-batch", "100"}, "limit of 2000000 files"},
		{[]string{"--batch-page-cap", "0"}, "at least 1"},
		{[]string{"--contribution-page-cap", "1000000"}, "at most 10000"},
		{[]string{"--latency", "5m"}, "0..1m"},
		{[]string{"--throttle-qps", "-1"}, "negative"},
		{[]string{"--mode", "soap"}, "web or partner"},
		{[]string{"--throttle-style", "418"}, "403, 429 or mixed"},
		{[]string{"--addr", "0.0.0.0:0"}, "loopback"},
	} {
		_, errs, code := runCLIIn(t, "", append([]string{"esp-server"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, %q; want %d with %q", tt.args, code, errs, exitUsage, tt.want)
		}
	}
}
