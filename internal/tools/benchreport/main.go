package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
	"github.com/stocksync/stocksync/core/thumbs"
)

type params struct {
	batches, files, inflight int
	latency                  time.Duration
	naive                    bool
	bigBatches, bigFiles     int
	thumbSeconds             int
	out                      string
	only                     rows
	warmProfile              string
	warmRepeat               int
}

// rows names the parts of the report to run (-only); empty means all.
type rows map[string]bool

// rowNames are -only's values, in the order they run.
var rowNames = []string{"initial", "nochange", "warm", "changed", "thumbs", "big", "naive", "backup", "store", "throttle", "idle"}

func (r rows) has(name string) bool { return len(r) == 0 || r[name] }

func (r *rows) String() string {
	var out []string
	for _, n := range rowNames {
		if (*r)[n] {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}

func (r *rows) Set(v string) error {
	if *r == nil {
		*r = rows{}
	}
	for _, n := range strings.Split(v, ",") {
		n = strings.TrimSpace(n)
		if !slices.Contains(rowNames, n) {
			return fmt.Errorf("%q is not one of %s", n, strings.Join(rowNames, ", "))
		}
		(*r)[n] = true
	}
	return nil
}

func main() {
	var p params
	flag.IntVar(&p.batches, "batches", 2000, "batches on the server")
	flag.IntVar(&p.files, "files", 50, "files per batch")
	flag.IntVar(&p.inflight, "inflight", 8, "requests in flight")
	flag.DurationVar(&p.latency, "latency", 50*time.Millisecond, "added latency per request")
	flag.BoolVar(&p.naive, "naive", true, "also run the naive baseline (slow: one request at a time)")
	flag.IntVar(&p.bigBatches, "big-batches", 5000, "batches of the large-portfolio initial sync (0: skip it)")
	flag.IntVar(&p.bigFiles, "big-files", 100, "files per batch of the large-portfolio initial sync")
	flag.IntVar(&p.thumbSeconds, "thumb-seconds", 20, "how long to measure thumbnail throughput")
	flag.StringVar(&p.out, "out", "", "write the markdown report here (default: stdout)")
	flag.StringVar(&p.warmProfile, "warm-profile", "", "after the warm no-change row, repeat it -warm-repeat times under the CPU profiler and write the profile here")
	flag.IntVar(&p.warmRepeat, "warm-repeat", 40, "runs of the warm no-change sync profiled by -warm-profile")
	flag.Var(&p.only, "only", "run only these parts, comma-separated ("+strings.Join(rowNames, ", ")+
		"); prints their figures instead of the report (nochange, warm, changed and thumbs run the initial sync first)")
	flag.Parse()
	if err := run(p); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// measurement is one sync run of the real command.
type measurement struct {
	name     string
	requests int64
	wall     time.Duration
	files    int
	peakRSS  int64 // bytes
	runs     int   // > 1: the median of this many runs
}

func (m measurement) floor(latency time.Duration, inflight int) time.Duration {
	return time.Duration(m.requests) * latency / time.Duration(inflight)
}

func run(p params) error {
	ctx := context.Background()
	work, err := os.MkdirTemp("", "stocksync-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "stocksync")
	logf("building stocksync")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/stocksync").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	logf("starting the built-in ESP server (web API, session sign-in): %d batches × %d files, %s latency", p.batches, p.files, p.latency)
	srv, err := newServer(42, p.batches, p.files, p)
	if err != nil {
		return err
	}
	defer srv.Close()

	data := filepath.Join(work, "data")
	if err := writeConfig(data, srv, p.inflight); err != nil {
		return err
	}
	env := sessionEnv(srv)
	sync := func(name string) (measurement, error) {
		before := total(srv.Counts())
		m, err := syncChild(ctx, bin, data, env)
		m.name = name
		m.requests = total(srv.Counts()) - before
		logf("%s: %d requests in %s, peak RSS %.1f MB", name, m.requests, m.wall.Round(time.Millisecond), float64(m.peakRSS)/(1<<20))
		return m, err
	}
	var r results
	o := p.only
	if o.has("initial") || o["nochange"] || o["warm"] || o["changed"] || o["thumbs"] {
		if r.initial, err = sync("Initial sync"); err != nil {
			return err
		}
	}
	if o.has("nochange") {
		// One no-change run is a few hundred ms on a shared machine: the
		// row is the median of several, each a new process.
		if r.nochange, err = medianOf(noChangeRuns, func() (measurement, error) { return sync("No-change sync") }); err != nil {
			return err
		}
	}
	if o.has("warm") {
		if r.warm, err = medianOf(warmRuns, func() (measurement, error) { return warmNoChange(ctx, srv, data, p) }); err != nil {
			return err
		}
		prof := p.warmProfile
		if prof == "" && len(o) == 0 {
			prof = filepath.Join(work, "warm.prof")
		}
		if prof != "" {
			if _, err := profileWarm(ctx, srv, data, p, max(p.warmRepeat, 1), prof); err != nil {
				return err
			}
			if len(o) == 0 {
				if r.warmProfile, err = warmProfileTop(prof, max(p.warmRepeat, 1)); err != nil {
					return err
				}
			}
		}
	}
	if o.has("changed") {
		changed := changeOnePercent(srv, p.batches*p.files/100)
		if r.onePct, err = sync(fmt.Sprintf("After 1%% changed (%d files)", changed)); err != nil {
			return err
		}
	}
	if o.has("thumbs") {
		if r.thumbRate, r.thumbDone, err = thumbnailThroughput(ctx, srv, data, p); err != nil {
			return err
		}
	}
	if p.bigBatches > 0 && o.has("big") {
		m, err := bigInitial(ctx, bin, work, p)
		if err != nil {
			return err
		}
		r.big = &m
	}
	if p.naive && o.has("naive") {
		logf("naive baseline: one request at a time, pages of %d, contributions paged (this takes a while)", naivePageSize)
		n, err := naiveSync(ctx, srv, work, p)
		if err != nil {
			return err
		}
		r.naive = &n
		logf("naive: %d requests in %s", n.requests, n.wall.Round(time.Millisecond))
	}
	if o.has("backup") {
		logf("running the backup benchmarks")
		if r.backup, err = goBench("./core/backup", backupBenchtime); err != nil {
			return err
		}
	}
	if o.has("store") {
		storeOut, err := goBench("./core/store", "300x")
		if err != nil {
			return err
		}
		storeProfile, err := profileWriter(work)
		if err != nil {
			return err
		}
		r.store = storeOut + "\n\n" + storeProfile
	}
	if o.has("throttle") {
		logf("running the throttled-server benchmark")
		if r.throttle, err = throttleBench(); err != nil {
			return err
		}
	}
	if o.has("idle") {
		logf("running the idle-app tests")
		if r.idle, err = idleTests(); err != nil {
			return err
		}
	}
	var report string
	if len(o) == 0 {
		report = render(p, []measurement{r.initial, r.nochange, r.warm, r.onePct}, r.big, r.naive, r.thumbRate, r.thumbDone, r.backup,
			r.store, r.throttle, r.idle, r.warmProfile)
	} else {
		report = renderSome(p, r)
	}
	if p.out == "" {
		fmt.Print(report)
		return nil
	}
	return os.WriteFile(p.out, []byte(report), 0o644)
}

// results are the figures of one run; parts not run are zero.
type results struct {
	initial, nochange, warm, onePct measurement
	big, naive                      *measurement
	thumbRate                       float64
	thumbDone                       int
	backup, store, throttle         string
	idle                            []idleFigure
	// warmProfile is the top of the warm no-change runs' CPU profile.
	warmProfile string
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func total(m map[string]int) int64 {
	var n int64
	for k, v := range m {
		if k != esp.EndpointThumbnail {
			n += int64(v)
		}
	}
	return n
}

func writeConfig(data string, srv *espfake.Server, inflight int) error {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	c := config.Default()
	c.Server, c.APIRoot = config.ServerCustom, srv.URL()
	c.Concurrency, c.RequestsPerSecond = inflight, -1
	return config.Save(filepath.Join(data, "config.json"), c)
}

// syncChild runs `stocksync sync` and reads its result line and max RSS.
func syncChild(ctx context.Context, bin, data string, env []string) (measurement, error) {
	cmd := exec.CommandContext(ctx, bin, "--data-dir", data, "sync", "--json", "--no-thumbnails")
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, fmt.Errorf("stocksync sync: %v", err)
	}
	hwm := watchPeakRSS(cmd.Process.Pid)
	err := cmd.Wait()
	wall := time.Since(start)
	peak := hwm()
	if err != nil {
		return measurement{}, fmt.Errorf("stocksync sync: %v\n%s", err, stderr.String())
	}
	m := measurement{wall: wall, peakRSS: peak}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && peak == 0 {
		// macOS: ru_maxrss in bytes. (On Linux it would include this
		// process's own memory at the fork, so /proc is read instead.)
		m.peakRSS = int64(ru.Maxrss)
	}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var line struct {
			Event string        `json:"event"`
			Run   store.SyncRun `json:"run"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Event == "result" {
			m.files = line.Run.FilesWritten
		}
	}
	return m, nil
}

// bigInitial is the initial sync of a large portfolio (p.bigBatches ×
// p.bigFiles files) on its own server and data folder, same latency and
// concurrency.
func bigInitial(ctx context.Context, bin, work string, p params) (measurement, error) {
	logf("large portfolio: %d batches × %d files, %s latency", p.bigBatches, p.bigFiles, p.latency)
	srv, err := newServer(43, p.bigBatches, p.bigFiles, p)
	if err != nil {
		return measurement{}, err
	}
	defer srv.Close()
	data := filepath.Join(work, "data-big")
	if err := writeConfig(data, srv, p.inflight); err != nil {
		return measurement{}, err
	}
	before := total(srv.Counts())
	m, err := syncChild(ctx, bin, data, sessionEnv(srv))
	m.name = fmt.Sprintf("Initial sync, %s files (%s batches × %d)", comma(p.bigBatches*p.bigFiles), comma(p.bigBatches), p.bigFiles)
	m.requests = total(srv.Counts()) - before
	logf("%s: %d requests in %s, peak RSS %.1f MB", m.name, m.requests, m.wall.Round(time.Millisecond), float64(m.peakRSS)/(1<<20))
	os.RemoveAll(data)
	return m, err
}

// watchPeakRSS follows a child's peak resident memory on Linux (VmHWM in
// /proc/PID/status, sampled every 20 ms; the peak only grows, so the last
// sample is at most 20 ms behind). Linux's ru_maxrss cannot be used: a child
// forked from this process starts with this process's peak, which here holds
// the built-in server's whole portfolio. The returned func stops the watch
// and gives the peak in bytes, or 0 where /proc is missing.
func watchPeakRSS(pid int) func() int64 {
	path := fmt.Sprintf("/proc/%d/status", pid)
	var peak atomic.Int64
	read := func() {
		b, err := os.ReadFile(path)
		if err != nil {
			return
		}
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) == 3 && f[0] == "VmHWM:" && f[2] == "kB" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil && kb*1024 > peak.Load() {
					peak.Store(kb * 1024)
				}
			}
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		<-done
		return peak.Load()
	}
}

// changeOnePercent moves n random files through review.
func changeOnePercent(srv *espfake.Server, n int) int {
	r := rand.New(rand.NewPCG(7, 7))
	ids := srv.BatchIDs()
	done := 0
	for done < n {
		b := ids[r.IntN(len(ids))]
		files := srv.ContributionIDs(b)
		id := files[r.IntN(len(files))]
		var err error
		switch done % 3 {
		case 0:
			err = srv.SetStatus(b, id, esp.StatusProcessed)
		case 1:
			err = srv.RequestRevision(b, id, []string{"Keywords"}, "Remove unrelated keywords.")
		default:
			err = srv.Reject(b, id, []string{"Focus"}, "Subject not in focus.")
		}
		if err == nil {
			done++
		}
	}
	return done
}

func thumbnailThroughput(ctx context.Context, srv *espfake.Server, data string, p params) (float64, int, error) {
	db, err := store.Open(ctx, filepath.Join(data, "stocksync.db"), store.Options{})
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	client, err := openClient(srv, p.inflight)
	if err != nil {
		return 0, 0, err
	}
	dl := &thumbs.Downloader{DB: db, Fetch: client, Dir: filepath.Join(data, "thumbnails"), Workers: p.inflight}
	tctx, cancel := context.WithTimeout(ctx, time.Duration(p.thumbSeconds)*time.Second)
	defer cancel()
	start := time.Now()
	dl.Drain(tctx)
	el := time.Since(start)
	done := dl.Stats().Done
	logf("thumbnails: %d in %s", done, el.Round(time.Millisecond))
	return float64(done) / el.Seconds(), done, nil
}

// warmNoChange is a no-change sync as the menu-bar app runs it: in a running
// process whose client has already made a request with its session.
func warmNoChange(ctx context.Context, srv *espfake.Server, data string, p params) (measurement, error) {
	db, err := store.Open(ctx, filepath.Join(data, "stocksync.db"), store.Options{})
	if err != nil {
		return measurement{}, err
	}
	defer db.Close()
	client, err := openClient(srv, p.inflight)
	if err != nil {
		return measurement{}, err
	}
	if err := client.VerifyCredentials(ctx); err != nil {
		return measurement{}, err
	}
	eng := &syncer.Engine{DB: db, ESP: client}
	before := total(srv.Counts())
	start := time.Now()
	res, err := eng.Run(ctx, syncer.Options{})
	m := measurement{name: "No-change sync, app (warm client)", wall: time.Since(start), requests: total(srv.Counts()) - before,
		files: res.Run.FilesWritten}
	logf("%s: %d requests in %s", m.name, m.requests, m.wall.Round(time.Millisecond))
	return m, err
}

func naiveSync(ctx context.Context, srv *espfake.Server, work string, p params) (measurement, error) {
	db, err := store.Open(ctx, filepath.Join(work, "naive.db"), store.Options{})
	if err != nil {
		return measurement{}, err
	}
	defer db.Close()
	client, err := openClient(srv, 1)
	if err != nil {
		return measurement{}, err
	}
	eng := &syncer.Engine{DB: db, ESP: naiveESP{client}, Fetchers: 1, BatchPageSize: naivePageSize, ContributionPageSize: naivePageSize}
	before := total(srv.Counts())
	start := time.Now()
	res, err := eng.Run(ctx, syncer.Options{})
	if err != nil {
		return measurement{}, err
	}
	return measurement{name: "Naive initial sync", wall: time.Since(start), requests: total(srv.Counts()) - before,
		files: res.Run.FilesWritten}, nil
}

func goBench(pkg, benchtime string) (string, error) {
	out, err := exec.Command("go", "test", "-run=^$", "-bench=.", "-benchtime="+benchtime, "-count=1", "-timeout=60m", pkg).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("go test -bench %s: %v\n%s", pkg, err, out)
	}
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "Benchmark") || strings.HasPrefix(l, "cpu:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n"), nil
}

// profileWriter profiles BenchmarkWriteBatchFiles and returns the top of
// the profile by cumulative time, the store's and SQLite's own lines.
func profileWriter(work string) (string, error) {
	prof, bin := filepath.Join(work, "writer.prof"), filepath.Join(work, "store.test")
	out, err := exec.Command("go", "test", "-run=^$", "-bench=WriteBatchFiles", "-benchtime=1000x", "-count=1",
		"-cpuprofile", prof, "-o", bin, "./core/store").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("profile the store writer: %v\n%s", err, out)
	}
	top, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=60", bin, prof).Output()
	if err != nil {
		return "", fmt.Errorf("read the store writer's profile: %v", err)
	}
	keep := []string{"go test -run=^$ -bench=WriteBatchFiles -benchtime=1000x -cpuprofile … ./core/store; go tool pprof -top -cum:"}
	for _, l := range strings.Split(string(top), "\n") {
		if strings.Contains(l, "flat%") || strings.Contains(l, "Total samples") ||
			(strings.Contains(l, "stocksync/core/store.") || strings.Contains(l, "sqlite") || strings.Contains(l, "Syscall6")) &&
				!strings.Contains(l, "_modernc_seh") {
			keep = append(keep, l)
		}
	}
	if len(keep) > 32 {
		keep = keep[:32]
	}
	return strings.Join(keep, "\n"), nil
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return math.Inf(1)
	}
	return float64(a) / float64(b)
}
