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
package datadir
