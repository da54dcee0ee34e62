package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/lockfile"
	"github.com/stocksync/stocksync/core/secrets"
)

// env is one sandbox: a built-in ESP server (optionally behind a proxy that
// injects more faults and hostile data), and a folder tree for the child
// processes — the data folder, a home, a working directory and a TMPDIR —
// so that anything a child writes anywhere can be found.
type env struct {
	t    testing.TB
	srv  *espfake.Server
	px   *proxy // nil unless the env was made with a proxy
	root string // everything a child may touch lives under here
	data string
	home string
	cwd  string
	tmp  string
	// extraEnv is added to every child's environment.
	extraEnv []string
	// session, when set (envOptions.web), signs the children in through
	// STOCKSYNC_ESP_SESSION instead of the partner variables.
	session string
}

type envOptions struct {
	server      espfake.Options
	proxy       bool
	concurrency int // config.Concurrency; 0 keeps the default
	// web serves the ESP web API (browser session) instead of the partner
	// API; the children get a session from the server in STOCKSYNC_ESP_SESSION.
	web bool
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	root := t.TempDir()
	e := &env{t: t, root: root, data: filepath.Join(root, "data"), home: filepath.Join(root, "home"),
		cwd: filepath.Join(root, "cwd"), tmp: filepath.Join(root, "tmp")}
	for _, d := range []string{e.home, e.cwd, e.tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	o.server.Mode = espfake.ModePartner // the partner API flow these tests sign in with
	if o.web {
		o.server.Mode = espfake.ModeWeb
	}
	e.srv = espfaketest.New(t, o.server)
	if o.web {
		e.session = e.srv.NewSession().Encode()
	}
	if o.proxy {
		e.px = newProxy(t, e.srv)
	}
	if err := (datadir.Dir{Root: e.data}).Ensure(); err != nil {
		t.Fatal(err)
	}
	e.writeConfig(o.concurrency)
	// Children that outlive a test (a detached thumbnail downloader, a
	// killed sync's helper) are stopped before the folder is removed.
	t.Cleanup(func() {
		e.stopHolders()
		e.stopOurProcesses()
	})
	return e
}

func (e *env) apiRoot() string {
	if e.px != nil {
		return e.px.apiURL() + "/esp"
	}
	return e.srv.URL()
}

func (e *env) tokenURL() string {
	if e.px != nil {
		return e.px.apiURL() + "/oauth2/token"
	}
	return e.srv.TokenURL()
}

func (e *env) writeConfig(concurrency int) {
	e.t.Helper()
	c := config.Default()
	c.Server, c.APIRoot, c.TokenURL, c.RequestsPerSecond = config.ServerCustom, e.apiRoot(), e.tokenURL(), -1
	c.ModeledReviews = true // the convergence checks compare the modeled inline reviews
	if concurrency > 0 {
		c.Concurrency = concurrency
	}
	if err := config.Save(filepath.Join(e.data, datadir.ConfigName), c); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) dir() datadir.Dir { return datadir.Dir{Root: e.data} }
func (e *env) dbPath() string   { return e.dir().DB() }
func (e *env) backups() string  { return filepath.Join(e.root, "backups") }

// environ is a child's whole environment: no variable of the test's own
// user (home, keyring bus, data folder) leaks in, and the credentials come
// from the STOCKSYNC_ESP_* variables, as on a machine without a keychain.
func (e *env) environ() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "STOCKSYNC_"), strings.HasPrefix(k, "XDG_"), strings.HasPrefix(k, "DBUS_"),
			k == "HOME", k == "TMPDIR":
			continue
		}
		out = append(out, kv)
	}
	cr := e.srv.Credentials()
	out = append(out,
		"HOME="+e.home, "TMPDIR="+e.tmp,
		"XDG_DATA_HOME="+filepath.Join(e.home, ".local/share"), "XDG_STATE_HOME="+filepath.Join(e.home, ".local/state"),
		"XDG_CONFIG_HOME="+filepath.Join(e.home, ".config"), "XDG_CACHE_HOME="+filepath.Join(e.home, ".cache"))
	if e.session != "" {
		out = append(out, secrets.EnvSession+"="+e.session)
	} else {
		out = append(out, secrets.EnvUsername+"="+cr.Username, secrets.EnvPassword+"="+cr.Password,
			secrets.EnvAPIKey+"="+cr.APIKey, secrets.EnvAPISecret+"="+cr.APISecret)
	}
	out = append(out,
		// A server that throttles every request stops a sync after this
		// (15 minutes by default), within a fault cell's time.
		"STOCKSYNC_ESP_THROTTLE_GIVE_UP=20s")
	return append(out, e.extraEnv...)
}

// command prepares `stocksync --data-dir <data> args…` in its own process group.
func (e *env) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binPath, append([]string{"--data-dir", e.data}, args...)...)
	cmd.Env = e.environ()
	cmd.Dir = e.cwd
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// result is a finished child.
type result struct {
	args           []string
	stdout, stderr string
	code           int
	err            error // only for failures to run at all
	maxRSS         int64 // bytes
}

func (r result) String() string {
	return "stocksync " + strings.Join(r.args, " ") + ": exit " + strconv.Itoa(r.code) +
		"\nstderr: " + strings.TrimSpace(r.stderr) + "\nstdout tail: " + tail(r.stdout, 600)
}

// childTimeout bounds any one child: a hung child is a failure, not a hung test.
const childTimeout = 3 * time.Minute

// run runs a child to completion.
func (e *env) run(args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	return e.runCtx(ctx, args...)
}

func (e *env) runCtx(ctx context.Context, args ...string) result {
	cmd := e.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Start()
	var peak int64
	if err == nil {
		// rusage's maxrss would count the test process's own memory, which
		// the child shares until exec; VmHWM is the child's own peak.
		stop := make(chan struct{})
		polled := make(chan int64)
		go func() { polled <- pollHWM(cmd.Process.Pid, stop) }()
		err = cmd.Wait()
		close(stop)
		peak = <-polled
	}
	r := result{args: args, stdout: out.String(), stderr: errb.String(), maxRSS: peak}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.code = ee.ExitCode()
	case ctx.Err() != nil:
		r.code, r.err = -1, ctx.Err()
	default:
		r.code, r.err = -1, err
	}
	return r
}

// mustRun runs a child that must succeed.
func (e *env) mustRun(args ...string) result {
	e.t.Helper()
	r := e.run(args...)
	if r.code != 0 {
		e.t.Fatalf("%s", r)
	}
	return r
}

// syncResult is the last JSON line of `stocksync sync --json`.
type syncResult struct {
	Event string `json:"event"`
	Run   struct {
		Outcome          string   `json:"outcome"`
		Message          string   `json:"message"`
		FilesWritten     int      `json:"files_written"`
		ThumbnailsQueued int      `json:"thumbnails_queued"`
		EditsSent        int      `json:"edits_sent"`
		Conflicts        int      `json:"conflicts"`
		Errors           []string `json:"errors"`
	} `json:"run"`
	Failures []struct {
		What string `json:"what"`
		Err  string `json:"error"`
	} `json:"failures"`
	Error string `json:"error"`
}

func parseSyncResult(stdout string) (syncResult, bool) {
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var r syncResult
		if json.Unmarshal([]byte(lines[i]), &r) == nil && r.Event == "result" {
			return r, true
		}
	}
	return syncResult{}, false
}

// stopHolders kills any process still holding the data folder's sync or
// thumbnail lock (the detached `thumbnails --background` a sync starts) and
// waits until it is gone.
func (e *env) stopHolders() {
	for _, name := range []string{datadir.LockName, "thumbnails.lock"} {
		path := filepath.Join(e.data, name)
		pid := holderPID(path)
		if pid == 0 {
			continue
		}
		syscall.Kill(pid, syscall.SIGKILL)
		waitGone(pid, 10*time.Second)
	}
}

// holderPID is the PID of the live child of ours recorded in a lock file,
// or 0. The lock itself is not probed: taking it, even for a moment, would
// turn away a child starting at that instant.
func holderPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	var h lockfile.Holder
	if json.Unmarshal(b, &h) != nil || h.PID <= 0 || !alive(h.PID) || !isOurChild(h.PID) {
		return 0
	}
	return h.PID
}

// isOurChild reports whether pid runs the binary under test (so nothing
// else is ever signalled).
func isOurChild(pid int) bool {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	return err == nil && strings.TrimSuffix(exe, " (deleted)") == binPath
}

// alive reports whether pid is running (a zombie waiting for init to reap it is not).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}

func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// waitThumbnailer waits until no process of ours works on this data folder
// any more: the detached downloader a sync starts exists by the time the
// sync exits (it is started, not just scheduled).
func (e *env) waitThumbnailer(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if len(e.ourProcesses()) == 0 {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// runPlain runs a program outside any sandbox (for --help probes).
func runPlain(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

// ourProcesses lists the live processes running the binary under test with
// this env's data folder on their command line, including detached ones.
func (e *env) ourProcesses() []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, en := range entries {
		pid, err := strconv.Atoi(en.Name())
		if err != nil || !isOurChild(pid) || !alive(pid) {
			continue
		}
		cl, err := os.ReadFile("/proc/" + en.Name() + "/cmdline")
		if err == nil && slices.Contains(strings.Split(string(cl), "\x00"), e.data) {
			out = append(out, pid)
		}
	}
	return out
}

// stopOurProcesses kills every process ourProcesses finds and waits for them.
func (e *env) stopOurProcesses() {
	for _, pid := range e.ourProcesses() {
		syscall.Kill(pid, syscall.SIGKILL)
		waitGone(pid, 10*time.Second)
	}
}

// pollHWM reads a process's peak resident memory (VmHWM) until stop, and
// returns the last value read.
func pollHWM(pid int, stop <-chan struct{}) int64 {
	var peak int64
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
					peak = max(peak, kb*1024)
				}
			}
		}
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}

// linuxOnly skips tests that read /proc (process command lines, peaks,
// detached children): the campaign runs on Linux, as CI does.
func linuxOnly(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("needs Linux: reads /proc to find and watch child processes (this is %s)", runtime.GOOS)
	}
}
