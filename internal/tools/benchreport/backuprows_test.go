package main

import (
	"strings"
	"testing"
)

func TestBackupSection(t *testing.T) {
	out := "cpu: AMD EPYC\n" +
		"BenchmarkSnapshot100k-2         \t       3\t 443605228 ns/op\t        93.07 MB/snapshot\n" +
		"BenchmarkSnapshotVerify100k-2   \t       3\t2072971950 ns/op\n" +
		"BenchmarkVerify100k-2           \t       3\t 851145381 ns/op"
	if ns, ok := benchNsPerOp(out, "BenchmarkSnapshotVerify100k"); !ok || ns != 2072971950 {
		t.Errorf("ns/op = %v, %v; want 2072971950", ns, ok)
	}
	if _, ok := benchNsPerOp(out, "BenchmarkSnapshot"); ok {
		t.Error("a prefix of a benchmark's name must not match it")
	}
	if s := backupSection(out); !strings.Contains(s, "| 2.07 s — **missed** |") {
		t.Errorf("section lacks the missed target:\n%s", s)
	}
	if s := backupSection(strings.Replace(out, "2072971950", "1246950294", 1)); !strings.Contains(s, "| 1.25 s — **met** |") {
		t.Errorf("section lacks the met target:\n%s", s)
	}
	if s := backupSection("cpu: x"); strings.Contains(s, "| target |") {
		t.Errorf("no figure, yet a target row:\n%s", s)
	}
}
