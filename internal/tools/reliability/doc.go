// Command reliability reproduces every figure in docs/RELIABILITY.md:
//
//	make reliability   (= go run ./internal/tools/reliability -out docs/RELIABILITY.md)
//
// It runs the long versions of the tests in internal/reliability — 50 seeded
// crash trials, the full fault matrix (every endpoint × fault × transient and
// persistent), the hostile-data cases that need gigabytes, the concurrency,
// disk and secrets tests — through `go test` with the package's
// -reliability.* flags, collecting one JSON record per trial, cell and case.
// Then it finds every fuzz target in the module (func FuzzXxx(f *testing.F)
// in a _test.go file) and runs each for a fixed time, reading the number of
// executions from the fuzzer's output. Finally it writes the report.
//
// Expect about 10–12 minutes on two cores with the defaults; -trials,
// -fuzztime and -matrix=thin make it shorter. It exits 1 if any test,
// trial, cell or fuzz target failed (the report is still written).
package main
