// Package store is the only package that talks SQL. It owns stocksync.db:
// opening it in WAL mode with a busy timeout and foreign keys, applying the
// embedded numbered migrations (one transaction each, versioned with
// PRAGMA user_version), and every query the rest of the core needs.
//
// Writes go through one connection that starts transactions with BEGIN
// IMMEDIATE, so a writer never fails half-way on a lock upgrade; reads use a
// separate pool and never block the writer (WAL). Other processes (the CLI
// while the app runs) are handled by the busy timeout and the sync lock.
//
// Tables and columns marked LOCAL-ONLY in migrations/*.sql hold data that ESP
// cannot give back (pending uploads, local file paths, local edits). Sync never
// writes them; backups exist for them.
package store
