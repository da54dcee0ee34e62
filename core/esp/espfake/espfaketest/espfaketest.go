// Package espfaketest starts the built-in ESP server (core/esp/espfake) for a
// test or benchmark. It is the only part of espfake that imports "testing",
// and only test files import it, so "testing" is never linked into the
// stocksync and stocksync-app binaries.
package espfaketest

import (
	"testing"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// New starts a server with opts on a loopback address for tb and closes it
// when tb ends. Any error from espfake.New or Server.Start fails tb at once.
func New(tb testing.TB, opts espfake.Options) *espfake.Server {
	tb.Helper()
	s, err := espfake.New(opts)
	if err != nil {
		tb.Fatalf("espfake: %v", err)
	}
	if err := s.Start(); err != nil {
		tb.Fatalf("espfake: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}
