// Command benchreport reproduces every figure in docs/BENCHMARKS.md:
//
//	make bench        (= go run ./internal/tools/benchreport -out docs/BENCHMARKS.md)
//
// It builds the stocksync binary, starts the built-in ESP server in this
// process with 2,000 batches × 50 files and 50 ms of added latency, and runs
// `stocksync sync` as a child process for the initial, no-change and
// 1%-changed syncs, so wall time and peak memory (max RSS) are those of the
// real command. It then measures thumbnail throughput, runs the naive baseline
// (one request at a time, ESP's default page size of 10) on the same data,
// and runs the Go benchmarks of the backup package. Expect about 15 minutes;
// -naive=false skips the baseline (about 10 of them).
package main
