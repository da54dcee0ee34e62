package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

type params struct {
	out      string
	trials   int
	seed     uint64
	matrix   string
	long     bool
	fuzzTime time.Duration
	fast     bool
	parallel int
}

func main() {
	var p params
	flag.StringVar(&p.out, "out", "", "write the markdown report here (default: stdout)")
	flag.IntVar(&p.trials, "trials", 50, "crash trials")
	flag.Uint64Var(&p.seed, "seed", 20261122, "base seed of the crash trials")
	flag.StringVar(&p.matrix, "matrix", "full", `fault matrix: "full" or "thin"`)
	flag.BoolVar(&p.long, "long", true, "also run the cases that need minutes or gigabytes")
	flag.DurationVar(&p.fuzzTime, "fuzztime", 20*time.Second, "how long to run each fuzz target (0 skips fuzzing)")
	flag.BoolVar(&p.fast, "fast", true, "also time the fast subset as CI runs it (go test -race)")
	flag.IntVar(&p.parallel, "parallel", 4, "parallel subtests (they mostly wait on child processes)")
	flag.Parse()
	failed, err := run(p)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		os.Exit(1)
	}
	if failed {
		fmt.Fprintln(os.Stderr, "reliability: some tests failed; see the report")
		os.Exit(1)
	}
}

// report is everything the renderer needs.
type report struct {
	params   params
	started  time.Time
	took     time.Duration
	commit   string
	goVer    string
	tests    []testResult // top-level tests of the long run
	subtests map[string]testResult
	records  []record
	fuzz     []fuzzResult
	fast     *fastResult
}

type testResult struct {
	name    string
	outcome string // PASS, FAIL, SKIP
	seconds float64
}

// record mirrors internal/reliability's record.
type record struct {
	Group    string         `json:"group"`
	Name     string         `json:"name"`
	OK       bool           `json:"ok"`
	Detail   string         `json:"detail"`
	Seed     uint64         `json:"seed"`
	Endpoint string         `json:"endpoint"`
	Fault    string         `json:"fault"`
	Mode     string         `json:"mode"`
	Outcome  string         `json:"outcome"`
	Exit     int            `json:"exit"`
	Message  string         `json:"message"`
	Counts   map[string]int `json:"counts"`
}

type fuzzResult struct {
	pkg, name   string
	execs       int64
	interesting string
	ok          bool
	finding     string
	seconds     float64
}

type fastResult struct {
	ok      bool
	seconds float64
	failed  []string
}

func run(p params) (failed bool, err error) {
	r := &report{params: p, started: time.Now(), subtests: map[string]testResult{}}
	r.commit = strings.TrimSpace(output("git", "describe", "--always", "--dirty"))
	r.goVer = strings.TrimSpace(output("go", "version"))
	work, err := os.MkdirTemp("", "stocksync-reliability-report-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(work)

	if p.fast {
		logf("fast subset: go test -race -count=1 ./internal/reliability")
		r.fast = runFast()
		logf("fast subset: %s in %.0fs", okText(r.fast.ok), r.fast.seconds)
	}

	recFile := filepath.Join(work, "records.jsonl")
	args := []string{"test", "-count=1", "-v", "-timeout=90m", "-parallel=" + strconv.Itoa(p.parallel), "./internal/reliability",
		"-run", "^Test", "-args",
		"-reliability.trials=" + strconv.Itoa(p.trials), "-reliability.seed=" + strconv.FormatUint(p.seed, 10),
		"-reliability.matrix=" + p.matrix, "-reliability.long=" + strconv.FormatBool(p.long), "-reliability.report=" + recFile}
	logf("long run: go %s", strings.Join(args, " "))
	if err := runTests(args, r); err != nil {
		return false, err
	}
	if r.records, err = readRecords(recFile); err != nil {
		return false, err
	}

	if p.fuzzTime > 0 {
		targets, err := fuzzTargets()
		if err != nil {
			return false, err
		}
		for _, t := range targets {
			logf("fuzz %s %s for %s", t.pkg, t.name, p.fuzzTime)
			res := runFuzz(t.pkg, t.name, p.fuzzTime)
			logf("  %s: %d execs, %s", okText(res.ok), res.execs, res.interesting)
			r.fuzz = append(r.fuzz, res)
		}
	}
	r.took = time.Since(r.started)

	text := render(r)
	if p.out == "" {
		fmt.Print(text)
	} else if err := os.WriteFile(p.out, []byte(text), 0o644); err != nil {
		return false, err
	}
	for _, t := range r.tests {
		failed = failed || t.outcome == "FAIL"
	}
	for _, f := range r.fuzz {
		failed = failed || !f.ok
	}
	return failed || (r.fast != nil && !r.fast.ok), nil
}

var resultLine = regexp.MustCompile(`^(\s*)--- (PASS|FAIL|SKIP): (\S+) \(([\d.]+)s\)`)

// runTests runs go test -v, echoing progress, and collects test results.
func runTests(args []string, r *report) error {
	cmd := exec.Command("go", args...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		pw.Close()
		done <- err
	}()
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		m := resultLine.FindStringSubmatch(line)
		if m == nil {
			if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "panic:") {
				logf("%s", line)
			}
			continue
		}
		secs, _ := strconv.ParseFloat(m[4], 64)
		tr := testResult{name: m[3], outcome: m[2], seconds: secs}
		r.subtests[tr.name] = tr
		if m[1] == "" {
			r.tests = append(r.tests, tr)
			logf("%s %s (%.0fs)", tr.outcome, tr.name, secs)
		} else if tr.outcome == "FAIL" {
			logf("  FAIL %s", tr.name)
		}
	}
	err := <-done
	if len(r.tests) == 0 {
		return fmt.Errorf("go test ran no tests: %v", err)
	}
	return nil // failures are in the results
}

func runFast() *fastResult {
	start := time.Now()
	out, err := exec.Command("go", "test", "-race", "-count=1", "-v", "./internal/reliability").CombinedOutput()
	res := &fastResult{ok: err == nil, seconds: time.Since(start).Seconds()}
	for _, line := range strings.Split(string(out), "\n") {
		if m := resultLine.FindStringSubmatch(line); m != nil && m[2] == "FAIL" {
			res.failed = append(res.failed, m[3])
		}
	}
	return res
}

func readRecords(path string) ([]record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("the tests wrote no records: %w", err)
	}
	var out []record
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var rec record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			return nil, fmt.Errorf("record %q: %w", line, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

type fuzzTarget struct{ pkg, name string }

var fuzzFunc = regexp.MustCompile(`(?m)^func (Fuzz\w+)\(\w+ \*testing\.F\)`)

// fuzzTargets finds every fuzz target in the module's test files.
func fuzzTargets() ([]fuzzTarget, error) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .TestGoFiles \",\"}},{{join .XTestGoFiles \",\"}}", "./...").Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	var targets []fuzzTarget
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			continue
		}
		for _, f := range strings.Split(parts[2], ",") {
			if f == "" {
				continue
			}
			b, err := os.ReadFile(filepath.Join(parts[1], f))
			if err != nil {
				return nil, err
			}
			for _, m := range fuzzFunc.FindAllStringSubmatch(string(b), -1) {
				targets = append(targets, fuzzTarget{parts[0], m[1]})
			}
		}
	}
	sort.Slice(targets, func(i, j int) bool {
		if targets[i].pkg != targets[j].pkg {
			return targets[i].pkg < targets[j].pkg
		}
		return targets[i].name < targets[j].name
	})
	return targets, nil
}

var (
	execsLine   = regexp.MustCompile(`execs: (\d+)`)
	newLine     = regexp.MustCompile(`new interesting: (\d+) \(total: (\d+)\)`)
	failingLine = regexp.MustCompile(`Failing input written to (\S+)`)
)

func runFuzz(pkg, name string, d time.Duration) fuzzResult {
	start := time.Now()
	out, err := exec.Command("go", "test", "-run=^$", "-fuzz=^"+name+"$", "-fuzztime="+d.String(),
		"-fuzzminimizetime=10s", pkg).CombinedOutput()
	res := fuzzResult{pkg: pkg, name: name, ok: err == nil, seconds: time.Since(start).Seconds()}
	for _, line := range strings.Split(string(out), "\n") {
		if m := execsLine.FindStringSubmatch(line); m != nil {
			res.execs, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if m := newLine.FindStringSubmatch(line); m != nil {
			res.interesting = fmt.Sprintf("%s new interesting inputs (corpus %s)", m[1], m[2])
		}
		if m := failingLine.FindStringSubmatch(line); m != nil {
			res.finding = m[1]
		}
	}
	if !res.ok && res.finding == "" {
		res.finding = tail(string(out), 500)
	}
	return res
}

func output(name string, args ...string) string {
	b, _ := exec.Command(name, args...).Output()
	return string(b)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func okText(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAILED"
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
