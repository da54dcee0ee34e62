// Package logfile is a log file that rotates by size while it is written:
// past MaxBytes, NAME becomes NAME.1 (NAME.1 becomes NAME.2, …, up to
// Keep old files) and a new NAME starts. The app writes its slog log
// (~/Library/Logs/Stocksync/Stocksync.log on macOS) through it, so a
// menu-bar app that runs for weeks never fills the disk with its log.
//
// Writing never fails because rotation did: a file that cannot be renamed
// keeps growing, and the next write tries again.
package logfile
