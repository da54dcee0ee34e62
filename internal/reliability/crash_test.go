package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/store"
)

// What a crash trial kills.
const (
	crashInitial     = "initial sync"
	crashIncremental = "incremental sync"
	crashPush        = "push of local edits"
	crashThumbnails  = "thumbnail downloads"
	crashBackground  = "sync and its background thumbnail downloader"
	crashSnapshot    = "snapshot"
)

// crashKinds are the kinds trials cycle through; snapshots join once the
// CLI has `stocksync backup`.
func crashKinds(t testing.TB) []string {
	kinds := []string{crashInitial, crashIncremental, crashPush, crashThumbnails, crashBackground}
	if backupCLI(t) {
		kinds = append(kinds, crashSnapshot)
	}
	return kinds
}

// TestCrash kills stocksync with SIGKILL at seeded random moments and checks
// that the database is sound, local-only rows are untouched and the next
// run converges exactly to the server. -reliability.trials sets the number.
func TestCrash(t *testing.T) {
	linuxOnly(t)
	kinds := crashKinds(t)
	if !backupCLI(t) {
		report(t, record{Group: "crash", Name: crashSnapshot, OK: true, Detail: "pending: `stocksync backup` is not in the CLI yet"})
	}
	for i := range *flagTrials {
		seed := *flagSeed + uint64(i)
		kind := kinds[i%len(kinds)]
		t.Run(fmt.Sprintf("%02d_%s", i, strings.ReplaceAll(kind, " ", "_")), func(t *testing.T) {
			out, err := crashTrial(t, seed, kind)
			rec := record{Group: "crash", Name: kind, Seed: seed, OK: err == nil, Detail: out.String(),
				Counts: map[string]int{"killed": b2i(out.killed || out.downloaderKilled), "downloader_killed": b2i(out.downloaderKilled), "thumb_temps": out.temps, "delay_ms": int(out.delay / time.Millisecond),
					"data_temps": out.dataTemps, "dest_temps": out.destTemps, "data_temps_after": out.dataTempsAfter, "dest_temps_after": out.destTempsAfter,
					"thumb_temps_after": out.thumbTempsAfter}}
			if err != nil {
				rec.Detail += ": " + err.Error()
				t.Errorf("seed %d, %s: %v\nreproduce: go test ./internal/reliability -run 'TestCrash/^%02d_' -reliability.seed=%d -reliability.trials=%d",
					seed, out, err, i, *flagSeed, i+1)
			}
			report(t, rec)
		})
	}
}

type crashOutcome struct {
	kind   string
	delay  time.Duration
	killed bool // false: the child finished before the kill
	// For a sync with thumbnails that finished first: when its detached
	// downloader was killed, and whether it was still running then.
	downloaderDelay  time.Duration
	downloaderKilled bool
	exit             string // how the killed child ended
	temps            int    // temporary files a killed writer left in thumbnails/
	// Temporary files and folders left in the data folder and the backup
	// destination, right after the kill and after the next runs.
	dataTemps, destTemps, dataTempsAfter, destTempsAfter, thumbTempsAfter int
}

func (o crashOutcome) String() string {
	s := fmt.Sprintf("%s killed after %s", o.kind, o.delay.Round(time.Millisecond))
	switch {
	case !o.killed && o.delay >= childTimeout:
		s = fmt.Sprintf("%s: the sync ran to the end (%s)", o.kind, o.exit)
	case !o.killed:
		s = fmt.Sprintf("%s finished (%s) before the kill at %s", o.kind, o.exit, o.delay.Round(time.Millisecond))
	}
	switch {
	case o.downloaderKilled:
		s += fmt.Sprintf("; its thumbnail downloader killed %s later", o.downloaderDelay.Round(time.Millisecond))
	case o.downloaderDelay > 0:
		s += fmt.Sprintf("; its thumbnail downloader finished before the kill %s later", o.downloaderDelay.Round(time.Millisecond))
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// crashServer is the portfolio of a trial: big enough that each kind of
// work takes a few hundred milliseconds, so a random kill lands inside it.
func crashServer(seed uint64, kind string) espfake.Options {
	o := espfake.Options{Seed: seed, Batches: 40, ContributionsPerBatch: 10, ContributionsPerBatchMax: 40, Latency: 4 * time.Millisecond}
	if !*flagLong {
		// The fast subset runs under -race, where the in-process server is
		// several times slower: a smaller portfolio keeps trials short.
		o.Batches, o.ContributionsPerBatchMax = 15, 25
	}
	if kind == crashPush {
		o.StatusMix = espfake.StatusMix{Pending: 0.6, Review: 0.2, Processed: 0.2}
	}
	return o
}

// crashPrepare brings e to the state before the command to be killed and
// returns the edits made.
// Calibration takes the fast path where there is a choice, so that random
// kills cover the slower path whole.
func crashPrepare(t testing.TB, r *rand.Rand, e *env, kind string, calibrating bool) map[string]localEdit {
	if kind == crashInitial {
		return seedLocal(t, r, e, 15, 15, 0)
	}
	e.mustRun("sync", "--json", "--no-thumbnails")
	n := 5
	if kind == crashPush {
		n = 40
	}
	edits := seedLocal(t, r, e, 15, 15, n)
	if kind == crashIncremental || kind == crashBackground {
		mutateServer(r, e.srv, edits)
	}
	if kind == crashSnapshot {
		// With thumbnails, so the snapshot has a thousand files to write,
		// and sometimes a previous snapshot to hard-link them from.
		e.mustRun("thumbnails", "--wait")
		if err := os.MkdirAll(e.backups(), 0o700); err != nil {
			t.Fatal(err)
		}
		if r.IntN(2) == 0 || calibrating {
			e.mustRun(crashArgs(kind, e.backups())...)
			seedLocal(t, r, e, 3, 3, 0)
		}
	}
	return edits
}

func crashArgs(kind string, dest string) []string {
	switch kind {
	case crashPush:
		return []string{"sync", "--json", "--push", "--no-thumbnails"}
	case crashThumbnails:
		return []string{"thumbnails", "--wait"}
	case crashBackground:
		return []string{"sync", "--json"}
	case crashSnapshot:
		return []string{"backup", "--to", dest, "--with-thumbnails"}
	}
	return []string{"sync", "--json", "--no-thumbnails"}
}

// window is how long a kind of command takes uninterrupted: the command
// itself, and for a sync with thumbnails, the detached downloader after it.
type window struct{ command, downloader time.Duration }

// windows caches the window of each kind.
var windows sync.Map

// crashWindow measures, once per kind, how long the command takes on an
// uninterrupted run of the same shape, so kill delays cover all of it.
func crashWindow(t *testing.T, kind string) window {
	if w, ok := windows.Load(kind); ok {
		return w.(window)
	}
	seed := *flagSeed ^ 0xca11b
	r := rand.New(rand.NewPCG(seed, 1))
	e := newEnv(t, envOptions{server: crashServer(seed, kind)})
	crashPrepare(t, r, e, kind, true)
	start := time.Now()
	res := e.run(crashArgs(kind, e.backups())...)
	w := window{command: time.Since(start)}
	if res.code != 0 {
		t.Fatalf("calibration run: %s", res)
	}
	if kind == crashBackground {
		start = time.Now()
		e.waitThumbnailer(time.Minute)
		w.downloader = time.Since(start)
	}
	windows.Store(kind, w)
	return w
}

func crashTrial(t *testing.T, seed uint64, kind string) (crashOutcome, error) {
	out := crashOutcome{kind: kind}
	win := crashWindow(t, kind)
	r := rand.New(rand.NewPCG(seed, 0xc7a5))
	e := newEnv(t, envOptions{server: crashServer(seed, kind)})
	edits := crashPrepare(t, r, e, kind, false)
	before, err := localRows(e.dbPath())
	if err != nil {
		return out, err
	}
	dest := e.backups()
	out.delay = time.Duration(r.Float64() * float64(win.command) * 1.1)
	if kind == crashBackground && r.IntN(2) == 0 {
		// Half of these trials let the sync finish and kill its downloader.
		out.delay = childTimeout
	}
	out.killed, out.exit = e.runKilled(crashArgs(kind, dest), out.delay)
	if kind == crashBackground && !out.killed {
		// The sync finished and left its detached downloader running: kill
		// that at a random moment of its own.
		out.downloaderDelay = time.Duration(r.Float64() * float64(win.downloader) * 1.1)
		time.Sleep(out.downloaderDelay)
		out.downloaderKilled = len(e.ourProcesses()) > 0
	}
	e.stopOurProcesses()
	ctx := context.Background()

	if err := checkIntegrity(e.dbPath()); err != nil {
		return out, fmt.Errorf("after the kill: %w", err)
	}
	after, err := localRows(e.dbPath())
	if err != nil {
		return out, err
	}
	if err := compareLocal(before, after, appliedOn(e.srv, edits)); err != nil {
		return out, fmt.Errorf("after the kill: %w", err)
	}
	th, err := checkThumbnails(ctx, e.data)
	if err != nil {
		return out, err
	}
	out.temps = th.temps
	out.dataTemps, out.destTemps = countTemps(e.data), countTemps(dest)
	if len(th.problems) > 0 {
		return out, fmt.Errorf("after the kill: %s", strings.Join(th.problems, "; "))
	}
	if kind == crashSnapshot {
		if err := checkSnapshots(dest); err != nil {
			return out, fmt.Errorf("after the kill: %w", err)
		}
	}

	// The next run finishes the job.
	next := []string{"sync", "--json", "--no-thumbnails"}
	if kind == crashPush {
		next = append(next, "--push")
	}
	if res := e.run(next...); res.code != 0 {
		return out, fmt.Errorf("next sync: %s", res)
	}
	if err := converged(ctx, e.dbPath(), e.srv); err != nil {
		return out, fmt.Errorf("next sync: %w", err)
	}
	final, err := localRows(e.dbPath())
	if err != nil {
		return out, err
	}
	if err := compareLocal(before, final, appliedOn(e.srv, edits)); err != nil {
		return out, fmt.Errorf("next sync: %w", err)
	}
	if kind == crashPush && len(final["local_edits"]) != 0 {
		return out, fmt.Errorf("next sync --push left %d edits unsent", len(final["local_edits"]))
	}
	if kind == crashThumbnails || kind == crashBackground {
		if res := e.run("thumbnails", "--wait"); res.code != 0 {
			return out, fmt.Errorf("next thumbnails --wait: %s", res)
		}
		live, _, err := thumbStates(e.dbPath())
		if err != nil {
			return out, err
		}
		th, err := checkThumbnails(ctx, e.data)
		if err != nil {
			return out, err
		}
		// Files removed from ESP meanwhile may fail (see TestThumbnailsOfRemovedFiles);
		// every file still on ESP must have its thumbnail.
		if live[store.ThumbQueued] != 0 || live[store.ThumbFailed] != 0 || th.images < live[store.ThumbDone] || len(th.problems) > 0 {
			return out, fmt.Errorf("thumbnails after the next run: %v for files on ESP, %d images on disk; %s",
				live, th.images, strings.Join(th.problems, "; "))
		}
	}
	if kind == crashSnapshot {
		if res := e.run(crashArgs(kind, dest)...); res.code != 0 {
			return out, fmt.Errorf("next backup: %s", res)
		}
		if err := checkSnapshots(dest); err != nil {
			return out, fmt.Errorf("next backup: %w", err)
		}
	}
	out.dataTempsAfter, out.destTempsAfter = countTemps(e.data), countTemps(dest)
	if th, err := checkThumbnails(ctx, e.data); err == nil {
		out.thumbTempsAfter = th.temps
	}
	if res := e.run("check", "--json"); res.code != 0 {
		return out, fmt.Errorf("stocksync check after recovery: %s", res)
	}
	return out, nil
}

// runKilled starts a child and kills its process group with SIGKILL after
// delay, unless it finished first.
func (e *env) runKilled(args []string, delay time.Duration) (killed bool, exit string) {
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	cmd := e.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case err := <-done:
		return false, exitText(err, errb.String())
	case <-t.C:
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return true, exitText(<-done, errb.String())
	}
}

func exitText(err error, stderr string) string {
	if err == nil {
		return "exit 0"
	}
	return err.Error() + " " + strings.TrimSpace(stderr)
}

// statusJSON is the part of `stocksync status --json` the tests read.
type statusJSON struct {
	Summary struct {
		Files            int `json:"files"`
		ThumbnailsQueued int `json:"thumbnails_queued"`
		ThumbnailsDone   int `json:"thumbnails_done"`
		ThumbnailsFailed int `json:"thumbnails_failed"`
		LocalOnly        struct {
			PendingUploads int `json:"pending_uploads"`
			LocalEdits     int `json:"local_edits"`
			LocalPaths     int `json:"local_paths"`
		} `json:"local_only"`
	} `json:"summary"`
}

func (e *env) status() (statusJSON, error) {
	var s statusJSON
	res := e.run("status", "--json")
	if res.code != 0 {
		return s, fmt.Errorf("status: %s", res)
	}
	if err := json.Unmarshal([]byte(res.stdout), &s); err != nil {
		return s, fmt.Errorf("status output %q: %w", tail(res.stdout, 300), err)
	}
	return s, nil
}

// countTemps counts the temporary files and folders directly in dir.
func countTemps(dir string) int {
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, en := range entries {
		if atomicfile.IsTemp(en.Name()) {
			n++
		}
	}
	return n
}
