package backup

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Phases a Progress report can be in.
const (
	// PhaseDatabase: Snapshot is copying the database (VACUUM INTO) and
	// reading its counts. Files 0 of 1 until it is in place, then 1 of 1
	// with its size in Bytes.
	PhaseDatabase = "database"
	// PhaseSettings: Snapshot is copying config.json.
	PhaseSettings = "settings"
	// PhaseThumbnails: Snapshot is copying or hard-linking thumbnails;
	// FilesTotal is known once the thumbnail folder was listed, BytesTotal
	// is 0 (unknown).
	PhaseThumbnails = "thumbnails"
	// PhaseFiles: Verify is reading every file of the snapshot back and
	// hashing it; FilesTotal and BytesTotal come from the manifest.
	PhaseFiles = "files"
	// PhaseIntegrity: Verify has read every file and waits for the
	// database's PRAGMA integrity_check, row counts and local-only digests.
	PhaseIntegrity = "integrity"
	// PhaseRestore: TestRestore is opening the restored copy and comparing it.
	PhaseRestore = "restore"
)

// Progress is how far a backup operation is: what it has done in its current
// phase (files and bytes) out of how much (0 when not known). Snapshot,
// Verify and TestRestore report it through their options' Progress
// function, at the start and end of each phase and about every 1% in between
// (so about a hundred calls per phase, whatever the number of files), one
// call at a time. Keep the function quick: the operation waits for it.
type Progress struct {
	// Op is what runs: KindSnapshot, KindSafety, KindVerify or KindTestRestore.
	Op         string `json:"op"`
	Phase      string `json:"phase"` // one of the Phase* constants
	Files      int    `json:"files"`
	FilesTotal int    `json:"files_total"`
	Bytes      int64  `json:"bytes"`       // read or put in place (linked files count their size)
	BytesTotal int64  `json:"bytes_total"` // 0: not known
}

// meter turns many small advances into a bounded number of Progress calls.
// It is safe for concurrent use; fn is called with the lock held, so calls
// never overlap.
type meter struct {
	mu        sync.Mutex
	fn        func(Progress)
	p         Progress
	nextFiles int
	nextBytes int64
}

func newMeter(op string, fn func(Progress)) *meter {
	return &meter{fn: fn, p: Progress{Op: op}}
}

// steps is how many reports a phase gets between its start and its end.
const steps = 100

// phase starts a new phase and reports it.
func (m *meter) phase(name string, filesTotal int, bytesTotal int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p = Progress{Op: m.p.Op, Phase: name, FilesTotal: filesTotal, BytesTotal: bytesTotal}
	m.nextFiles = max(1, filesTotal/steps)
	m.nextBytes = max(1<<20, bytesTotal/steps)
	m.emit()
}

// add counts files and bytes done, reporting when a step was crossed.
func (m *meter) add(files int, bytes int64) {
	if m == nil || (files == 0 && bytes == 0) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p.Files += files
	m.p.Bytes += bytes
	if m.p.Files < m.nextFiles && m.p.Bytes < m.nextBytes {
		return
	}
	fStep := max(1, m.p.FilesTotal/steps)
	for m.nextFiles <= m.p.Files {
		m.nextFiles += fStep
	}
	bStep := max(1<<20, m.p.BytesTotal/steps)
	for m.nextBytes <= m.p.Bytes {
		m.nextBytes += bStep
	}
	m.emit()
}

// flush reports the current state (the end of a phase).
func (m *meter) flush() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.emit()
}

func (m *meter) emit() {
	if m.fn != nil {
		m.fn(m.p)
	}
}

// ioWorkers is how many files are read, hashed, copied or linked at once:
// enough to keep a disk's queue (or a network share's round trips) busy and
// to hash on every core, few enough not to thrash a spinning disk.
const ioWorkers = 4

// forEach calls fn(i) for i in [0, n) on up to ioWorkers goroutines. The
// first error (or ctx ending) stops the rest and is returned.
func forEach(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(ioWorkers)
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return fn(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}
