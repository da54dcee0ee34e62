package app

import (
	"context"
	"fmt"

	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/watch"
)

// watchFolder handles the data-folder watcher's events until ctx ends or the
// watcher stops.
func (c *Controller) watchFolder(ctx context.Context, w Watcher) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events():
			if !ok {
				return
			}
			c.handleWatch(ctx, ev)
		}
	}
}

func (c *Controller) handleWatch(ctx context.Context, ev watch.Event) {
	switch ev.Kind {
	case watch.LocalDataChanged:
		if c.deps.Safety != nil {
			c.deps.Safety.Changed()
		}
		c.checkReminders(ctx)
	case watch.FolderBack:
		c.log.watch.Warn(ev.Kind.String(), "path", ev.Path)
		c.update(func() { c.f.folderBack = c.f.folderGone || c.f.dbGone })
	case watch.Error:
		c.log.watch.Warn("watching the data folder", "err", ev.Err)
		c.update(func() { c.f.watchErr = ev.Err.Error() })
	case watch.DatabaseGone, watch.FolderGone:
		folder := ev.Kind == watch.FolderGone
		c.log.watch.Error(ev.Kind.String(), "path", ev.Path, "reason", ev.Reason)
		var notes []notify.Notification
		c.update(func() {
			already := c.f.dbGone || c.f.folderGone
			c.f.folderBack = false
			if folder {
				c.f.folderGone = true
			} else {
				c.f.dbGone = true
			}
			if !already {
				notes = append(notes, dataGoneNote(folder))
			}
		})
		c.notify(ctx, notes...)
	}
}

// NewFolderWatcher is the app's WatcherFactory: package watch (fsnotify).
func NewFolderWatcher(opt watch.Options) WatcherFactory {
	return func(dataDir string) (Watcher, error) {
		w, err := watch.New(datadir.Dir{Root: dataDir}, opt)
		if err != nil {
			return nil, fmt.Errorf("watch the data folder: %w", err)
		}
		return w, nil
	}
}
