// Package datadir decides where Stocksync keeps its data and logs, and what
// lives inside the data folder. It is the only place that knows these paths,
// so the CLI, the app, backups and the watcher can never disagree.
//
// Data folder (overridable with --data-dir or STOCKSYNC_DATA_DIR):
//
//	macOS: ~/Library/Application Support/Stocksync
//	other: $XDG_DATA_HOME/stocksync (default ~/.local/share/stocksync)
//
// Logs: macOS ~/Library/Logs/Stocksync, other $XDG_STATE_HOME/stocksync
// (default ~/.local/state/stocksync).
//
// The folder repairs itself before it is read (Dir.Recover, called by every
// command): a restore switches its staged files in through an intent record
// (restore-intent.json) that the next command completes if the restore was
// killed, and temporary files (.stocksync-tmp-*) that no live process marks
// (lockfile.Mark) are removed at once.
package datadir
