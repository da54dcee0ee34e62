package main

import (
	"net"
	"strings"
	"testing"
)

// issue #12 item 14: every size flag of esp-server is bounded, and the
// message names the limit (--batches 100000000 used to exhaust memory).
func TestESPServerSizeFlagsBounded(t *testing.T) {
	t.Parallel()
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
		{[]string{"--throttle-qps", "-1"}, "out of range 0..1e+06"},
		// Found by breaking issue #10: NaN passed the "not negative" check
		// and reached the rate limiter.
		{[]string{"--throttle-qps", "NaN"}, "out of range 0..1e+06"},
		{[]string{"--rate-limit", "NaN"}, "out of range 0..1e+06"},
		{[]string{"--rate-limit", "+Inf"}, "out of range 0..1e+06"},
		{[]string{"--throttle-qps", "2e6"}, "out of range 0..1e+06"},
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

// Found by breaking issue #10: a second `esp-server` on the same address
// said only "bind: address already in use"; it says which flag to change.
func TestESPServerAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().String()
	for _, tt := range []struct {
		args []string
		flag string
	}{
		{[]string{"--addr", busy}, "--addr"},
		{[]string{"--addr", "127.0.0.1:0", "--thumb-addr", busy}, "--thumb-addr"},
	} {
		_, errs, code := runCLIIn(t, "", append([]string{"esp-server"}, tt.args...)...)
		if code != exitFailure || !strings.Contains(errs, busy) || !strings.Contains(errs, "pick another address with "+tt.flag+" ") {
			t.Errorf("%v: exit %d, %q; want %d naming %s and %s", tt.args, code, errs, exitFailure, busy, tt.flag)
		}
	}
}
