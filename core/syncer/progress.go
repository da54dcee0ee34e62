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

// reporter rate-limits progress to about four reports a second; phase changes
// and the final report always go out. It never blocks the engine for longer
// than the callback takes.
type reporter struct {
	mu    sync.Mutex
	fn    func(Progress)
	every time.Duration
	now   func() time.Time
	last  time.Time
	cur   Progress
	start time.Time
}

func (r *reporter) update(f func(*Progress)) {
	r.mu.Lock()
	prev := r.cur.Phase
	f(&r.cur)
	now := r.now()
	r.cur.Elapsed = now.Sub(r.start)
	send := r.fn != nil && (r.cur.Phase != prev || r.cur.Phase == PhaseDone || now.Sub(r.last) >= r.every)
	p := r.cur
	if send {
		r.last = now
	}
	r.mu.Unlock()
	if send {
		r.fn(p)
	}
}

func (r *reporter) snapshot() Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur
}
