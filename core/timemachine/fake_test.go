package timemachine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// reply is one recorded tmutil run: testdata file names for stdout and
// stderr ("" for nothing) and the exit error.
type reply struct {
	stdout, stderr string
	err            error
}

var errExit1 = errors.New("exit status 1")

// fakeRunner replays recorded tmutil output. Replies for the same arguments
// are used in order; the last one repeats.
type fakeRunner struct {
	t       *testing.T
	mu      sync.Mutex
	replies map[string][]reply
	calls   []string
}

func newFake(t *testing.T, replies map[string][]reply) *fakeRunner {
	return &fakeRunner{t: t, replies: replies}
}

func key(args ...string) string { return strings.Join(args, "|") }

func (f *fakeRunner) Run(_ context.Context, args ...string) ([]byte, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := key(args...)
	f.calls = append(f.calls, k)
	q, ok := f.replies[k]
	if !ok || len(q) == 0 {
		f.t.Errorf("unexpected tmutil call: %q", args)
		return nil, nil, errors.New("unexpected call")
	}
	r := q[0]
	if len(q) > 1 {
		f.replies[k] = q[1:]
	}
	return f.read(r.stdout), f.read(r.stderr), r.err
}

func (f *fakeRunner) read(name string) []byte {
	if name == "" {
		return nil
	}
	if strings.HasPrefix(name, "literal:") {
		return []byte(strings.TrimPrefix(name, "literal:"))
	}
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.t.Fatalf("read fixture: %v", err)
	}
	return b
}

func (f *fakeRunner) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

type unavailable struct{}

func (unavailable) Run(context.Context, ...string) ([]byte, []byte, error) {
	return nil, nil, ErrNotAvailable
}

// exitStatus is a non-zero exit like *exec.ExitError's: it carries the code.
type exitStatus int

func (e exitStatus) Error() string { return "exit status " + strconv.Itoa(int(e)) }
func (e exitStatus) ExitCode() int { return int(e) }
