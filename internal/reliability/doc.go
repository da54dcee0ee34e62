// Package reliability holds Stocksync's reliability and security campaign
// (issue 7) as tests. It has no non-test code: everything here runs the real
// stocksync binary as child processes against the built-in ESP server on
// loopback, with real SQLite files, real SIGKILLs and real mounts.
//
//   - crash: `stocksync sync`, `sync --push` and `thumbnails --wait` are killed
//     with SIGKILL at seeded random moments; afterwards the database passes
//     PRAGMA integrity_check, every local-only row is byte-identical (or, for an
//     edit, applied on the server) and the next sync converges exactly.
//   - fault matrix: every endpoint the client uses × every fault the server can
//     inject (plus empty bodies, 401 and 403 from a proxy in front of it), once
//     transient and once persistent: the run completes or stops with a message
//     naming the endpoint and the cause, and nothing local is lost.
//   - hostile server data: path-like, NUL-bearing, huge and odd-Unicode IDs,
//     names and thumbnail URLs, huge responses and non-image thumbnails.
//   - disk trouble: full, read-only and removed data folders.
//   - concurrency: sync, status readers and writers at once; racing syncs.
//   - secrets: nothing secret in the data folder, temp files, logs or argv.
//   - fuzzing: whole-response fuzz targets through the real client.
//   - clock skew: ESP's clock a year or hours off this computer's (real
//     binary), and a local clock corrected after being wrong (in-process).
//   - stalled connections: ESP silent, stopping mid-body or trickling;
//     the give-up time after the first held request is measured.
//
// `go test -race ./internal/reliability` (part of `make test`) runs a fast
// subset; `make reliability` (go run ./internal/tools/reliability) runs the
// long versions through the flags in main_test.go and writes
// docs/RELIABILITY.md from the figures they report.
package reliability
