package reliability

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/app"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/logfile"
	"github.com/stocksync/stocksync/core/loginitem"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/timemachine"
)

// secretForms are the ways a secret could be written down by accident.
func secretForms(name, s string) map[string]string {
	return map[string]string{
		name:                s,
		name + " (URL)":     url.QueryEscape(s),
		name + " (base64)":  base64.StdEncoding.EncodeToString([]byte(s)),
		name + " (base64u)": base64.RawURLEncoding.EncodeToString([]byte(s)),
	}
}

// argvWatcher records the command lines of every process running the
// binary under test while it runs (including detached ones).
type argvWatcher struct {
	mu    sync.Mutex
	seen  map[int]string
	stop  chan struct{}
	done  chan struct{}
	scans int
}

func watchArgv() *argvWatcher {
	w := &argvWatcher{seen: map[int]string{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			entries, _ := os.ReadDir("/proc")
			for _, en := range entries {
				pid, err := strconv.Atoi(en.Name())
				if err != nil || !isOurChild(pid) {
					continue
				}
				if b, err := os.ReadFile("/proc/" + en.Name() + "/cmdline"); err == nil {
					w.mu.Lock()
					w.seen[pid] = strings.ReplaceAll(string(b), "\x00", " ")
					w.mu.Unlock()
				}
			}
			w.mu.Lock()
			w.scans++
			w.mu.Unlock()
			select {
			case <-w.stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return w
}

func (w *argvWatcher) finish() map[int]string {
	close(w.stop)
	<-w.done
	return w.seen
}

// TestSecretsNeverWritten runs login, sync (with its background thumbnail
// downloader), thumbnails, edit, push, backup and verify, then scans every
// file the children could have written (data folder, snapshots, logs, home,
// TMPDIR, working directory), their output and their command lines for the
// password, the API secret and every access and refresh token handed out.
func TestSecretsNeverWritten(t *testing.T) {
	linuxOnly(t)
	e := newEnv(t, envOptions{proxy: true, server: espfake.Options{Seed: 41, Batches: 6, ContributionsPerBatch: 12,
		Password: "pw-" + rand.Text(), APISecret: "sec-" + rand.Text(), TokenTTL: 2 * time.Second,
		StatusMix: espfake.StatusMix{Pending: 0.5, Processed: 0.5}}})
	argv := watchArgv()
	var runs []result
	run := func(args ...string) {
		r := e.run(args...)
		runs = append(runs, r)
		if r.code != 0 {
			t.Errorf("%s", r)
		}
	}
	// --debug logs every request with its headers, to standard error.
	run("login", "--debug")
	run("sync", "--json", "--debug")
	e.waitThumbnailer(time.Minute)
	run("thumbnails", "--wait")
	id := firstPending(t, e)
	run("edit", id, "--title", "A new title")
	time.Sleep(2100 * time.Millisecond) // the token expires: the next run refreshes it
	e.srv.ExpireTokens()
	run("sync", "--json", "--push", "--no-thumbnails", "--debug")
	if err := os.MkdirAll(e.backups(), 0o700); err != nil {
		t.Fatal(err)
	}
	run("backup", "--to", e.backups(), "--with-thumbnails")
	run("backup", "list", "--to", e.backups())
	run("status")
	run("list", "files", "--json")
	// The menu-bar app syncs too, logging at debug level to its log file
	// in the home folder; scanSecrets reads that log with everything else.
	appLog := runApp(t, e)
	if !strings.Contains(appLog, "component=sync") {
		t.Errorf("the app logged no sync; its log:\n%s", tail(appLog, 800))
	}
	cmdlines := argv.finish()
	if !strings.Contains(runs[1].stderr, "Authorization=[redacted]") {
		t.Errorf("sync --debug does not log the Authorization header as redacted; stderr: %s", tail(runs[1].stderr, 400))
	}
	if len(cmdlines) < len(runs) {
		t.Errorf("saw %d command lines for %d runs: the watcher missed some", len(cmdlines), len(runs))
	}
	hits, counts := scanSecrets(t, e, runs, cmdlines)
	report(t, record{Group: "secrets", Name: "login, sync, thumbnails, edit, push, backup (with --debug request logs), the app's sync and its log: data folder, snapshots, logs, home, TMPDIR, output, argv",
		OK: len(hits) == 0, Detail: strings.Join(hits, "; "), Counts: counts})
	for _, h := range hits {
		t.Errorf("found %s", h)
	}

	// A server that repeats the request's headers in an error message: the
	// client must not carry the token into messages or the database.
	e.px.addFault(esp.EndpointContributionsList, faultEcho, 0)
	e.srv.AddBatch(espfake.BatchSpec{Files: 2})
	echo := e.run("sync", "--json", "--no-thumbnails", "--debug")
	e.srv.AddBatch(espfake.BatchSpec{Files: 2})
	if appLog := runApp(t, e); !strings.Contains(appLog, "sync finished with failures") && !strings.Contains(appLog, "sync failed") {
		t.Errorf("the app did not log the echoing server's failure; its log:\n%s", tail(appLog, 800))
	}
	e.px.clear()
	hits, counts = scanSecrets(t, e, []result{echo}, nil)
	report(t, record{Group: "secrets", Name: "a server that echoes the request headers in its error messages",
		OK: len(hits) == 0, Detail: strings.Join(hits, "; "), Counts: counts})
	for _, h := range hits {
		t.Errorf("server echoing headers: found %s (see TestServerMessagesCarryNoToken)", h)
	}
}

// scanSecrets looks for the password, the API secret and every token the
// proxy saw, in each of their written forms, in every file under the env's
// root, in the runs' output and in the command lines.
func scanSecrets(t *testing.T, e *env, runs []result, cmdlines map[int]string) ([]string, map[string]int) {
	t.Helper()
	secrets := map[string]string{}
	cr := e.srv.Credentials()
	for k, v := range secretForms("password", cr.Password) {
		secrets[k] = v
	}
	for k, v := range secretForms("API secret", cr.APISecret) {
		secrets[k] = v
	}
	tokens := e.px.seenTokens()
	if len(tokens) < 3 {
		t.Fatalf("the proxy saw %d tokens; want the first access and refresh tokens and a refreshed one", len(tokens))
	}
	for i, tok := range tokens {
		for k, v := range secretForms(fmt.Sprintf("token %d", i+1), tok) {
			secrets[k] = v
		}
	}
	var hits []string
	files, size := 0, int64(0)
	err := filepath.WalkDir(e.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		size += int64(len(b))
		for name, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				rel, _ := filepath.Rel(e.root, p)
				hits = append(hits, fmt.Sprintf("%s in %s", name, rel))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		for name, s := range secrets {
			if strings.Contains(r.stdout+r.stderr, s) {
				hits = append(hits, fmt.Sprintf("%s in the output of stocksync %s", name, strings.Join(r.args, " ")))
			}
		}
	}
	for pid, cl := range cmdlines {
		for name, s := range secrets {
			if strings.Contains(cl, s) {
				hits = append(hits, fmt.Sprintf("%s in the command line of pid %d", name, pid))
			}
		}
	}
	if n := e.px.thumbCredentials(); n != 0 {
		hits = append(hits, fmt.Sprintf("credentials sent to the thumbnail host %d times", n))
	}
	sort.Strings(hits)
	return hits, map[string]int{"files": files, "bytes": int(size), "processes": len(cmdlines), "runs": len(runs),
		"secrets": len(secrets), "tokens": len(tokens)}
}

func firstPending(t *testing.T, e *env) string {
	t.Helper()
	for _, b := range e.srv.Portfolio().Batches {
		for _, c := range b.Contributions {
			if c.Status == "pending" {
				return c.ID
			}
		}
	}
	t.Fatal("no pending file")
	return ""
}

// TestTLSChecksNeverDisabled: the client refuses a transport that skips
// certificate checks, checks certificates by default, and no non-test
// source in the repository sets InsecureSkipVerify.
func TestTLSChecksNeverDisabled(t *testing.T) {
	var problems []string
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	cfg := esp.Config{APIRoot: "https://esp.example.com/esp", TokenURL: "https://esp.example.com/oauth2/token",
		APIKey: "k", APISecret: "s", Username: "u", Password: "p"}
	withInsecure := cfg
	withInsecure.HTTPClient = insecure
	if _, err := esp.New(withInsecure); err == nil {
		problems = append(problems, "esp.New accepted a transport with InsecureSkipVerify")
	}

	// A server with a self-signed certificate is refused.
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"t","token_type":"bearer","expires_in":3600}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	self := cfg
	self.APIRoot, self.TokenURL, self.MaxRetries = srv.URL+"/esp", srv.URL+"/oauth2/token", -1
	c, err := esp.New(self)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = c.VerifyCredentials(ctx)
	var ce *tls.CertificateVerificationError
	if err == nil || (!errors.As(err, &ce) && !strings.Contains(err.Error(), "certificate")) {
		problems = append(problems, fmt.Sprintf("a self-signed certificate was not refused: %v", err))
	}

	// No non-test source turns the checks off.
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	scanned := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "build" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		scanned++
		rel, _ := filepath.Rel(root, p)
		for _, where := range insecureSettings(p) {
			problems = append(problems, "InsecureSkipVerify set in "+rel+":"+where)
		}
		return nil
	})
	report(t, record{Group: "secrets", Name: "TLS certificate checks never disabled outside tests", OK: len(problems) == 0,
		Detail: strings.Join(problems, "; "), Counts: map[string]int{"go_files_scanned": scanned}})
	for _, p := range problems {
		t.Error(p)
	}
}

// insecureSettings finds, in the syntax of a Go file, every place that sets
// InsecureSkipVerify to anything but the constant false (a field in a
// composite literal or an assignment), so words in strings and comments
// do not count.
func insecureSettings(path string) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil // not Go this toolchain parses: the compiler will say so
	}
	isFalse := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && id.Name == "false"
	}
	named := func(e ast.Expr) bool {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name == "InsecureSkipVerify"
		case *ast.SelectorExpr:
			return x.Sel.Name == "InsecureSkipVerify"
		}
		return false
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.KeyValueExpr:
			if named(x.Key) && !isFalse(x.Value) {
				out = append(out, fmt.Sprint(fset.Position(x.Pos()).Line))
			}
		case *ast.AssignStmt:
			for i, l := range x.Lhs {
				if named(l) && i < len(x.Rhs) && !isFalse(x.Rhs[i]) {
					out = append(out, fmt.Sprint(fset.Position(x.Pos()).Line))
				}
			}
		}
		return true
	})
	return out
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

func TestInsecureSettingsFindsThem(t *testing.T) {
	src := `package x

import "crypto/tls"

// InsecureSkipVerify: true in a comment does not count.
var doc = "InsecureSkipVerify: true"

var a = &tls.Config{InsecureSkipVerify: true}
var b = &tls.Config{InsecureSkipVerify: false}

func f(c *tls.Config, v bool) { c.InsecureSkipVerify = v }
`
	p := filepath.Join(t.TempDir(), "x.go")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(insecureSettings(p), ","), "8,11"; got != want {
		t.Errorf("insecureSettings found lines %q, want %q", got, want)
	}
}

// runApp runs the app's controller in this process on e's data folder
// until one sync has finished, logging at debug level to its rotating log
// file in e's home folder (as ~/Library/Logs/Stocksync on a Mac), and
// returns what it logged.
func runApp(t *testing.T, e *env) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lf, err := logfile.Open(filepath.Join(e.home, "Library", "Logs", "Stocksync", "Stocksync.log"), logfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	db, err := store.Open(ctx, e.dbPath(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cr := e.srv.Credentials()
	st := &appSecrets{c: secrets.Credentials{Username: cr.Username, Password: secrets.NewSecret(cr.Password),
		APIKey: secrets.NewSecret(cr.APIKey), APISecret: secrets.NewSecret(cr.APISecret)}}
	ctrl, err := app.New(app.Deps{
		DataDir: e.dir(), DB: db, Home: e.home,
		NewESP: app.NewESPFactory(nil), Secrets: st, Login: appNoLogin{}, Notifier: &notify.Recorder{},
		TimeMachine: timemachine.NewChecker(appNoTM{}, e.home),
		Logger:      slog.New(slog.NewTextHandler(lf, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := db.LastSyncRun(ctx)
	if err := ctrl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ctrl.SyncNow()
	_, err = ctrl.WaitState(ctx, func(s app.State) bool {
		r, err := db.LastSyncRun(ctx)
		return s.Idle && err == nil && r.ID > before.ID && r.Outcome != store.OutcomeRunning
	})
	if cerr := ctrl.Close(); cerr != nil {
		t.Error(cerr)
	}
	if err != nil {
		t.Fatalf("the app's sync did not finish: %v", err)
	}
	b, err := os.ReadFile(lf.Path())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// appSecrets hands the app the account, as the keychain would.
type appSecrets struct{ c secrets.Credentials }

func (s *appSecrets) Save(secrets.Credentials) error     { return nil }
func (s *appSecrets) Load() (secrets.Credentials, error) { return s.c, nil }
func (s *appSecrets) Delete() error                      { return nil }

type appNoLogin struct{}

func (appNoLogin) Status(context.Context) (loginitem.State, error) { return loginitem.Unsupported, nil }
func (appNoLogin) Enable(context.Context) error                    { return loginitem.ErrNotAvailable }
func (appNoLogin) Disable(context.Context) error                   { return loginitem.ErrNotAvailable }

type appNoTM struct{}

func (appNoTM) Run(context.Context, ...string) ([]byte, []byte, error) {
	return nil, nil, timemachine.ErrNotAvailable
}
