// Package backup takes, lists, verifies, prunes and restores snapshots of the
// Stocksync data folder: the work that exists only on this machine (pending
// uploads, local file paths, local edits, settings) must survive a lost disk.
//
// A snapshot is a folder named after its UTC creation time
// (stocksync-20261122T101500Z, "-2" etc. on collision) holding a consistent
// copy of the database made with VACUUM INTO (never a copy of the live WAL
// files), config.json, optionally the thumbnails, and manifest.json: created
// time, app and schema versions, rows per table, a digest of every local-only
// table, and the size and SHA-256 of every file (the thumbnails' in
// thumbnails.json, listed in the manifest). It is built in a temporary
// folder (atomicfile.TempPrefix) and renamed into place only when complete and
// fsynced, so a snapshot exists whole or not at all; a failed snapshot leaves
// nothing behind in the destination and never touches the data folder.
//
// The database is first copied to a temporary file in the data folder (local,
// SQLite-friendly) and then moved, copied or — when it is byte-identical to
// the previous snapshot's — hard-linked into the destination; unchanged
// thumbnails are hard-linked from the previous snapshot too, so a second
// snapshot where nothing changed writes almost nothing to the destination.
//
// Verify re-reads a snapshot (hashes, PRAGMA integrity_check, row counts,
// local-only digests) and names the file or table behind every problem; a
// successful verify is remembered in the snapshot's verified.json. Retention
// keeps the newest N, one per day for a week, one per week for two months, and
// never the only verified snapshot. Safety snapshots go to the data folder's
// snapshots/ before migrations, restores and updates, and (debounced, see
// SafetySnapshotter) after local-only data changed.
//
// Restore verifies the snapshot and restores what is intact: a snapshot that
// lacks its settings or some thumbnails still restores its database, and
// RestoreResult.Missing names what was not restored; only a damaged database
// (the local-only data itself) refuses. A full restore stages the database
// (brought to this build's schema, the restore already recorded in it) and the
// settings beside the live ones and switches them in one step through
// datadir's intent record: killed at any point, the folder holds the old set
// or, after the next command completes the switch, the new one — never a mix.
//
// BackUp is a backup as both frontends take it: Snapshot, Verify (marked),
// Prune. Newest is the newest readable snapshot of a folder, what verify and
// test-restore mean when no snapshot is named (VerifyNewest,
// TestRestoreNewest).
//
// Operations that are given a Recorder (a *store.DB) record their outcome in
// the backup history (store.BackupRun) with the kinds named by the Kind*
// constants, failures included; an interrupted one (ctx cancelled) is not
// recorded. Frontends record nothing themselves.
//
// Progress: Snapshot, Verify, TestRestore and BackUp report files and bytes
// done per phase (Progress) about a hundred times per phase, one call at a
// time. Files are read, hashed, linked and copied by a few goroutines at
// once (ioWorkers), and Verify runs the database's integrity check beside
// the hashing, so a verification costs about as long as its slower half.
package backup
