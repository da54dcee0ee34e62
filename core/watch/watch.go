package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/core/clock"
	"github.com/stocksync/stocksync/core/datadir"
)

// Kind is what happened.
type Kind int

const (
	LocalDataChanged Kind = iota + 1 // debounced
	DatabaseGone                     // immediate
	FolderGone                       // immediate
	FolderBack
	Error // the watcher reported a problem; watching goes on
)

func (k Kind) String() string {
	switch k {
	case LocalDataChanged:
		return "local data changed"
	case DatabaseGone:
		return "database gone"
	case FolderGone:
		return "data folder gone"
	case FolderBack:
		return "data folder back"
	case Error:
		return "watch error"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Reasons for DatabaseGone and FolderGone.
const (
	ReasonDeleted  = "deleted"
	ReasonMoved    = "moved"
	ReasonReplaced = "replaced"
)

// Event is one thing the app should know about.
type Event struct {
	Kind    Kind
	Path    string // the file or folder concerned
	Reason  string // DatabaseGone, FolderGone: deleted, moved or replaced
	Changes int    // LocalDataChanged: file-system events folded into this one
	Time    time.Time
	Err     error // Error
}

func (e Event) String() string {
	s := e.Kind.String() + ": " + e.Path
	switch {
	case e.Reason != "":
		s += " (" + e.Reason + ")"
	case e.Err != nil:
		s += ": " + e.Err.Error()
	case e.Changes > 0:
		s += fmt.Sprintf(" (%d changes)", e.Changes)
	}
	return s
}

// Options tune a Watcher.
type Options struct {
	// Debounce is how long writes must pause before LocalDataChanged is sent
	// (default 2s).
	Debounce time.Duration
	// MaxDelay bounds the wait while writes never pause, e.g. during a long
	// sync (default 30s).
	MaxDelay time.Duration
	Clock    clock.Clock // nil: clock.System()
}

// Watcher watches one data folder. Create it with New.
type Watcher struct {
	dir    datadir.Dir
	root   string
	parent string
	opt    Options
	fw     *fsnotify.Watcher
	events chan Event

	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup

	// Owned by the loop goroutine.
	present  bool // the data folder exists and is watched
	dbExists bool
	deb      debounce
	timer    clock.Timer
	// flushes receives the generation of the debounce timer that fired;
	// only the newest one (gen) flushes, so a timer stopped too late
	// cannot flush early.
	flushes chan uint64
	gen     uint64
}

// New starts watching the data folder dir. The folder itself may be missing
// (FolderBack is sent when it appears); the folder above it must exist.
func New(dir datadir.Dir, opt Options) (*Watcher, error) {
	if opt.Debounce <= 0 {
		opt.Debounce = 2 * time.Second
	}
	if opt.MaxDelay < opt.Debounce {
		opt.MaxDelay = max(30*time.Second, opt.Debounce)
	}
	if opt.Clock == nil {
		opt.Clock = clock.System()
	}
	root := filepath.Clean(dir.Root)
	w := &Watcher{dir: datadir.Dir{Root: root}, root: root, parent: filepath.Dir(root), opt: opt,
		events: make(chan Event, 16), done: make(chan struct{}), flushes: make(chan uint64, 1)}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch data folder %s: %w", root, err)
	}
	w.fw = fw
	if err := fw.Add(w.parent); err != nil {
		fw.Close()
		return nil, fmt.Errorf("watch %s (the folder holding the data folder): %w", w.parent, err)
	}
	if err := w.addRoot(); err != nil {
		fw.Close()
		return nil, err
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// Events delivers events until Close; it is closed when the watcher stops.
func (w *Watcher) Events() <-chan Event { return w.events }

// Close stops watching and waits for the goroutine to end. Pending debounced
// changes are dropped.
func (w *Watcher) Close() error {
	var err error
	w.closeOnce.Do(func() {
		close(w.done)
		err = w.fw.Close()
		w.wg.Wait()
	})
	return err
}

// addRoot starts watching the data folder if it exists.
func (w *Watcher) addRoot() error {
	st, err := os.Stat(w.root)
	if err != nil || !st.IsDir() {
		w.present, w.dbExists = false, false
		return nil
	}
	if err := w.fw.Add(w.root); err != nil {
		if errors.Is(err, os.ErrNotExist) { // gone again already
			return nil
		}
		return fmt.Errorf("watch data folder %s: %w", w.root, err)
	}
	w.present = true
	_, err = os.Stat(w.dir.DB())
	w.dbExists = err == nil
	return nil
}

func (w *Watcher) loop() {
	defer w.wg.Done()
	defer close(w.events)
	defer func() {
		if w.timer != nil {
			w.timer.Stop()
		}
	}()
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			w.handle(ev)
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: assume the worst about what they said.
				w.recheck()
				w.changed()
				continue
			}
			w.emit(Event{Kind: Error, Path: w.root, Err: err})
		case gen := <-w.flushes:
			if gen == w.gen {
				w.flush()
			}
		}
	}
}

func (w *Watcher) handle(ev fsnotify.Event) {
	name := filepath.Clean(ev.Name)
	if name == w.root {
		switch {
		case ev.Has(fsnotify.Create):
			if w.present {
				w.folderGone(ReasonReplaced)
			}
			w.folderBack()
		case ev.Has(fsnotify.Remove):
			w.folderGone(ReasonDeleted)
		case ev.Has(fsnotify.Rename):
			w.folderGone(ReasonMoved)
		}
		return
	}
	if filepath.Dir(name) != w.root || !w.present {
		return
	}
	base := filepath.Base(name)
	if atomicfile.IsTemp(base) {
		return
	}
	switch base {
	case datadir.DBName:
		switch {
		case ev.Has(fsnotify.Create):
			if w.dbExists {
				w.dbGone(ReasonReplaced)
			} else {
				w.changed()
			}
			w.dbExists = true
		case ev.Has(fsnotify.Remove):
			w.dbGone(ReasonDeleted)
		case ev.Has(fsnotify.Rename):
			w.dbGone(ReasonMoved)
		case ev.Has(fsnotify.Write):
			w.changed()
		}
	case datadir.DBName + "-wal":
		if ev.Has(fsnotify.Write) || ev.Has(fsnotify.Create) {
			w.changed()
		}
	case datadir.ConfigName:
		if ev.Op != fsnotify.Chmod {
			w.changed()
		}
	}
}

func (w *Watcher) dbGone(reason string) {
	w.dbExists = false
	w.emit(Event{Kind: DatabaseGone, Path: w.dir.DB(), Reason: reason})
}

func (w *Watcher) folderGone(reason string) {
	if !w.present {
		return
	}
	w.present, w.dbExists = false, false
	w.fw.Remove(w.root) // the kernel may have dropped it already
	w.deb = debounce{}  // nothing left to report about a folder that is gone
	w.emit(Event{Kind: FolderGone, Path: w.root, Reason: reason})
}

func (w *Watcher) folderBack() {
	if w.present {
		return
	}
	if err := w.addRoot(); err != nil {
		w.emit(Event{Kind: Error, Path: w.root, Err: err})
		return
	}
	if w.present {
		w.emit(Event{Kind: FolderBack, Path: w.root})
	}
}

// recheck compares what we believe with the disk, after lost events.
func (w *Watcher) recheck() {
	st, err := os.Stat(w.root)
	switch {
	case w.present && (err != nil || !st.IsDir()):
		w.folderGone(ReasonDeleted)
		return
	case !w.present && err == nil && st.IsDir():
		w.folderBack()
		return
	}
	if _, err := os.Stat(w.dir.DB()); err != nil && w.dbExists {
		w.dbGone(ReasonDeleted)
	}
}

// changed notes one change and (re)arms the debounce timer.
func (w *Watcher) changed() {
	now := w.opt.Clock.Now()
	d := w.deb.add(now, w.opt.Debounce, w.opt.MaxDelay)
	if w.timer != nil {
		w.timer.Stop()
	}
	w.gen++
	gen := w.gen
	w.timer = w.opt.Clock.AfterFunc(d, func() {
		select {
		case w.flushes <- gen:
		case <-w.done:
		}
	})
}

func (w *Watcher) flush() {
	if w.deb.pending == 0 {
		return
	}
	n := w.deb.pending
	w.deb = debounce{}
	w.emit(Event{Kind: LocalDataChanged, Path: w.root, Changes: n})
}

func (w *Watcher) emit(ev Event) {
	ev.Time = w.opt.Clock.Now()
	select {
	case w.events <- ev:
	case <-w.done:
	}
}
