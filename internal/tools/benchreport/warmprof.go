package main

import (
	"context"
	"os"
	"runtime/pprof"
	"slices"
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
