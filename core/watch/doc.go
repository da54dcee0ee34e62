// Package watch watches the data folder with fsnotify (inotify on Linux,
// kqueue on macOS; no polling) and turns what happens there into a few
// events the app acts on:
//
//   - LocalDataChanged, debounced: the database, its write-ahead log or the
//     settings were written, by this process or any other (the CLI). It feeds
//     backup reminders and the debounced safety snapshot.
//   - DatabaseGone, at once: stocksync.db was deleted, moved away or replaced
//     by another file. A process that keeps the old file open would write into
//     a file nobody will ever read again: close and reopen, or stop.
//   - FolderGone, at once: the data folder itself was deleted, moved or
//     replaced.
//   - FolderBack: a data folder exists again at the path; watching resumes.
//
// One goroutine owns the fsnotify watcher and the debounce timer; Close stops
// it and waits. Our own temporary files (atomicfile.TempPrefix), the
// thumbnail cache and the safety snapshots are not watched: they change all
// the time and are not local-only data. The folder above the data folder is
// watched too, which is how a removed folder is noticed coming back.
package watch
