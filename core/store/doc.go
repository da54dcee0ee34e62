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
// Only a missing database file is ever created, and it is built beside its
// name and linked into place, so stocksync.db is never half-made. A file that
// is empty, not SQLite, another application's database or damaged (SQLite's
// quick_check, run by a writable Open unless the file was closed cleanly and
// is untouched since, checked.go) is refused with a *CorruptError
// whose Problem says which, and nothing is written to it. Every open first
// rolls back a hot rollback journal left by a killed writer (read-only
// connections cannot, and would fail with SQLITE_READONLY_ROLLBACK).
//
// Tables and columns marked LOCAL-ONLY in migrations/*.sql hold data that ESP
// cannot give back (pending uploads, local file paths, local edits). Sync never
// writes them; backups exist for them.
package store
