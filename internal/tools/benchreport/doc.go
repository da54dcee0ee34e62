// Command benchreport reproduces every figure in docs/BENCHMARKS.md:
//
//	make bench        (= go run ./internal/tools/benchreport -out docs/BENCHMARKS.md)
//
// It builds the stocksync binary, starts the built-in ESP server in this
// process (ESP's web API) with 2,000 batches × 50 files and 50 ms of added
// latency, and runs `stocksync sync` as a child process for the initial,
// no-change and 1%-changed syncs, signed in as the product is by default:
// with a browser session in STOCKSYNC_ESP_SESSION, so no token round trip.
// Wall time and peak memory (max RSS) are those of the real command. It then
// measures thumbnail throughput, runs the naive baseline on the same data (a
// client as a naive script would be: one request in flight, the batch list
// in pages of 10, each batch's contributions paged 10 at a time until the
// batch's count has come, its releases, one batch per transaction), and runs
// the Go benchmarks of the store, backup and ESP packages. Expect about 25
// minutes, half of them the naive baseline (-naive=false skips it).
//
// -only runs some parts and prints their figures instead of the report, e.g.
// -only nochange,warm (the syncs that need data run the initial sync first),
// -only throttle; the report itself always comes from a whole run.
package main
