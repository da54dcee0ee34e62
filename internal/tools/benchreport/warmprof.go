package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/esp/espfake"
)

// profileWarm repeats the app's no-change sync n times under the CPU
// profiler, writes the profile to path, and returns the runs' walls sorted
// (the median tells the steady state; the profile tells where the time
// beyond the round trips goes: this process runs both the client and the
// built-in server, as the measured row does).
func profileWarm(ctx context.Context, srv *espfake.Server, data string, p params, n int, path string) ([]time.Duration, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, err
	}
	walls := make([]time.Duration, 0, n)
	for range n {
		m, err := warmNoChange(ctx, srv, data, p)
		if err != nil {
			pprof.StopCPUProfile()
			return nil, err
		}
		walls = append(walls, m.wall)
	}
	pprof.StopCPUProfile()
	slices.Sort(walls)
	logf("warm no-change ×%d: min %s, median %s, max %s; CPU profile in %s", n,
		walls[0].Round(time.Millisecond), walls[n/2].Round(time.Millisecond), walls[n-1].Round(time.Millisecond), path)
	return walls, f.Sync()
}

// Runs of the no-change rows; each row is their median.
const (
	noChangeRuns = 7
	warmRuns     = 21
)

// medianOf runs measure n times and returns the run with the median wall.
func medianOf(n int, measure func() (measurement, error)) (measurement, error) {
	ms := make([]measurement, 0, n)
	for range n {
		m, err := measure()
		if err != nil {
			return m, err
		}
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b measurement) int { return cmp.Compare(a.wall, b.wall) })
	m := ms[n/2]
	m.runs = n
	logf("%s: median of %d runs %s (min %s, max %s)", m.name, n, m.wall.Round(time.Millisecond),
		ms[0].wall.Round(time.Millisecond), ms[n-1].wall.Round(time.Millisecond))
	return m, nil
}

// shapeArgs are generic instantiations in profile names ("[go.shape.struct
// { ID string; … }]"), shortened to "[…]".
var shapeArgs = regexp.MustCompile(`\[go\.shape\.[^\]]*\]`)

// warmProfileTop is the top of the warm runs' CPU profile by cumulative
// time: the client's, the built-in server's and the store's own lines.
func warmProfileTop(prof string, runs int) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	top, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=120", self, prof).Output()
	if err != nil {
		return "", fmt.Errorf("read the warm runs' profile: %v", err)
	}
	keep := []string{fmt.Sprintf("%d warm no-change syncs in one process (client and built-in server); go tool pprof -top -cum:", runs)}
	for _, l := range strings.Split(string(top), "\n") {
		if strings.Contains(l, "flat%") || strings.Contains(l, "Total samples") ||
			strings.Contains(l, "stocksync/core/") && !strings.Contains(l, ".func") ||
			strings.Contains(l, "encoding/json.") || strings.Contains(l, "jsontext.") || strings.Contains(l, "runtime.gcBgMarkWorker") {
			keep = append(keep, shapeArgs.ReplaceAllString(l, "[…]"))
		}
	}
	if len(keep) > 36 {
		keep = keep[:36]
	}
	return strings.Join(keep, "\n"), nil
}
