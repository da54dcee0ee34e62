package clock

import (
	"testing"
	"testing/synctest"
	"time"
)

// The system clock's timers, in a synctest bubble: time moves only when
// every goroutine waits, so the test is exact and takes no real time.
func TestSystemAfterFuncAndStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := System()
		start := c.Now()
		fired := make(chan time.Duration, 2)
		c.AfterFunc(time.Hour, func() { fired <- c.Now().Sub(start) })
		stopped := c.AfterFunc(30*time.Minute, func() { fired <- -1 })
		if !stopped.Stop() {
			t.Fatal("Stop of a pending timer reported false")
		}
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		select {
		case d := <-fired:
			if d != time.Hour {
				t.Errorf("fired after %v, want 1h", d)
			}
		default:
			t.Fatal("the one-hour timer did not fire")
		}
		select {
		case <-fired:
			t.Error("a stopped timer fired")
		default:
		}
	})
}
