package main

import (
	"strings"
	"testing"
)

func TestThrottleSection(t *testing.T) {
	out := "BenchmarkThrottledSync-2   \t       1\t25612345678 ns/op\t         4.93 learned-rps\t         1.23 ratio\t        16.0 throttled-%"
	s := throttleSection(out)
	if !strings.Contains(s, "| 1.23, 16% of requests throttled, settled at 4.9 requests/s — **missed** |") {
		t.Errorf("missed row:\n%s", s)
	}
	if s := throttleSection(strings.Replace(out, "1.23 ratio", "1.11 ratio", 1)); !strings.Contains(s, "1.11, 16% of requests throttled, settled at 4.9 requests/s — **met** |") {
		t.Errorf("met row:\n%s", s)
	}
	if s := throttleSection("cpu: x"); strings.Contains(s, "| target |") {
		t.Errorf("a target row without figures:\n%s", s)
	}
}
