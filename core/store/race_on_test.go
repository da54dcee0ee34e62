//go:build race

package store

// raceEnabled: the race detector slows SQLite (Go code here) tenfold.
const raceEnabled = true
