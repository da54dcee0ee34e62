package syncer

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Phase is the stage a run is in.
type Phase string

const (
	PhaseStarting Phase = "starting"
	PhasePushing  Phase = "pushing"
	PhaseListing  Phase = "listing"
	PhaseFiles    Phase = "files"
	PhaseDone     Phase = "done"
)

// Progress is one progress report. The same type feeds the CLI's progress
// bar and JSON lines, and the menu-bar app's "Syncing… 1,234 of 5,000 files".
type Progress struct {
	RunID            int64         `json:"run_id"`
	Phase            Phase         `json:"phase"`
	BatchesTotal     int           `json:"batches_total"`
	BatchesDone      int           `json:"batches_done"`
	FilesTotal       int           `json:"files_total"`
	FilesDone        int           `json:"files_done"`
	ThumbnailsQueued int           `json:"thumbnails_queued"`
	EditsSent        int           `json:"edits_sent"`
	Conflicts        int           `json:"conflicts"`
	Errors           int           `json:"errors"`
	Requests         int64         `json:"requests"`
	Elapsed          time.Duration `json:"elapsed_ns"`
	// Throttled is true while ESP is slowing the sync down (429, or 403 over
	// a rate limit); RequestsPerSecond is then the rate the client keeps to.
	Throttled         bool    `json:"throttled"`
	RequestsPerSecond float64 `json:"requests_per_second,omitempty"`
}

// ThrottleNote is the line to show while ESP is throttling, "" otherwise:
// "ESP is slowing us down; continuing at N requests/s".
func (p Progress) ThrottleNote() string {
	if !p.Throttled {
		return ""
	}
	if p.RequestsPerSecond <= 0 {
		return "ESP is slowing us down; continuing more slowly"
	}
	return fmt.Sprintf("ESP is slowing us down; continuing at %s requests/s", rate(p.RequestsPerSecond))
}

// rate prints a request rate with one decimal below 10 ("2.5", "12").
func rate(rps float64) string {
	if rps < 10 {
		return strings.TrimSuffix(fmt.Sprintf("%.1f", rps), ".0")
	}
	return fmt.Sprintf("%.0f", rps)
}

func (p Progress) String() string {
	var s string
	switch p.Phase {
	case PhaseFiles:
		s = fmt.Sprintf("syncing: %d of %d files, %d of %d batches", p.FilesDone, p.FilesTotal, p.BatchesDone, p.BatchesTotal)
	case PhasePushing:
		s = fmt.Sprintf("sending local changes: %d sent, %d conflicts", p.EditsSent, p.Conflicts)
	default:
		s = string(p.Phase)
	}
	if n := p.ThrottleNote(); n != "" {
		s += " (" + n + ")"
	}
	return s
}

// reporter is the one place sync progress is throttled: at most one report
// per every (250 ms, about four a second) reaches fn, so listeners (the
// CLI's bar and JSON lines, the app's menu) publish what they get without
// a throttle of their own. A phase change and the final report (PhaseDone)
// go out at once, each preceded by the last counts of the phase it ends if
// those were held back; any other update held back by the throttle goes out
// when the interval ends (a trailing flush), so the last counts always
// reach fn and a run that pauses after a burst does not show stale counts.
// Nothing is sent after PhaseDone.
//
// Reports reach fn one at a time and in order; an update waits at most for
// a report in progress, so fn must not block for long. The throttle runs on
// the time package (testing/synctest fakes it); now (Engine.Now) only
// stamps Progress.Elapsed.
type reporter struct {
	fn    func(Progress)
	every time.Duration
	now   func() time.Time
	start time.Time

	// sendMu is held while a report is chosen and sent, so reports reach
	// fn in the order their counts were reached. Taken before mu.
	sendMu sync.Mutex

	mu      sync.Mutex
	cur     Progress
	last    time.Time   // when the last report went out (time.Now)
	pending bool        // cur holds counts fn has not seen
	timer   *time.Timer // the trailing flush, while pending
	armed   int         // counts the timers armed: a stopped one that fired anyway is told apart
	done    bool        // the final report went out
}

func (r *reporter) update(f func(*Progress)) {
	r.sendMu.Lock()
	defer r.sendMu.Unlock()
	r.mu.Lock()
	prev := r.cur
	f(&r.cur)
	r.cur.Elapsed = r.now().Sub(r.start)
	if r.fn == nil || r.done {
		r.mu.Unlock()
		return
	}
	var out []Progress
	t := time.Now()
	switch {
	case r.cur.Phase != prev.Phase || r.cur.Phase == PhaseDone:
		if r.pending {
			out = append(out, prev) // the ending phase's last counts first
		}
		out = append(out, r.cur)
		r.done = r.cur.Phase == PhaseDone
		r.sentLocked(t)
	case t.Sub(r.last) >= r.every:
		out = append(out, r.cur)
		r.sentLocked(t)
	default:
		r.pending = true
		if r.timer == nil {
			r.armed++
			armed := r.armed
			r.timer = time.AfterFunc(r.every-t.Sub(r.last), func() { r.flush(armed) })
		}
	}
	r.mu.Unlock()
	for _, p := range out {
		r.fn(p)
	}
}

// sentLocked records that cur went out at t: nothing is pending any more.
func (r *reporter) sentLocked(t time.Time) {
	r.last, r.pending = t, false
	if r.timer != nil {
		r.timer.Stop() // a flush already under way finds nothing pending
		r.timer = nil
	}
}

// flush is the trailing report: the counts held back by the throttle. armed
// names the timer that called it; a timer stopped or replaced since does nothing.
func (r *reporter) flush(armed int) {
	r.sendMu.Lock()
	defer r.sendMu.Unlock()
	r.mu.Lock()
	if r.timer == nil || armed != r.armed || !r.pending || r.done {
		r.mu.Unlock()
		return
	}
	r.timer = nil
	r.cur.Elapsed = r.now().Sub(r.start)
	p := r.cur
	r.sentLocked(time.Now())
	r.mu.Unlock()
	r.fn(p)
}

func (r *reporter) snapshot() Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur
}
