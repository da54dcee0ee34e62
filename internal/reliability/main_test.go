package reliability

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The fast subset (make test) uses the defaults; internal/tools/reliability
// passes the long versions through these flags.
var (
	flagTrials = flag.Int("reliability.trials", 5, "crash trials (SIGKILL at a seeded random moment)")
	flagSeed   = flag.Uint64("reliability.seed", 20261122, "base seed; trial i uses seed+i")
	flagMatrix = flag.String("reliability.matrix", "thin", `fault matrix: "thin" (a covering subset) or "full" (every endpoint × fault × mode)`)
	flagLong   = flag.Bool("reliability.long", false, "also run the cases that need minutes or gigabytes")
	flagReport = flag.String("reliability.report", "", "append one JSON line per trial, cell and case to this file")
)

// binPath is the stocksync binary the tests run, built once per test binary
// without -race: the children are what is being tested, not instrumented.
var binPath string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "stocksync-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "stocksync")
	build := exec.Command("go", "build", "-o", binPath, "github.com/stocksync/stocksync/cmd/stocksync")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "reliability: build stocksync: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// record is one figure for docs/RELIABILITY.md: a crash trial, a fault matrix
// cell or a case of the other tests. internal/tools/reliability reads them.
type record struct {
	Group  string `json:"group"` // crash, matrix, hostile, disk, concurrency, secrets
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
	Seed   uint64 `json:"seed,omitempty"`

	// Fault matrix cells.
	Endpoint string `json:"endpoint,omitempty"`
	Fault    string `json:"fault,omitempty"`
	Mode     string `json:"mode,omitempty"`    // transient, persistent
	Outcome  string `json:"outcome,omitempty"` // completed, stopped
	Exit     int    `json:"exit,omitempty"`
	Message  string `json:"message,omitempty"`

	// Counts a test wants reported (files scanned, execs, leftovers…).
	Counts map[string]int `json:"counts,omitempty"`
}

var reportMu sync.Mutex

// report records r for the report file, if one was asked for.
func report(t testing.TB, r record) {
	t.Helper()
	if *flagReport == "" {
		return
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Errorf("report: %v", err)
		return
	}
	reportMu.Lock()
	defer reportMu.Unlock()
	f, err := os.OpenFile(*flagReport, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Errorf("report: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.Write(append(b, '\n')); err != nil {
		t.Errorf("report: %v", err)
	}
}
