package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/watch"
)

// fakeLogin is a launch-at-login manager whose answers the test sets.
type fakeLogin struct {
	mu        sync.Mutex
	state     loginitem.State
	approval  bool  // Enable leaves it waiting for the user's approval
	enableErr error // Enable fails with this
	calls     []string
}

func (l *fakeLogin) Status(context.Context) (loginitem.State, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state, nil
}

func (l *fakeLogin) Enable(context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, "enable")
	switch {
	case l.enableErr != nil:
		return l.enableErr
	case l.approval:
		l.state = loginitem.RequiresApproval
		return loginitem.ErrRequiresApproval
	}
	l.state = loginitem.Enabled
	return nil
}

func (l *fakeLogin) Disable(context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, "disable")
	l.state = loginitem.Disabled
	return nil
}

// memSecrets is a credential store in memory.
type memSecrets struct {
	mu    sync.Mutex
	creds *secrets.Credentials
	loads int // Load calls: each is a keychain round trip on macOS
}

// loadCount is how often the credentials were read.
func (m *memSecrets) loadCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.loads
}

func (m *memSecrets) Save(c secrets.Credentials) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.creds = &c
	return nil
}

func (m *memSecrets) Load() (secrets.Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.loads++
	if m.creds == nil {
		return secrets.Credentials{}, secrets.ErrNotFound
	}
	return *m.creds, nil
}

func (m *memSecrets) Delete() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.creds = nil
	return nil
}

// tmRunner replays recorded tmutil output from core/timemachine/testdata.
// The fixtures were recorded for /Users/anna; the test's home folder takes
// its place. replies maps tmutil's subcommand to a fixture name, a
// "literal:" text, or "stderr:" plus a fixture name.
type tmRunner struct {
	mu      sync.Mutex
	home    string
	replies map[string]string
	calls   []string
}

const fixtureHome = "/System/Volumes/Data/Users/anna"

func (r *tmRunner) set(sub, reply string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies[sub] = reply
}

func (r *tmRunner) Run(_ context.Context, args ...string) ([]byte, []byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, strings.Join(args, " "))
	sub := args[0]
	if sub == "removeexclusion" {
		r.replies["isexcluded"] = "isexcluded_X_included.plist" // tmutil did it
	}
	reply, ok := r.replies[sub]
	if !ok {
		return nil, nil, errors.New("tmutil: unexpected subcommand " + sub)
	}
	toStderr := false
	if rest, ok := strings.CutPrefix(reply, "stderr:"); ok {
		reply, toStderr = rest, true
	}
	var out []byte
	if text, ok := strings.CutPrefix(reply, "literal:"); ok {
		out = []byte(text)
	} else if reply != "" {
		b, err := os.ReadFile(filepath.Join("..", "timemachine", "testdata", reply))
		if err != nil {
			return nil, nil, err
		}
		out = []byte(strings.ReplaceAll(string(b), fixtureHome, r.home))
	}
	if toStderr {
		return nil, out, errors.New("exit status 1")
	}
	return out, nil, nil
}

// fakeWatcher hands the test's events to the controller.
type fakeWatcher struct {
	events chan watch.Event
	once   sync.Once
}

func (w *fakeWatcher) Events() <-chan watch.Event { return w.events }
func (w *fakeWatcher) Close() error {
	w.once.Do(func() { close(w.events) })
	return nil
}

// logBuffer collects log lines; safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines are the logged lines that contain every one of parts.
func (l *logBuffer) lines(parts ...string) []string {
	var out []string
	for line := range strings.SplitSeq(l.String(), "\n") {
		ok := line != ""
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}
