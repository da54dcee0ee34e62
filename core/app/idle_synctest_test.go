package app

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stocksync/stocksync/core/clock"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/timemachine"
	"github.com/stocksync/stocksync/core/watch"
)

// countingClock is the system clock counting the timer calls it made.
type countingClock struct {
	clock.Clock
	fired atomic.Int64
}

func (c *countingClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	return c.Clock.AfterFunc(d, func() {
		c.fired.Add(1)
		f()
	})
}

// The production clock in a synctest bubble: a day passes (in no real
// time) for an app with the default settings but no account yet, so no
// sync can be due, and it wakes only for its Time Machine and reminder
// checks.
func TestIdleDayWithTheSystemClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		home := t.TempDir()
		dir := datadir.Dir{Root: filepath.Join(home, "Stocksync")}
		if err := dir.Ensure(); err != nil {
			t.Fatal(err)
		}
		if err := config.Save(dir.Config(), config.Default()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		db, err := store.Open(ctx, dir.DB(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		clk := &countingClock{Clock: clock.System()}
		c, err := New(Deps{
			DataDir: dir, DB: db, Home: home, Clock: clk,
			NewESP: NewESPFactory(nil), Secrets: &memSecrets{}, Login: &fakeLogin{}, Notifier: &notify.Recorder{},
			TimeMachine: timemachine.NewChecker(unavailableTM{}, home),
			NewWatcher:  func(string) (Watcher, error) { return &fakeWatcher{events: make(chan watch.Event)}, nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		if got, want := clk.fired.Load(), int64(24*time.Hour/recheckEvery); got != want {
			t.Errorf("%d timer wake-ups in a day, want %d (one per recheck)", got, want)
		}
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	})
}
