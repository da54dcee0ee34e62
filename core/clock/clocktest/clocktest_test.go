package clocktest

import (
	"testing"
	"time"
)

func TestAdvanceFiresDueTimersInOrder(t *testing.T) {
	t0 := time.Date(2026, 8, 4, 9, 0, 0, 0, time.UTC)
	c := New(t0)
	var got []time.Duration
	record := func() { got = append(got, c.Now().Sub(t0)) }
	c.AfterFunc(3*time.Minute, record)
	c.AfterFunc(time.Minute, func() {
		record()
		c.AfterFunc(time.Minute, record) // armed by a call: due at 2m, fires too
	})
	stopped := c.AfterFunc(90*time.Second, record)
	if !stopped.Stop() || stopped.Stop() {
		t.Error("Stop: want true, then false")
	}
	c.AfterFunc(time.Hour, record)
	c.Advance(5 * time.Minute)
	want := []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute}
	if len(got) != len(want) {
		t.Fatalf("fired at %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fired at %v, want %v", got, want)
		}
	}
	if c.Fired() != 3 || !c.Now().Equal(t0.Add(5*time.Minute)) {
		t.Errorf("fired %d at %v, want 3 at +5m", c.Fired(), c.Now())
	}
	if p := c.Pending(); len(p) != 1 || !p[0].Equal(t0.Add(time.Hour)) {
		t.Errorf("pending %v, want the one-hour timer", p)
	}
}
