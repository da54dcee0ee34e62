package reliability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// lockedWords are what a "database is locked" failure looks like to a user.
var lockedWords = []string{"database is locked", "sqlite_busy", "database table is locked", "(5)", "(517)"}

func sawLocked(r result) bool {
	return containsAny(strings.ToLower(r.stderr+r.stdout), lockedWords)
}

// TestConcurrentProcesses: a sync runs while other processes read the
// status and list files, record edits and take snapshots; none of them
// fails, and none reports "database is locked".
func TestConcurrentProcesses(t *testing.T) {
	linuxOnly(t)
	e := newEnv(t, envOptions{server: espfake.Options{Seed: 31, Batches: 20, ContributionsPerBatch: 20, Latency: 8 * time.Millisecond,
		StatusMix: espfake.StatusMix{Pending: 0.5, Processed: 0.5}}})
	e.mustRun("sync", "--json", "--no-thumbnails")
	seedLocal(t, rand.New(rand.NewPCG(31, 1)), e, 5, 5, 0)
	// Files to edit while syncing: pending and synced now, left alone on ESP.
	var pending []string
	keep := map[string]localEdit{}
	for _, b := range e.srv.Portfolio().Batches {
		for _, c := range b.Contributions {
			if c.Status == "pending" && len(pending) < 20 {
				pending = append(pending, c.ID)
				keep[c.ID] = localEdit{}
			}
		}
	}
	grow(e.srv, 12, 20)
	mutateServer(rand.New(rand.NewPCG(31, 2)), e.srv, keep)
	if err := os.MkdirAll(e.backups(), 0o700); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	syncDone := make(chan result, 1)
	go func() { syncDone <- e.runCtx(ctx, "sync", "--json") }() // with the background thumbnail downloader
	var (
		mu   sync.Mutex
		runs []result
		wg   sync.WaitGroup
	)
	keepRun := func(r result) {
		mu.Lock()
		runs = append(runs, r)
		mu.Unlock()
	}
	stop := make(chan struct{})
	loop := func(args func(i int) []string) {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			keepRun(e.runCtx(ctx, args(i)...))
		}
	}
	wg.Add(4)
	go loop(func(int) []string { return []string{"status", "--json"} })
	go loop(func(int) []string { return []string{"list", "files", "--json"} })
	go loop(func(i int) []string {
		return []string{"edit", pending[i%len(pending)], "--title", fmt.Sprintf("Edited while syncing %d", i)}
	})
	go loop(func(int) []string { return []string{"backup", "--to", e.backups()} })
	s := <-syncDone
	close(stop)
	wg.Wait()
	e.waitThumbnailer(time.Minute)

	var problems []string
	counts := map[string]int{}
	for _, r := range append(runs, s) {
		counts[r.args[0]]++
		if r.code != 0 || sawLocked(r) {
			problems = append(problems, r.String())
		}
	}
	if counts["backup"] == 0 || counts["status"] == 0 {
		problems = append(problems, fmt.Sprintf("the sync ended before the others ran: %v", counts))
	}
	if err := checkSnapshots(e.backups()); err != nil {
		problems = append(problems, err.Error())
	}
	if err := checkIntegrity(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	}
	if r := e.run("sync", "--json", "--no-thumbnails"); r.code != 0 {
		problems = append(problems, "the next sync: "+r.String())
	} else if err := converged(context.Background(), e.dbPath(), e.srv); err != nil {
		problems = append(problems, err.Error())
	}
	report(t, record{Group: "concurrency", Name: "sync (with background thumbnails) while other processes run status, list, edit and backup",
		OK: len(problems) == 0, Detail: strings.Join(problems, "; "), Counts: counts})
	for _, p := range problems {
		t.Error(p)
	}
}

// TestRacingSyncs starts two syncs at once, repeatedly: exactly one runs,
// the other is refused with exit 4 and says what is running.
func TestRacingSyncs(t *testing.T) {
	linuxOnly(t)
	rounds := 5
	if *flagLong {
		rounds = 25
	}
	e := newEnv(t, envOptions{server: espfake.Options{Seed: 32, Batches: 10, ContributionsPerBatch: 20, Latency: 3 * time.Millisecond}})
	r := rand.New(rand.NewPCG(*flagSeed, 32))
	var problems []string
	refused := 0
	for round := range rounds {
		e.srv.AddBatch(espfake.BatchSpec{Files: 10}) // something to do each round
		skew := time.Duration(r.IntN(20)) * time.Millisecond
		res := make(chan result, 2)
		go func() { res <- e.run("sync", "--json", "--no-thumbnails") }()
		time.Sleep(skew)
		go func() { res <- e.run("sync", "--json", "--no-thumbnails") }()
		a, b := <-res, <-res
		codes := []int{a.code, b.code}
		switch {
		case sawLocked(a) || sawLocked(b):
			problems = append(problems, fmt.Sprintf("round %d: database is locked: %s / %s", round, a, b))
		case a.code == 0 && b.code == 0:
			// The first finished before the second started: no race this round.
		case (a.code == 0 && b.code == exitBusy) || (a.code == exitBusy && b.code == 0):
			refused++
			busy := a
			if b.code == exitBusy {
				busy = b
			}
			// The holder's record may not be written yet in the instant after it
			// took the lock; then the message still says a sync is running.
			if !containsAny(busy.stderr, []string{"stocksync sync", "already syncing"}) {
				problems = append(problems, fmt.Sprintf("round %d: the refusal does not say what is running: %s", round, lastLine(busy.stderr)))
			}
		default:
			problems = append(problems, fmt.Sprintf("round %d (skew %s): exits %v: %s / %s", round, skew, codes, a, b))
		}
	}
	if refused == 0 {
		problems = append(problems, "no round raced: every second sync started after the first ended")
	}
	if err := checkIntegrity(e.dbPath()); err != nil {
		problems = append(problems, err.Error())
	}
	if err := converged(context.Background(), e.dbPath(), e.srv); err != nil {
		problems = append(problems, err.Error())
	}
	report(t, record{Group: "concurrency", Name: "two syncs started together", OK: len(problems) == 0,
		Detail: strings.Join(problems, "; "), Counts: map[string]int{"rounds": rounds, "refused": refused}})
	for _, p := range problems {
		t.Error(p)
	}
}
