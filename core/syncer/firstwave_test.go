package syncer

import "testing"

type limitedESP struct {
	ESP
	limit int
}

func (l limitedESP) InFlightLimit() int { return l.limit }

// The stored batches are read once the first wave of list requests is
// written: as many as the expected list has pages, up to the client's
// in-flight limit.
func TestFirstWave(t *testing.T) {
	for _, c := range []struct {
		esp         ESP
		pageSize    int
		known       int
		want        int
		whatItMeans string
	}{
		{limitedESP{limit: 8}, 0, 2000, 8, "20 pages of 100 over 8 slots"},
		{limitedESP{limit: 8}, 0, 150, 2, "2 pages"},
		{limitedESP{limit: 8}, 50, 201, 5, "5 pages of 50"},
		{limitedESP{limit: 8}, 0, 0, 1, "first sync: page 1 alone"},
		{limitedESP{limit: 0}, 0, 2000, 1, "no limit said"},
		{nil, 0, 2000, 1, "a client that does not say its limit"},
	} {
		r := &run{e: &Engine{ESP: c.esp, BatchPageSize: c.pageSize}}
		if got := r.firstWave(c.known); got != c.want {
			t.Errorf("%s: firstWave(%d) = %d, want %d", c.whatItMeans, c.known, got, c.want)
		}
	}
}
