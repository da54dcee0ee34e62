// Package atomicfile writes files so that a reader, or a crash, only ever sees
// the old content or the new content in full: a temporary file in the same
// folder, fsync, rename over the target, fsync the folder.
//
// Every file Stocksync writes that a user could lose (config, manifests,
// thumbnails, snapshots) goes through here; the data folder never holds a
// half-written file under its real name.
package atomicfile
